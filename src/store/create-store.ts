import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type KeyvRedis from '@keyv/redis';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type MemberSets, SqliteMemberSets } from './member-sets.js';
import { MemoryStore } from './memory-store.js';
import { SqliteDb } from './sqlite-db.js';
import { SqliteKeyvAdapter } from './sqlite-keyv-adapter.js';

/**
 * A key-value store over Keyv. Keys are namespaced by the caller (`ns:key`); every failure of the
 * backing store is a `StoreUnavailableError`, never a silent "not found".
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  /** Several values at once, in the keys' order, where a store reads them cheaper than one by one. */
  getMany?<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Sets kept one member per record, on the local stores (memory, SQLite) only: the bot's state
   * on Redis keeps its sets in Redis itself (redis-atomic-kv.ts).
   */
  readonly sets?: MemberSets;
  /** Round-trips a probe value; false when the store cannot be reached. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createStore(url: string, logger: Logger): Promise<Store> {
  // In memory: a store of its own (memory-store.ts), not Keyv over a Map.
  if (url.startsWith('memory://')) return new MemoryStore();
  const { kind, adapter, sets } = await createAdapter(url);
  // Connected now, not by the first commands: with the offline queue off, commands racing a first
  // connect fail as "client is offline" (seen when a cycle's first reads run in parallel). A Redis
  // that is down at start is not an error here; the first command says so.
  if (kind === 'redis') await (adapter as KeyvRedis<unknown>).getClient().catch(() => undefined);
  const keyv = new Keyv({ store: adapter, throwOnErrors: true, namespace: 'migrate-bot' });
  keyv.on('error', (error: unknown) => logger.error({ err: error, store: kind }, 'store error'));
  const guard = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new StoreUnavailableError(`The ${kind} store failed during ${operation}; try again shortly.`, {
        cause,
      });
    }
  };
  return {
    kind,
    ...(sets ? { sets: guardedSets(sets, guard) } : {}),
    get: <T>(key: string) => guard('get', () => keyv.get<T>(key)),
    set: async <T>(key: string, value: T, ttlMs?: number) => {
      await guard('set', () => keyv.set(key, value, ttlMs));
    },
    delete: (key: string) => guard('delete', () => keyv.delete(key)),
    healthy: async () => {
      try {
        await keyv.set('health:probe', Date.now(), 10_000);
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
 * Write-ahead log with `synchronous=NORMAL`: a write is one append instead of a journal round trip
 * with two fsyncs, so adding 10,000 watches (three writes each) takes seconds, not tens of seconds.
 * A power cut may lose the last commits but never corrupts the file; this store is one process's
 * own (sqlite-process-lock.ts), so WAL's shared-memory file stays on one host.
 *
 * The only fsync left is the checkpoint's, which SQLite runs by default every 1,000 pages (4 MB) of
 * log: about 30 times while 10,000 watches are added, a quarter of that time on this machine. At
 * 16,384 pages (64 MB of log at most, the size limit truncating it back after a burst) it runs
 * about twice.
 */
async function openSqlite(file: string): Promise<{ adapter: SqliteKeyvAdapter; sets: MemberSets }> {
  let db: SqliteDb | undefined;
  try {
    db = await SqliteDb.open(file, 5_000);
    if (file !== ':memory:')
      await db.exec(
        'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864;',
      );
    await db.exec(`${SqliteKeyvAdapter.schema()}; ${SqliteMemberSets.schema()};`);
  } catch (cause) {
    await db?.close().catch(() => undefined);
    throw new StoreUnavailableError('The sqlite store could not be opened; check STORE_URL.', { cause });
  }
  return { adapter: new SqliteKeyvAdapter(db), sets: new SqliteMemberSets(db) };
}

/** The sets with the store's own failure rule: a backing-store error is a `StoreUnavailableError`. */
function guardedSets(
  sets: MemberSets,
  guard: <T>(operation: string, fn: () => Promise<T>) => Promise<T>,
): MemberSets {
  return {
    add: (set, member) => guard('set add', () => sets.add(set, member)),
    addAll: (set, members) => guard('set add', () => sets.addAll(set, members)),
    remove: (set, member) => guard('set remove', () => sets.remove(set, member)),
    members: (set) => guard('set read', () => sets.members(set)),
  };
}

async function createAdapter(url: string): Promise<{
  kind: Exclude<Store['kind'], 'memory'>;
  adapter: KeyvStoreAdapter;
  sets?: MemberSets;
}> {
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return { kind: 'sqlite', ...(await openSqlite(file)) };
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    // Loaded only for Redis: SQLite deployments never use its client.
    const { default: KeyvRedis } = await import('@keyv/redis');
    const adapter = new KeyvRedis(
      {
        url,
        // Fail fast while disconnected instead of queueing: a store outage is an error (and
        // `/healthz` says degraded), not a request that hangs until Redis is back.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: 2_000,
          reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000),
        },
      },
      { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 2_000 },
    );
    return { kind: 'redis', adapter };
  }
  throw new StoreUnavailableError(`Unsupported STORE_URL ${url}: use sqlite://, redis:// or memory://`);
}
