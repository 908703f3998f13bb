import type { ObjectStoreSimulator } from '../object-store/index.js';
import { differingBuckets } from '../object-store/seed-playground.js';
import type { UpCloudSimulator } from './index.js';

/** What "Check the buckets" finds here: a finished job whose target misses 3 objects, 1 differing. */
export function seedUpCloudObjects(upcloud: UpCloudSimulator, store: ObjectStoreSimulator): void {
  upcloudJobDiffering(store, upcloud, 'logs-to-upcloud', 'completed');
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
