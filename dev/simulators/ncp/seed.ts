import { GiB, type NcpSimulator } from './index.js';

/** NCP policies: one paused mid-way, one running. */
export function seedNcpPolicies(ncp: NcpSimulator): void {
  ncp.addPolicy({
    title: 'media-s3-to-ncp',
    jobState: 'PAUSED',
    sourceCspType: 'AWS',
    sourceRegion: 'ap-northeast-2',
    sourceBucket: 'media-assets',
    targetBucket: 'media-ncp',
    totalSize: 640 * GiB,
    totalObjects: 2_100_000,
    progress: 0.44,
  });
  ncp.addPolicy({
    title: 'backups-azure',
    jobState: 'STARTED',
    sourceCspType: 'Azure',
    sourceRegion: 'koreacentral',
    sourceBucket: 'backups',
    targetBucket: 'backups-ncp',
    totalSize: 120 * GiB,
    totalObjects: 90_000,
    progress: 0.2,
  });
}
