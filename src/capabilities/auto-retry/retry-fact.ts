import type { CodeClass } from '../../catalogue/code-classes.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';

export const AUTO_RETRY = 'auto-retry';

/** One failure of a series: the first (`n` 0) and each automatic retry's that failed again. */
export interface RetryAttempt {
  n: number;
  at: number;
  code?: string;
  cls: CodeClass;
  /** An attempt claimed by a replica that died before it was made (counted, never made twice). */
  interrupted?: true;
}

/** Why the retries stopped and the failure was told as usual. */
export type GiveUpReason =
  | 'budget'
  | 'max'
  | 'class'
  | 'refused'
  | 'off'
  | 'claimed'
  | 'not-offered'
  | 'partial'
  | 'error';

/**
 * Automatic retries' fact of a watched resource (`facts['auto-retry']`): where its series of
 * retries stands. `waiting` holds the failure back (`holdsFailure`: no broadcast, nobody paged)
 * until attempt `attempt` is due `at`; `running`, that attempt was made; then `succeeded` (after
 * `attempt` retries), `gave-up` (told loudly, with `reason`) or `stopped` (Don't retry).
 */
export interface RetryFact {
  status: 'waiting' | 'running' | 'succeeded' | 'gave-up' | 'stopped';
  holdsFailure?: true;
  /** When the series' first failure was seen (the watcher's clock): names the series. */
  since: number;
  attempt: number;
  max: number;
  at: number;
  code?: string;
  cls: CodeClass;
  /** The person whose policy acts. */
  by: string;
  history: RetryAttempt[];
  reason?: GiveUpReason;
  /** Don't retry: who pressed it. */
  stoppedBy?: string;
  /** A refusal's words (a freeze's rule), as the policy said them: escaped when drawn. */
  said?: string;
  /** The same refusal by its catalogue key, drawn in the reader's language where it is known. */
  saidKey?: SaidKey;
}

export interface SaidKey {
  key: string;
  values?: Record<string, string | number>;
}

export function retryFactOf(record: Pick<WatchRecord, 'facts'>): RetryFact | undefined {
  const fact = record.facts?.[AUTO_RETRY];
  return typeof fact === 'object' && fact !== null && 'status' in fact ? (fact as RetryFact) : undefined;
}

/** A series still under way: a retry is due or running. */
export function inSeries(fact: RetryFact | undefined): fact is RetryFact {
  return fact?.status === 'waiting' || fact?.status === 'running';
}

/** What the action of an automatic retry says of itself (`via.said`: the card's and event's words). */
export interface RetrySaid {
  attempt: number;
  max: number;
}

/** The notes it says in a card's thread (`SaidNote.note`), drawn by its `renderNote`. */
export type RetryNote =
  | { type: 'held'; name: string; code?: string; cls: CodeClass; attempt: number; max: number; at: number }
  | { type: 'succeeded'; name: string; retries: number; history: RetryAttempt[] }
  | {
      type: 'gave-up';
      name: string;
      reason: GiveUpReason;
      history: RetryAttempt[];
      said?: string;
      saidKey?: SaidKey;
      code?: string;
      cls: CodeClass;
    }
  | { type: 'stopped'; name: string; by: string };
