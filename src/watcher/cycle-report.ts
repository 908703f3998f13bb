import type { WatchRecord } from './watch-store.js';

export type Loaded = { key: string; record: WatchRecord };

export interface CycleReport {
  watches: number;
  connections: number;
  /** Connections this replica polled (it held their lease). */
  polled: number;
  leasedElsewhere: number;
  backedOff: number;
  failedConnections: number;
  providerRequests: number;
  /** List pages read (part of `providerRequests`). */
  pages: number;
  events: number;
  /** Outbox entries waiting at the start of the cycle, and the age of the oldest (0 when none). */
  outboxDepth: number;
  outboxOldestMs: number;
  ms: number;
}

export function emptyReport(all: Loaded[]): CycleReport {
  return {
    watches: all.length,
    connections: 0,
    polled: 0,
    leasedElsewhere: 0,
    backedOff: 0,
    failedConnections: 0,
    providerRequests: 0,
    pages: 0,
    events: 0,
    ...outboxBacklog(all, Date.now()),
    ms: 0,
  };
}

function outboxBacklog(all: Loaded[], now: number): { outboxDepth: number; outboxOldestMs: number } {
  let outboxDepth = 0;
  let oldest = now;
  for (const { record } of all) {
    outboxDepth += record.outbox.length;
    for (const entry of record.outbox) oldest = Math.min(oldest, entry.createdAt);
  }
  return { outboxDepth, outboxOldestMs: Math.max(0, now - oldest) };
}
