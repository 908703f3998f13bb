import type { VerificationReport } from './verification-report.js';

/** The capability's name, and so its fact's key on a watch record (`WatchRecord.facts`). */
export const VERIFICATION = 'verification';

/**
 * The verification of a run that ended, the capability's fact of a watch: decided in the
 * compare-and-set that records the ending, posted once through the outbox, and signed off later by
 * someone other than who asked for the migration. The card, the verification post (a living post,
 * edited through the watcher once signed) and `/migrate list unverified` all read it from here.
 */
export interface VerificationState {
  /** Watcher clock, ms, when the ending was seen: it names this verification (buttons carry it). */
  at: number;
  run: number;
  report: VerificationReport;
  signoff?: SignOff;
}

/** "Verified by @Bob": who (a Slack user id), when (watcher clock) and what they noted. */
export interface SignOff {
  by: string;
  at: number;
  note: string;
}

/** A watch record as this fact needs it: its capabilities' facts. */
type WithFacts = { facts?: Readonly<Record<string, unknown>> };

/** The verification of a watch's last ended run; undefined before any ended (a leaf: no imports). */
export function verificationOf(record: WithFacts | undefined): VerificationState | undefined {
  return record?.facts?.[VERIFICATION] as VerificationState | undefined;
}

/** The record with its verification replaced, beside the other capabilities' facts. */
export function withVerification<R extends WithFacts>(record: R, v: VerificationState): R {
  return { ...record, facts: { ...record.facts, [VERIFICATION]: v } };
}
