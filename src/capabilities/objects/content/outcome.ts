import type { Algorithm } from './checksums.js';

export type Side = 'source' | 'destination';

/** What one side gave the content check: the checksums it stated, the objects downloaded from it. */
export interface SideContent {
  /** Objects (of the pairs the check looked at) for which this side stated each checksum. */
  stated: Partial<Record<Algorithm, number>>;
  downloaded: number;
  bytes: number;
}

/**
 * A content check's result (issue 78), kept on the bucket check's outcome: the pairs compared by a
 * checksum both sides stated (tier 1, no bytes downloaded), the random sample of the rest
 * downloaded and hashed (tier 2), and what neither checked, which is never counted as the same.
 */
export interface ContentOutcome {
  /** Pairs of the same size compared by each common algorithm and found the same. */
  same: Partial<Record<Algorithm, number>>;
  /** Pairs found different by a checksum (tier 1) or by their bytes (tier 2). */
  byChecksum: number;
  byContent: number;
  sides: Record<Side, SideContent>;
  /** Pairs over the HEAD bound, not asked for their checksums (sampled with the rest). */
  unasked: number;
  sample?: {
    /** The pairs no checksum checked: what the sample's statement is about. */
    pool: number;
    /** Downloaded from both sides and hashed (SHA-256). */
    n: number;
    differ: number;
    tooLarge: number;
    cutByBytes: number;
    /** Downloads that failed (either side): not checked. */
    failed: number;
    seed: number;
  };
  /** Sampled objects whose stated CRC64-ECMA is not that of the bytes their store sent. */
  statedWrong?: number;
  /** Pairs of the same size that no tier checked. */
  notChecked: number;
}

export function emptyContent(): ContentOutcome {
  const side = (): SideContent => ({ stated: {}, downloaded: 0, bytes: 0 });
  return {
    same: {},
    byChecksum: 0,
    byContent: 0,
    sides: { source: side(), destination: side() },
    unasked: 0,
    notChecked: 0,
  };
}
