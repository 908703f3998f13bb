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
   * `run`: the provider's bytes over its elapsed time. `watched`: bytes the watcher saw move over
   * the time it watched, used when the provider's figures contradict what was measured.
   */
  averageOver?: 'run' | 'watched';
  peakBytesPerSecond?: number;
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
}

export function completionSpeeds(
  resource: Pick<MigrationResource, 'elapsedSeconds' | 'bytes'>,
  samples: readonly ThroughputSample[],
): CompletionSpeeds {
  const rates = ratesOf(samples);
  const first = samples[0];
  const last = samples.at(-1);
  const sampledSeconds = first && last && last.at > first.at ? (last.at - first.at) / 1000 : undefined;
  const durationSeconds = resource.elapsedSeconds ?? sampledSeconds;
  const bytesMoved = resource.bytes.done ?? last?.bytes;
  const wholeRun =
    durationSeconds && durationSeconds > 0 && bytesMoved !== undefined
      ? bytesMoved / durationSeconds
      : undefined;
  const watched =
    first && last && sampledSeconds ? Math.max(0, last.bytes - first.bytes) / sampledSeconds : undefined;
  const peak = rates.length > 0 ? Math.max(...rates.map((r) => r.bytesPerSecond)) : undefined;
  // An average above every rate the watcher measured is not an average: the provider's elapsed time
  // does not cover all the bytes it counts (bytes moved before a restart or before the counter
  // started). The card's speed and the chart show what was measured, so the report does too.
  // (Within 10 %, sampling error, the provider's figure stands.)
  const trusted = wholeRun !== undefined && (peak === undefined || wholeRun <= 1.1 * peak);
  const averageBytesPerSecond = trusted ? wholeRun : (watched ?? wholeRun);
  const averageOver = averageBytesPerSecond === undefined ? undefined : trusted ? 'run' : 'watched';
  return {
    durationSeconds,
    averageBytesPerSecond,
    ...(averageOver ? { averageOver } : {}),
    peakBytesPerSecond: peak === undefined ? undefined : Math.max(peak, averageBytesPerSecond ?? 0),
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
