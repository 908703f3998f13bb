import type { MigrationResource } from '../../domain/migration-resource.js';
import type { Logger } from '../../logger.js';
import type { BandwidthWindow } from '../../providers/types.js';
import type { TimeWindow } from './window-store.js';

/** A `limit` window caps the whole day while it holds (OMS rules name no weekdays, seed 002 §5.2.7). */
export const CAP_START = '00:00';
export const CAP_END = '23:59';

/** The rules a `limit` window sets at its start: one rule for the whole day. */
export function capRules(bytesPerSecond: number): BandwidthWindow[] {
  return [{ start: CAP_START, end: CAP_END, maxBytesPerSecond: bytesPerSecond }];
}

/** Whether `rules` are exactly the whole-day cap `w` sets (nobody changed them since). */
export function isCap(rules: readonly BandwidthWindow[], w: TimeWindow): boolean {
  const [only, ...more] = rules;
  return (
    w.action.kind === 'limit' &&
    more.length === 0 &&
    only?.start === CAP_START &&
    only.end === CAP_END &&
    only.maxBytesPerSecond === w.action.bytesPerSecond
  );
}

/**
 * The rules a person set on `r` that the cap replaces for the window's span (put back at its
 * end); `cap` when it is under this window's cap already; undefined when they cannot be read:
 * then it is not capped, as nothing may be lost.
 */
export async function manualRules(
  d: {
    rulesOf?(teamId: string, r: MigrationResource): Promise<BandwidthWindow[] | undefined>;
    logger: Logger;
  },
  w: TimeWindow,
  teamId: string,
  r: MigrationResource,
): Promise<BandwidthWindow[] | 'cap' | undefined> {
  if (!d.rulesOf) return [];
  const rules = await d.rulesOf(teamId, r).catch((error: unknown) => {
    d.logger.warn({ err: error, window: w.id, id: r.id }, 'bandwidth rules unread; not capped');
    return undefined;
  });
  if (rules === undefined) return undefined;
  return isCap(rules, w) ? 'cap' : rules;
}
