import type { SignOff, VerificationState } from '../shared/verification-fact.js';

/** What a card shows of its last run's verification: the outcome, and who signed it off. */
export interface VerificationCard {
  outcome: 'matches' | 'mismatch' | 'unchecked';
  /** The run failed: nobody signs it off, so the card says what to do instead. */
  failed?: true;
  signoff?: SignOff;
}

// A leaf of its own: notification.ts (which builds the card's facts) and verification.ts (which
// imports notification.ts for titles) would otherwise import each other.
export function verificationCard(v: VerificationState): VerificationCard {
  return {
    outcome: v.report.outcome,
    ...(v.report.state === 'failed' ? { failed: true as const } : {}),
    ...(v.signoff ? { signoff: v.signoff } : {}),
  };
}
