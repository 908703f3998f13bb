import type { Logger } from '../logger.js';
import { type AtomicKv, LocalAtomicKv } from './atomic-kv.js';
import type { Store } from './create-store.js';
import { instrumentAtomicKv } from './instrument-store.js';

/** Redis when the store is Redis (replicas share it); otherwise the Keyv store with in-process locks. */
export async function openAtomicKv(
  storeUrl: string,
  store: Store,
  prefix: string,
  logger: Logger,
): Promise<AtomicKv> {
  if (!/^rediss?:\/\//.test(storeUrl)) return new LocalAtomicKv(store, prefix);
  // Loaded only for Redis: the client is a few MB that SQLite and memory deployments never use.
  const { RedisAtomicKv } = await import('./redis-atomic-kv.js');
  const kv = await RedisAtomicKv.connect(storeUrl, prefix, logger);
  // Over a timed store (the watcher's connection), every operation is timed as well.
  return store.observe ? instrumentAtomicKv(kv, store.observe) : kv;
}

/** Parses a JSON value kept in an AtomicKv; a missing key is `undefined`. */
export function readJson(raw: string | undefined): unknown {
  return raw === undefined ? undefined : JSON.parse(raw);
}
