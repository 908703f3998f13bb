import type { WatchRecord } from './records/watch-store.js';

/**
 * A watch record as a cycle read it. `raw`: the stored text it was decoded from, so that writing
 * its successor can compare-and-set against it without reading and decoding the record again.
 */
export type Loaded = { key: string; record: WatchRecord; raw?: string };

/** A watch record as stored, not decoded (a quiet watch's, see `QuietWatches`). */
export type StoredText = { key: string; raw: string };

export interface CycleReport {
  watches: number;
  connections: number;
  /** Connections this replica polled (it held their lease). */
  polled: number;
  leasedElsewhere: number;
  backedOff: number;
  failedConnections: number;
  /** Those connections, by id (`team/name`, `*` for every team): the metrics label the configured ones. */
  failed: string[];
  providerRequests: number;
  /** List pages read (part of `providerRequests`). */
  pages: number;
  events: number;
  /** Watches whose records were not decoded: nothing changed since the last cycle (`QuietWatches`). */
  quiet: number;
  /**
   * Outbox entries waiting at the start of the cycle, and the age of the oldest (0 when none): of
   * the connections this replica holds (with several replicas, the sum over them is the backlog).
   */
  outboxDepth: number;
  outboxOldestMs: number;
  ms: number;
}

/** A report with nothing counted yet; `addBacklog` adds each connection's records as they are read. */
export function emptyReport(watches: number): CycleReport {
  return {
    watches,
    connections: 0,
    polled: 0,
    leasedElsewhere: 0,
    backedOff: 0,
    failedConnections: 0,
    failed: [],
    providerRequests: 0,
    pages: 0,
    events: 0,
    quiet: 0,
    outboxDepth: 0,
    outboxOldestMs: 0,
    ms: 0,
  };
}

/** Adds these records' outbox entries to the backlog (depth, and the age of the oldest). */
export function addBacklog(report: CycleReport, records: readonly Loaded[], now: number): void {
  for (const { record } of records) {
    report.outboxDepth += record.outbox.length;
    for (const entry of record.outbox)
      report.outboxOldestMs = Math.max(report.outboxOldestMs, now - entry.createdAt);
  }
}
