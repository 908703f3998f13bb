import type { OmsSimulator } from '../huawei-oms/index.js';
import type { NcpSimulator } from '../ncp/index.js';
import type { UpCloudSimulator } from '../upcloud/index.js';
import type { ObjectStoreSimulator } from './index.js';
import { writeOmsFailedLists } from './oms-lists.js';

/** The seeded runs whose objects can be checked, by name. */
export const OBJECT_RUNS = {
  omsFailed: 'photos-to-obs',
  ncp: 'media-to-ncp',
  upcloud: 'logs-to-upcloud',
} as const;

const MiB = 1024 ** 2;

/**
 * What "Check the buckets" finds in the playground: an OMS task that ends with 7 failed objects
 * (their list written into its OBS bucket), and a finished NCP policy and UpCloud job whose
 * destination misses 3 of the source's objects and holds 1 of another size.
 */
export function seedObjectChecks(
  store: ObjectStoreSimulator,
  sims: { oms: OmsSimulator; ncp: NcpSimulator; upcloud: UpCloudSimulator },
): void {
  sims.oms.writeFailedListsWith(writeOmsFailedLists(store));
  omsTaskFailing7(store, sims.oms, OBJECT_RUNS.omsFailed);
  ncpPolicyDiffering(store, sims.ncp, OBJECT_RUNS.ncp, 'DONE');
  upcloudJobDiffering(store, sims.upcloud, OBJECT_RUNS.upcloud, 'completed');
}

/** An OMS task that fails as its clock moves: the 70 objects it had left counted as 7 failed (a tenth). */
export function omsTaskFailing7(store: ObjectStoreSimulator, oms: OmsSimulator, name: string) {
  const bucket = `${name}-src`;
  for (let i = 0; i < 40; i++)
    store.putObject(bucket, `photos/img-${String(i).padStart(3, '0')}.jpg`, `p${i}`);
  store.bucket(`${name}-obs`, 'cn-north-4');
  return oms.addTask({
    name,
    status: 2,
    progress: 0,
    totalNum: 70,
    totalSize: 70 * MiB,
    // Slow enough for the watch to see it running before it fails (about 11 s at 64 KiB/s).
    speed: 64 * 1024,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket },
    dst: { region: 'cn-north-4', bucket: `${name}-obs` },
    failAt: 0.01,
    failCode: 'OMS.0313',
  });
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

/** An UpCloud job whose target misses 3 objects and holds 1 of another size. */
export function upcloudJobDiffering(
  store: ObjectStoreSimulator,
  upcloud: UpCloudSimulator,
  name: string,
  status: 'completed' | 'running',
) {
  differingBuckets(store, `${name}-src`, 'logs/', `${name}-uc`, 'logs/');
  return upcloud.addJob({
    name,
    status,
    progress: status === 'completed' ? 1 : 0.5,
    source: { bucket: `${name}-src`, prefix: 'logs/' },
    target: { bucket: `${name}-uc`, prefix: 'logs/' },
  });
}

/** 120 objects at the source; at the destination 3 missing and 1 of another size. */
function differingBuckets(store: ObjectStoreSimulator, src: string, from: string, dst: string, to: string) {
  for (let i = 0; i < 120; i++) {
    const name = `file-${String(i).padStart(3, '0')}.bin`;
    store.putObject(src, `${from}${name}`, `bytes ${i}`);
    if (i === 7 || i === 64 || i === 119) continue;
    store.putObject(dst, `${to}${name}`, i === 30 ? `bytes ${i}, and more` : `bytes ${i}`);
  }
}
