import { StoreUnavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { KeyNaming, Namings } from '../../store/open-atomic-kv.js';
import { systemClock } from '../clock.js';
import { forEachLimited } from '../observe.js';
import { INDEX_KEY, resourceSetOf, watchSlotTag } from './watch-keys.js';

/**
 * How the watcher's keys are named in the store, kept in the store: `tagged` once a cluster's
 * start-up gave the watch records and resource sets their hash tags (`watchSlotTag`); absent or
 * `plain` for the names 0.2.0 gave them, which one server and Sentinel keep.
 */
export const KEY_NAMES_KEY = 'watch-key-names';
const LEASE = 'watch-key-names-lease';
const LEASE_MS = 30_000;
/** Keys moved at once (each a few round trips). */
const MOVES_AT_ONCE = 64;
/** How long a replica waits for another to finish moving (then takes over the lease it left). */
const WAIT_MS = 250;
const WAIT_ROUNDS = 2_400;

/**
 * The watcher's key naming for `openAtomicKv`: on a cluster a workspace connection's records and
 * a resource's set share a hash tag. At start-up a store named the other way (one 0.2.0 wrote, or
 * one copied between a cluster and one server by key name) has its keys moved, by one replica
 * under a lease while the others wait, once: the mark `watch-key-names` then says it is done.
 */
export function watchKeyNaming(holder: string, logger: Logger): KeyNaming {
  return { tagOf: watchSlotTag, settle: (namings) => settleKeyNames(namings, holder, logger) };
}

async function settleKeyNames({ current, other, tagged }: Namings, holder: string, logger: Logger) {
  const want = tagged ? 'tagged' : 'plain';
  for (let round = 0; round < WAIT_ROUNDS; round++) {
    if (((await current.get(KEY_NAMES_KEY)) ?? 'plain') === want) return;
    if (await current.acquireLease(LEASE, holder, LEASE_MS)) {
      try {
        // Another replica may have finished between the read and the lease.
        if (((await current.get(KEY_NAMES_KEY)) ?? 'plain') === want) return;
        const keep = () => current.acquireLease(LEASE, holder, LEASE_MS);
        const moved = await moveKeys(other, current, keep);
        await current.update(KEY_NAMES_KEY, () => want);
        logger.info({ ...moved, names: want }, 'watch keys renamed for this Redis topology');
      } finally {
        await current.releaseLease(LEASE, holder).catch(() => undefined);
      }
      return;
    }
    // Real time: the lease another replica holds lapses in the store, on the store's clock.
    await systemClock.sleep(WAIT_MS);
  }
  throw new StoreUnavailableError('Another replica is still renaming the watch keys; try again shortly.');
}

/**
 * Every watch record the index names and every resource set, from `from`'s names to `to`'s. Each
 * move is idempotent (a record already at its new name is kept, the old one dropped only while
 * unchanged), so a replica taking over a lapsed lease moves what is left.
 */
async function moveKeys(
  from: AtomicKv,
  to: AtomicKv,
  keep: () => Promise<boolean>,
): Promise<{ records: number; sets: number }> {
  const keys = (await from.setMembers(INDEX_KEY)).filter((key) => watchSlotTag(key) !== undefined);
  const sets = [...new Set(keys.map(resourceSetOf))];
  let records = 0;
  let done = 0;
  const step = async () => {
    // The lease lasts while the moves go on: a long move is not taken over halfway.
    if (++done % 1_000 === 0 && !(await keep())) throw new StoreUnavailableError('lost the watch-key lease');
  };
  await forEachLimited(keys, MOVES_AT_ONCE, async (key) => {
    const value = await from.get(key);
    if (value !== undefined) {
      await to.update(key, (now) => (now === undefined ? value : SKIP));
      await from.update(key, (now) => (now === value ? undefined : SKIP));
      records++;
    }
    await step();
  });
  await forEachLimited(sets, MOVES_AT_ONCE, async (set) => {
    const members = await from.setMembers(set);
    for (const member of members) await to.setAdd(set, member);
    for (const member of members) await from.setRemove(set, member);
    await step();
  });
  return { records, sets: sets.length };
}
