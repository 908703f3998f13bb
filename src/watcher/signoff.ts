import { SKIP } from '../store/atomic-kv.js';
import { cardDue } from './living-posts.js';
import type { SignOff } from './verification.js';
import type { WatchRecord, WatchStore } from './watch-store.js';

/** How a sign-off came out: signed now, signed already (by whom), refused for a failed run, or gone. */
export type SignOffResult =
  | { outcome: 'signed'; signoff: SignOff; record: WatchRecord }
  | { outcome: 'already'; signoff: SignOff }
  | { outcome: 'failed' }
  | { outcome: 'gone' };

/**
 * Records a sign-off on the verification `at` of watch `key` in one compare-and-set (AtomicKv
 * `update`): two people pressing at once, on two replicas, cannot both win; the loser is told who
 * did. A failed run is never signed as complete, whatever the button said when it was drawn. The
 * card and the verification post are marked for their next edit, made by the watcher's editors.
 */
export async function signOffWatch(
  store: WatchStore,
  key: string,
  at: number,
  signoff: SignOff,
): Promise<SignOffResult> {
  let result: SignOffResult = { outcome: 'gone' };
  await store.update<WatchRecord>(key, (current) => {
    const v = current?.verification;
    if (!current || !v || v.at !== at) {
      result = { outcome: 'gone' };
      return SKIP;
    }
    if (v.signoff) {
      result = { outcome: 'already', signoff: v.signoff };
      return SKIP;
    }
    if (v.report.state === 'failed') {
      result = { outcome: 'failed' };
      return SKIP;
    }
    const next = cardDue({ ...current, verification: { ...v, signoff } }, true);
    result = { outcome: 'signed', signoff, record: next };
    return next;
  });
  return result;
}
