import type { MigrationResource } from '../domain/migration-resource.js';
import { ratesOf, type ThroughputSample } from './throughput-samples.js';

/** What the thread of a finished task or group is told: figures only, rendered by slack/blocks. */
export interface CompletionReport {
  id: string;
  name: string;
  connection: string;
  state: MigrationResource['state'];
  durationSeconds?: number;
  averageBytesPerSecond?: number;
  /**
   * `run`: the provider's bytes over its elapsed time. `watched`: when those contradict what was
   * measured, the bytes that moved while watched over the time watched (duration and bytes too).
   */
  averageOver?: 'run' | 'watched';
  peakBytesPerSecond?: number;
  watchedBytes?: number;
  bytesMoved?: number;
  bytesTotal?: number;
  objectsMoved?: number;
  objectsSkipped?: number;
  objectsFailed?: number;
  /** Where the provider put the list of objects that failed, if it did. */
  failedObjectList?: string;
  /** Enough samples to draw a throughput chart (at least two intervals). */
  chartable: boolean;
}

/**
 * How long and how fast, as the report says it and the thread's completion line repeats it, so
 * the two never disagree: the provider's own figures win where it reports them (elapsed time,
 * bytes); samples fill in what it does not and name the peak.
 */
export interface CompletionSpeeds {
  durationSeconds?: number;
  averageBytesPerSecond?: number;
  averageOver?: 'run' | 'watched';
  /** The highest rate between two polls; never below the average shown beside it. */
  peakBytesPerSecond?: number;
  /** `watched`: the bytes that moved while watched (the average's bytes; `durationSeconds` is its time). */
  watchedBytes?: number;
}

export function completionSpeeds(
  resource: Pick<MigrationResource, 'elapsedSeconds' | 'bytes'>,
  samples: readonly ThroughputSample[],
): CompletionSpeeds {
  const rates = ratesOf(samples).filter((r) => !r.gap);
  const first = samples[0];
  const last = samples.at(-1);
  const sampledSeconds = first && last && last.at > first.at ? (last.at - first.at) / 1000 : undefined;
  const durationSeconds = resource.elapsedSeconds ?? sampledSeconds;
  const bytesMoved = resource.bytes.done ?? last?.bytes;
  const wholeRun =
    durationSeconds && durationSeconds > 0 && bytesMoved !== undefined
      ? bytesMoved / durationSeconds
      : undefined;
  const measuredPeak = rates.length > 0 ? Math.max(...rates.map((r) => r.bytesPerSecond)) : undefined;
  // The figures shown beside each other agree: an average is the bytes over the duration
  // it is shown with, and the peak is never below it (rates between polls miss a short peak).
  const agreeing = (average: number | undefined) =>
    measuredPeak === undefined ? undefined : Math.max(measuredPeak, average ?? 0);
  // Bytes over the provider's time far above every rate measured: its time does not cover all the
  // bytes it counts (moved before a restart, or before its counters started). Then the report says
  // what was watched: its duration, the bytes that moved in it, their average.
  if (wholeRun === undefined || measuredPeak === undefined || wholeRun <= 1.1 * measuredPeak)
    return {
      durationSeconds,
      averageBytesPerSecond: wholeRun,
      ...(wholeRun !== undefined ? { averageOver: 'run' as const } : {}),
      peakBytesPerSecond: agreeing(wholeRun),
    };
  const watchedBytes = Math.max(0, (last?.bytes ?? 0) - (first?.bytes ?? 0));
  const watched = sampledSeconds ? watchedBytes / sampledSeconds : undefined;
  return {
    durationSeconds: sampledSeconds,
    averageBytesPerSecond: watched,
    averageOver: 'watched',
    watchedBytes,
    peakBytesPerSecond: agreeing(watched),
  };
}

/** The report from the resource's last observation and the samples the watcher kept. */
export function completionReport(
  resource: MigrationResource,
  samples: readonly ThroughputSample[],
): CompletionReport {
  const last = samples.at(-1);
  return {
    id: resource.id,
    name: resource.name,
    connection: resource.connection,
    state: resource.state,
    ...completionSpeeds(resource, samples),
    bytesMoved: resource.bytes.done ?? last?.bytes,
    bytesTotal: resource.bytes.total,
    objectsMoved: resource.objects.done,
    objectsSkipped: resource.objects.skipped,
    objectsFailed: resource.objects.failed,
    failedObjectList: resource.failedObjectList,
    chartable: ratesOf(samples).length >= 2,
  };
}
