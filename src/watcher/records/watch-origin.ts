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

/** Who asked for the migration on an approved request, as this watch says (made by it, or carried). */
export function approvalRequester(record: {
  watch: { by: string; origin?: WatchOrigin };
}): string | undefined {
  const origin = record.watch.origin;
  return origin?.requester ?? (origin?.request ? record.watch.by : undefined);
}
