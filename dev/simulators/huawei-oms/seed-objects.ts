import type { ObjectStoreSimulator } from '../object-store/index.js';
import { omsListTasks, writeOmsFailedLists } from '../object-store/oms-lists.js';
import type { OmsSimulator } from './index.js';

const MiB = 1024 ** 2;

/** What "Check the buckets" finds here: a task that ends with 7 failed objects, listed in its OBS bucket. */
export function seedOmsObjects(oms: OmsSimulator, store: ObjectStoreSimulator): void {
  oms.writeFailedListsWith(writeOmsFailedLists(store));
  // A retry of the failed objects (a list task) is sized by them and brings them over.
  oms.listTasksWith(omsListTasks(store));
  omsTaskFailing7(store, oms, 'photos-to-obs');
}

/** An OMS task that fails as its clock moves: the 70 objects it had left counted as 7 failed (a tenth). */
export function omsTaskFailing7(store: ObjectStoreSimulator, oms: OmsSimulator, name: string) {
  const bucket = `${name}-src`;
  const keys = Array.from({ length: 40 }, (_, i) => `photos/img-${String(i).padStart(3, '0')}.jpg`);
  for (const [i, key] of keys.entries()) store.putObject(bucket, key, `p${i}`);
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
