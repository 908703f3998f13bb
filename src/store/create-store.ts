import path from 'node:path';
import type KeyvRedis from '@keyv/redis';
import { defaultSerialize } from '@keyv/serialize';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StoreObserver } from './instrument-store.js';
import type { MemberSets } from './member-sets.js';
import { MemoryStore } from './memory-store.js';
import { preparePrivateStore } from './private-files.js';
import { isRedisUrl, parseRedisUrl, REDIS_URL_FORMS, type RedisTarget } from './redis-target.js';
import type { RedisTls } from './redis-tls.js';
import { SqliteStore } from './sqlite-store.js';
import { storeGuard } from './store-guard.js';

/**
 * A key-value store: Keyv over Redis, a class of its own for SQLite and for memory. Keys are
 * namespaced by the caller (`ns:key`); every failure of the backing store is a
 * `StoreUnavailableError`, never a silent "not found".
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  /** Several values at once, in the keys' order, where a store reads them cheaper than one by one. */
  getMany?<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /**
   * Writes `value` only if `key` has no live value, in one atomic step of the store (Redis
   * `SET NX`, one SQLite statement, one turn in memory): true when written, false when a value was
   * there. A write that must never land over a newer one (a stalled replica's copy) uses it.
   */
  add<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Removes every value past its TTL (the local stores drop one only when it is read). */
  deleteExpired?(): Promise<number>;
  /**
   * Sets kept one member per record, on the local stores (memory, SQLite) only: the bot's state
   * on Redis keeps its sets in Redis itself (redis-atomic-kv.ts).
   */
  readonly sets?: MemberSets;
  /** Set on a timed store (instrument-store.ts): shared state opened over it is timed too. */
  readonly observe?: StoreObserver;
  /** On Redis: where it is and how to reach it, for the shared state opened beside it (open-atomic-kv.ts). */
  readonly redis?: { target: RedisTarget; tls?: RedisTls };
  /** Why the last `healthy()` was false, when the store said (Redis: a refusal and its fix). */
  problem?(): string | undefined;
  /** Round-trips a probe value; false when the store cannot be reached. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createStore(
  url: string,
  logger: Logger,
  options: { tls?: RedisTls } = {},
): Promise<Store> {
  // The local stores are classes of their own (memory-store.ts, sqlite-store.ts), not Keyv.
  if (url.startsWith('memory://')) return new MemoryStore();
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    // Owner-only folder and files (private-files.ts); another user's are left as they are, and said.
    if (file !== ':memory:')
      for (const warning of preparePrivateStore(path.resolve(file))) logger.warn(`SQLite store: ${warning}`);
    return SqliteStore.open(file);
  }
  const { kind, adapter, target } = await createAdapter(url, options.tls);
  // Connected now, not by the first commands: with the offline queue off, commands racing a first
  // connect fail as "client is offline" (seen when a cycle's first reads run in parallel). A Redis
  // that is down at start is not an error here; the first command says so.
  await (adapter as KeyvRedis<unknown>).getClient().catch(() => undefined);
  const keyv = new Keyv({ store: adapter, throwOnErrors: true, namespace: 'migrate-bot' });
  keyv.on('error', (error: unknown) => logger.error({ err: error, store: kind }, 'store error'));
  const guard = storeGuard(kind);
  return {
    kind,
    redis: { target, ...(options.tls ? { tls: options.tls } : {}) },
    get: <T>(key: string) => guard('get', () => keyv.get<T>(key)),
    set: async <T>(key: string, value: T, ttlMs?: number) => {
      await guard('set', () => keyv.set(key, value, ttlMs));
    },
    add: <T>(key: string, value: T, ttlMs?: number) =>
      guard('add', () => addIfAbsent(keyv, adapter as KeyvRedis<unknown>, { key, value, ttlMs })),
    delete: (key: string) => guard('delete', () => keyv.delete(key)),
    healthy: async () => {
      try {
        // A probe of a real server: real time (src/clock.ts).
        await keyv.set('health:probe', systemClock.now(), 10_000);
        return (await keyv.get('health:probe')) !== undefined;
      } catch {
        return false;
      }
    },
    close: async () => {
      try {
        await keyv.disconnect();
      } catch (error) {
        logger.warn({ err: error }, 'store did not close cleanly');
      }
    },
  };
}

/**
 * Keyv has no write-if-absent: the value in Keyv's own form (`{"value":…,"expires":…}`) under
 * Keyv's own key, written with `SET NX PX` (one key: atomic on a server, a cluster or Sentinel).
 */
async function addIfAbsent<T>(
  keyv: Keyv,
  adapter: KeyvRedis<unknown>,
  entry: { key: string; value: T; ttlMs: number | undefined },
): Promise<boolean> {
  // Keyv's rule: a TTL of 0 is none; its expiry is on real time, as Redis's `PX` is.
  const ttl = entry.ttlMs === 0 ? undefined : entry.ttlMs;
  const expires = ttl === undefined ? undefined : systemClock.now() + ttl;
  const serialize = keyv.serialize ?? defaultSerialize;
  const text = await serialize({ value: entry.value, expires });
  const stored = adapter.createKeyPrefix(keyv._getKeyPrefix(entry.key), adapter.namespace);
  const client = await adapter.getClient();
  const options =
    ttl === undefined
      ? { condition: 'NX' as const }
      : { condition: 'NX' as const, expiration: { type: 'PX' as const, value: ttl } };
  return (await client.set(stored, text, options)) !== null;
}

/** Keyv over Redis (one server, a cluster or Sentinel: redis-connection.ts); the local stores have classes of their own. */
async function createAdapter(
  url: string,
  tls: RedisTls | undefined,
): Promise<{ kind: 'redis'; adapter: KeyvStoreAdapter; target: RedisTarget }> {
  const target = isRedisUrl(url) ? parseRedisUrl(url) : undefined;
  if (target === undefined)
    throw new StoreUnavailableError(
      `Unsupported STORE_URL ${url}: use sqlite://, memory:// or ${REDIS_URL_FORMS}`,
    );
  if (typeof target === 'string') throw new StoreUnavailableError(`STORE_URL ${target}`);
  // Loaded only for Redis: SQLite deployments never use its client.
  const [{ default: KeyvRedis }, { newRedisClient }] = await Promise.all([
    import('@keyv/redis'),
    import('./redis-connection.js'),
  ]);
  // The same client settings as the shared state's (offline queue off: a store outage is an
  // error, and `/readyz` says degraded, not a request that hangs until Redis is back).
  const adapter = new KeyvRedis(newRedisClient(target, tls) as never, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: 2_000,
  });
  return { kind: 'redis', adapter, target };
}
