import type { ProviderId } from '../../providers/provider-ids.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import { showInThread, threadViewEntry } from '../../watcher/outbox/thread-views.js';
import type { OutboxEntry, WatchRecord } from '../../watcher/records/watch-store.js';
import type { DetectedEvent } from '../../watcher/transitions.js';
import {
  type SignOff,
  VERIFICATION,
  type VerificationState,
  verificationOf,
  withVerification,
} from '../shared/verification-fact.js';
import { type VerificationReport, verificationReport } from '../shared/verification-report.js';

/**
 * The verification post's view (data the watcher's editor hands back to `render`): the report as
 * it was when the run ended, and its sign-off once there is one. Earlier builds stored it as a note
 * of the outbox, in this shape: theirs are read as its views.
 */
export interface VerificationNote {
  kind: 'verification';
  report: VerificationReport;
  /** The verification it is (`VerificationState.at`), for its buttons. */
  at: number;
  /**
   * Who asked for the migration: they may not sign it off (two-person rule). Unknown on a watch a
   * subscription made (its subscriber only follows the connection): the post then names nobody.
   */
  requester?: string;
  title?: string;
  signoff?: SignOff;
  /** Whose resource (a delta run is offered where the provider declares one; older notes: none). */
  provider?: ProviderId;
}

/** Endings that are verified: a run that was cancelled or deleted has nothing to sign. */
const VERIFIED_ENDINGS: ReadonlySet<string> = new Set(['succeeded', 'failed']);

/**
 * The record with the verification of the run that just ended, and the post that says it (after
 * the completion report). A watch without a card (a subscription's) posts none: it has no thread.
 */
export function verifyEnding(
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
): { record: WatchRecord; entries: OutboxEntry[] } {
  const ending = events.find((e) => VERIFIED_ENDINGS.has(e.event));
  if (!ending || record.follow) return { record, entries: [] };
  const verification: VerificationState = {
    at: now,
    run: record.run,
    report: verificationReport(record.snapshot),
  };
  const next = withVerification(record, verification);
  const post = { ...verificationPost(verification), key: `${ending.key}:verification` };
  return { record: next, entries: [threadViewEntry(next, post, verificationNote(next), now)] };
}

/** Its post in the run's thread: one per verification, named by its `at`. */
export function verificationPost(v: Pick<VerificationState, 'at'>): { capability: string; id: string } {
  return { capability: VERIFICATION, id: String(v.at) };
}

/** The record with its verification post handed the view the record says now (once signed, say). */
export function showVerification(record: WatchRecord): WatchRecord {
  const v = verificationOf(record);
  const note = verificationNote(record);
  return v && note ? showInThread(record, verificationPost(v), note).record : record;
}

/** The verification post as the record says it now (with its sign-off, once signed). */
export function verificationNote(record: WatchRecord): VerificationNote | undefined {
  const v = verificationOf(record);
  if (!v) return undefined;
  const title = titleOf(record);
  return {
    kind: 'verification',
    report: v.report,
    at: v.at,
    // An approved request's requester, carried onto a watch someone else started in another channel.
    requester:
      record.watch.origin?.requester ??
      (record.explicit || record.watch.origin?.request ? record.watch.by : undefined),
    provider: record.snapshot.provider,
    ...(title ? { title } : {}),
    ...(v.signoff ? { signoff: v.signoff } : {}),
  };
}

/** The runs the bot watched end, by where their sign-off stands (`/migrate list unverified`). */
export interface SignOffStanding {
  /** Verified, nobody signed: what the list shows. */
  waiting: WatchRecord[];
  signed: number;
  /** Failed: never signed off (it is retried or taken on), so never waiting. */
  failed: number;
}

/**
 * Where the sign-off of each run the bot watched end stands. One per resource, however many
 * channels watch it: a sign-off is a fact of the run (signoff.ts), the newest verification kept.
 * Only watches verify (a run that ended unwatched has no verification, so none is counted here).
 */
export function signOffStanding(records: readonly WatchRecord[]): SignOffStanding {
  const newest = new Map<string, WatchRecord>();
  for (const r of records) {
    const v = verificationOf(r);
    if (!v) continue;
    const resource = `${r.watch.connection}:${r.watch.kind}:${r.watch.id}`;
    const kept = verificationOf(newest.get(resource));
    if (!kept || kept.at < v.at) newest.set(resource, r);
  }
  const standing: SignOffStanding = { waiting: [], signed: 0, failed: 0 };
  for (const r of newest.values()) {
    const v = verificationOf(r)!;
    if (v.report.state === 'failed') standing.failed++;
    else if (v.signoff) standing.signed++;
    else standing.waiting.push(r);
  }
  return standing;
}
