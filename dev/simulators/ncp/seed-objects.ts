import type { ObjectStoreSimulator } from '../object-store/index.js';
import { differingBuckets } from '../object-store/seed-playground.js';
import type { NcpSimulator } from './index.js';

const MiB = 1024 ** 2;

/** What "Check the buckets" finds here: a finished policy whose target misses 3 objects, 1 differing. */
export function seedNcpObjects(ncp: NcpSimulator, store: ObjectStoreSimulator): void {
  ncpPolicyDiffering(store, ncp, 'media-to-ncp', 'DONE');
}

/** An NCP policy from AWS whose target misses 3 objects and holds 1 of another size. */
export function ncpPolicyDiffering(
  store: ObjectStoreSimulator,
  ncp: NcpSimulator,
  title: string,
  jobState: 'DONE' | 'STARTED',
) {
  differingBuckets(store, `${title}-src`, 'assets/', `${title}-ncp`, 'backup/');
  return ncp.addPolicy({
    title,
    jobState,
    sourceCspType: 'AWS',
    sourceRegion: 'ap-northeast-2',
    sourceBucket: `${title}-src`,
    sourcePrefix: 'assets/',
    targetBucket: `${title}-ncp`,
    targetPrefix: 'backup/',
    totalSize: 120 * MiB,
    totalObjects: 120,
    progress: jobState === 'DONE' ? 1 : 0.5,
    speed: 64 * MiB,
  });
}
