import type { Logger } from '../logger.js';
import { type AtomicKv, LocalAtomicKv } from './atomic-kv.js';
import type { Store } from './create-store.js';
import { RedisAtomicKv } from './redis-atomic-kv.js';

/** Redis when the store is Redis (replicas share it); otherwise the Keyv store with in-process locks. */
export async function openAtomicKv(
  storeUrl: string,
  store: Store,
  prefix: string,
  logger: Logger,
): Promise<AtomicKv> {
  return /^rediss?:\/\//.test(storeUrl)
    ? RedisAtomicKv.connect(storeUrl, prefix, logger)
    : new LocalAtomicKv(store, prefix);
}

/** Parses a JSON value kept in an AtomicKv; a missing key is `undefined`. */
export function readJson(raw: string | undefined): unknown {
  return raw === undefined ? undefined : JSON.parse(raw);
}
