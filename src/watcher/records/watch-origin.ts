/**
 * The creation request a watch came from, and, for a delta run, its place in the chain:
 * the `n`th after the run named `of`, whose card `link` points at. `requester`: who asked for the
 * migration on that request, carried onto a later watch of the same resource in another channel
 * (that watch's `by` is whoever started it): they may not sign its runs off there either.
 */
export interface WatchOrigin {
  request?: string;
  title?: string;
  chain?: { n: number; of: string; link?: string; series?: 'retry' };
  requester?: string;
}

/**
 * Said once in a run's thread when a delta run of it is asked for, or made: the chain stays in
 * one thread, posted by the outbox like every other line about the run (`WatchNotes.say`).
 * Mentions and ids only; the words are drawn at delivery, in the channel's language.
 */
export interface ChainNote {
  kind: 'chain';
  event: 'requested' | 'created';
  /** The delta's number in the chain (or the retry's, in the chain's retries). */
  n: number;
  /** A retry of what the run did not bring over; absent: a delta. */
  series?: 'retry';
  /** Slack user ids. */
  requester: string;
  approver?: string;
  /** The approval request it went through, and the link to it. */
  request: { id: string; permalink?: string };
  /** The delta run once made: `connection:id`. */
  ref: string;
}

/** Who asked for the migration on an approved request, as this watch says (made by it, or carried). */
export function approvalRequester(record: {
  watch: { by: string; origin?: WatchOrigin };
}): string | undefined {
  const origin = record.watch.origin;
  return origin?.requester ?? (origin?.request ? record.watch.by : undefined);
}
