import { SKIP } from '../../store/atomic-kv.js';
import { cardDue } from '../../watcher/outbox/living-posts.js';
import { sameJson } from '../../watcher/records/same-json.js';
import { approvalRequester } from '../../watcher/records/watch-origin.js';
import type { WatchRecord, WatchStore, WatchTarget } from '../../watcher/records/watch-store.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import {
  type SignOff,
  type VerificationState,
  verificationOf,
  withVerification,
} from '../shared/verification-fact.js';
import { showVerification } from './verification.js';

/**
 * How a sign-off came out: signed now, signed already (by whom), refused for a failed run, or
 * gone. `keys`: the watches whose records now carry the run's sign-off (their posts are due).
 */
export type SignOffResult =
  | { outcome: 'signed'; signoff: SignOff; record: WatchRecord; keys: string[] }
  | { outcome: 'already'; signoff: SignOff; keys: string[] }
  | { outcome: 'failed' }
  | { outcome: 'gone' };

/** A resource as its watches name it in every channel of a workspace. */
export type SignedResource = Pick<WatchTarget, 'teamId' | 'connection' | 'kind' | 'id'>;

/**
 * Who may not sign off the runs of a resource, whichever channel the button is pressed in (two-person
 * rule): the requester of its approved request, where any of its watches says one; else whoever
 * asked for a watch of it by hand (not a subscription's: its subscriber only follows a connection).
 * A fact of the resource, so the same answer in every channel.
 */
export function requestersOf(records: readonly WatchRecord[]): ReadonlySet<string> {
  const approved = records.map(approvalRequester).filter((by): by is string => by !== undefined);
  if (approved.length > 0) return new Set(approved);
  return new Set(records.filter((r) => r.explicit).map((r) => r.watch.by));
}

/**
 * Records a sign-off on the verification `at` of watch `key`, and on the same run's verification in
 * every other channel watching the resource (the same report, seen in the same poll): a sign-off is
 * a fact of the run. Each record is written in its own compare-and-set (AtomicKv `update`), in key
 * order: two people pressing at once, in one channel or two, on two replicas, meet on the first
 * record; who loses it is told who won, and carries the winner's sign-off on. A run's sign-off
 * found on another channel's record (by someone other than `requesters`) is carried likewise. A
 * failed run is never signed as complete, whatever the button said when it was drawn. The cards
 * are marked for their next edit and the verification posts handed their new view, in the same
 * write: the watcher's one editor draws them.
 */
export async function signOffWatch(
  store: WatchStore,
  key: string,
  at: number,
  signoff: SignOff,
): Promise<SignOffResult> {
  const pressed = await store.read<WatchRecord>(key);
  const pressedV = verificationOf(pressed);
  const first = refusal(pressedV, at);
  if (first || !pressed || !pressedV) return first ?? { outcome: 'gone' };
  const report = pressedV.report;
  const watches = await watchesOf(store, pressed.watch);
  const requesters = requestersOf([pressed, ...watches.map((w) => w.record)]);
  const run = [
    key,
    ...watches.filter((w) => w.key !== key && sameRun(w.record, report)).map((w) => w.key),
  ].sort();
  // The sign-off this run carries: ours, unless the first record shows someone else's came first.
  let winner = signoff;
  let record: WatchRecord | undefined;
  const keys: string[] = [];
  for (const k of run) {
    const mine = k === key;
    const seen: { refused?: SignOffResult } = {};
    const written = await store.update<WatchRecord>(k, (current) => {
      const v = verificationOf(current);
      // The pressed record is this run's while it holds `at`; another while it holds the same report.
      seen.refused = refusal(v, mine ? at : current && sameRun(current, report) ? v?.at : undefined);
      if (!current || !v || seen.refused) return SKIP;
      return cardDue(showVerification(withVerification(current, { ...v, signoff: winner })), true);
    });
    const refused = seen.refused;
    if (!refused) {
      keys.push(k);
      if (mine || !record) record = written;
    } else if (keys.length === 0) {
      // Nothing written yet, so this record decides: the pressed one refused is the answer; another
      // channel's valid sign-off is the run's (a requester's, recorded before the rule held across
      // channels, is not carried). Once written, a record signed meanwhile keeps its own.
      if (mine) return refused;
      if (refused.outcome === 'already' && winner === signoff && !requesters.has(refused.signoff.by))
        winner = refused.signoff;
    }
  }
  if (!record) return { outcome: 'gone' };
  return winner === signoff
    ? { outcome: 'signed', signoff, record, keys }
    : { outcome: 'already', signoff: winner, keys };
}

/** Why verification `v` cannot be signed as the verification `at`; undefined when it can. */
function refusal(v: VerificationState | undefined, at: number | undefined): SignOffResult | undefined {
  if (!v || v.at !== at) return { outcome: 'gone' };
  if (v.signoff) return { outcome: 'already', signoff: v.signoff, keys: [] };
  if (v.report.state === 'failed') return { outcome: 'failed' };
  return undefined;
}

/** The same ending as seen by another watch of the resource: the report it was verified from. */
function sameRun(record: WatchRecord, report: VerificationState['report']): boolean {
  const v = verificationOf(record);
  return v !== undefined && sameJson(v.report, report);
}
