import type { Connection } from '../connections/connection.js';
import type { Logger } from '../logger.js';
import { SKIP } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';
import type { Loaded } from './cycle-report.js';
import { connectionNotices, reasonOf } from './outbox/notification.js';
import { emptyMailbox, enqueue, type HealthRecord, type WatchStore } from './records/watch-store.js';
import { logPollFailure, logPollRecovered } from './watch-log.js';

/**
 * A watched connection's health record (`conn:<team>/<name>`): failed polls counted, a backoff
 * past `failThreshold`, a notice in its watches' channels when it goes down and when it answers
 * again, and one log line per outage (watch-log.ts).
 */
export interface HealthDeps {
  store: WatchStore;
  clock: Clock;
  logger: Logger;
  settings: { failThreshold: number; maxSkipCycles: number };
}

export async function markHealthy(
  deps: HealthDeps,
  hKey: string,
  connection: Connection,
  watches: () => Loaded[],
): Promise<void> {
  const now = deps.clock.now();
  let ended: HealthRecord | undefined;
  await deps.store.update<HealthRecord>(hKey, (h) => {
    if (!h || (h.failures === 0 && !h.down && h.skip === 0)) return SKIP;
    ended = h;
    const next: HealthRecord = { ...h, failures: 0, skip: 0, down: false, since: undefined };
    if (!h.down) return next;
    return enqueue(next, connectionNotices(watches(), connection.name, 'up', h.outage, h.since ?? now, now));
  });
  if (ended) logPollRecovered(deps.logger, connection, ended.failures, now - (ended.since ?? now));
}

export async function markUnhealthy(
  deps: HealthDeps,
  hKey: string,
  connection: Connection,
  watches: Loaded[],
  error: unknown,
): Promise<void> {
  const now = deps.clock.now();
  const { failThreshold, maxSkipCycles } = deps.settings;
  let failures = 0;
  await deps.store.update<HealthRecord>(hKey, (current) => {
    const h: HealthRecord = current ?? { ...emptyMailbox(), failures: 0, down: false, outage: 0, skip: 0 };
    const next: HealthRecord = { ...h, failures: h.failures + 1, since: h.since ?? now };
    failures = next.failures;
    if (next.failures < failThreshold) return next;
    next.skip = Math.min(maxSkipCycles, 2 ** (next.failures - failThreshold));
    if (h.down) return next;
    next.down = true;
    next.outage = h.outage + 1;
    const notices = connectionNotices(
      watches,
      connection.name,
      'down',
      next.outage,
      next.since ?? now,
      now,
      reasonOf(error),
    );
    return enqueue(next, notices);
  });
  logPollFailure(deps.logger, connection, failures, error);
}
