/**
 * The creation request a watch came from, and, for a delta run (issue 49), its place in the chain:
 * the `n`th after the run named `of`, whose card `link` points at.
 */
export interface WatchOrigin {
  request?: string;
  title?: string;
  chain?: { n: number; of: string; link?: string };
}
