import type { ObjectStoreSimulator } from './index.js';

/**
 * Buckets as a run can leave them, for the simulators' `seedObjects` (each provider's folder seeds
 * its own runs): 120 objects at the source; at the destination 3 missing and 1 of another size.
 */
export function differingBuckets(
  store: ObjectStoreSimulator,
  src: string,
  from: string,
  dst: string,
  to: string,
) {
  for (let i = 0; i < 120; i++) {
    const name = `file-${String(i).padStart(3, '0')}.bin`;
    store.putObject(src, `${from}${name}`, `bytes ${i}`);
    if (i === 7 || i === 64 || i === 119) continue;
    store.putObject(dst, `${to}${name}`, i === 30 ? `bytes ${i}, and more` : `bytes ${i}`);
  }
}
