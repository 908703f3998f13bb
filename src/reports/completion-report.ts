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
 * The report from the resource's last observation and the samples the watcher kept. The provider's
 * own figures win where it reports them (elapsed time, bytes); samples fill in what it does not.
 */
export function completionReport(
  resource: MigrationResource,
  samples: readonly ThroughputSample[],
): CompletionReport {
  const rates = ratesOf(samples);
  const first = samples[0];
  const last = samples.at(-1);
  const sampledSeconds = first && last && last.at > first.at ? (last.at - first.at) / 1000 : undefined;
  const durationSeconds = resource.elapsedSeconds ?? sampledSeconds;
  const bytesMoved = resource.bytes.done ?? last?.bytes;
  const averageBytesPerSecond =
    durationSeconds && durationSeconds > 0 && bytesMoved !== undefined
      ? bytesMoved / durationSeconds
      : undefined;
  const peak = rates.reduce((max, r) => Math.max(max, r.bytesPerSecond), 0);
  return {
    id: resource.id,
    name: resource.name,
    connection: resource.connection,
    state: resource.state,
    durationSeconds,
    averageBytesPerSecond,
    // Samples that cover only part of the run can peak below the whole run's average: a peak that
    // contradicts the average is left out rather than shown (within 10 %, sampling error, it is the
    // average: a peak is never shown below it).
    peakBytesPerSecond:
      rates.length > 0 && (averageBytesPerSecond === undefined || peak >= 0.9 * averageBytesPerSecond)
        ? Math.max(peak, averageBytesPerSecond ?? 0)
        : undefined,
    bytesMoved,
    bytesTotal: resource.bytes.total,
    objectsMoved: resource.objects.done,
    objectsSkipped: resource.objects.skipped,
    objectsFailed: resource.objects.failed,
    failedObjectList: resource.failedObjectList,
    chartable: rates.length >= 2,
  };
}
