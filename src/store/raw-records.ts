import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isRedisUrl, parseRedisUrl, withoutPassword } from './redis-target.js';
import type { RedisTls } from './redis-tls.js';
import { newerStoreError, STORE_SCHEMA, schemaOf } from './schema-version.js';

/**
 * Stored records as text, for tools that walk the store while the bot runs (`keys rotate`): each is
 * written back only by a compare-and-set on the text read, so a bot write in between is never lost.
 * Two key spaces: `state` (connections, watches…) and `kv` (installations…); `name` is the bot's key.
 */
export interface RawRecord {
  /** The key in the store itself (with its prefix), what `read` and `compareAndSet` take. */
  key: string;
  space: 'state' | 'kv';
  name: string;
  value: string;
}

export interface RawRecords {
  /** STORE_URL without its password. */
  readonly where: string;
  /** Every record whose text contains `needle`, a page at a time. */
  scan(needle: string): AsyncGenerator<RawRecord[]>;
  read(key: string): Promise<string | undefined>;
  /** Writes `next` if the record still holds exactly `expected` (its expiry, if any, is kept). */
  compareAndSet(key: string, expected: string, next: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The key prefixes of each space (open-bot-store.ts statePrefix, create-store.ts's Keyv namespace). */
const SQLITE_STATE = 'state:';
const REDIS_STATE = 'migrate-bot:state:';
const REDIS_KV = 'migrate-bot::migrate-bot:';

export async function openRawRecords(
  storeUrl: string,
  logger: Logger,
  options: { tls?: RedisTls; waitMs?: number } = {},
): Promise<RawRecords> {
  if (storeUrl.startsWith('sqlite://')) return openSqlite(storeUrl);
  if (isRedisUrl(storeUrl)) return openRedis(storeUrl, logger, options);
  throw new ConfigError(
    `STORE_URL=${withoutPassword(storeUrl)} keeps nothing between runs: only a sqlite:// or redis store has records to walk.`,
  );
}

const TABLE = 'migrate_bot_kv';

/**
 * A second connection to the bot's SQLite file, beside the bot's own (WAL lets readers and one
 * writer at a time share it; a write waits up to 5 s for the bot's). The bot's process lock is
 * not taken: this connection writes only by compare-and-set. Run it on the bot's host (`kubectl
 * exec`): WAL's shared memory does not cross hosts.
 */
function openSqlite(storeUrl: string): RawRecords {
  const file = path.resolve(storeUrl.slice('sqlite://'.length));
  if (!existsSync(file))
    throw new ConfigError(`There is no SQLite store at ${file} (STORE_URL=${storeUrl}).`);
  const db = new Database(file, { fileMustExist: true, timeout: 5_000 });
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(TABLE);
  if (!table) {
    db.close();
    throw new ConfigError(
      `${file} holds no migrate-bot records (no ${TABLE} table): start the bot on it once, or check STORE_URL.`,
    );
  }
  const found = schemaOf(db.pragma('user_version', { simple: true }));
  if (found > STORE_SCHEMA) {
    db.close();
    throw newerStoreError(storeUrl, found);
  }
  const page = db.prepare<[string, string], { key: string; value: string }>(
    `SELECT key, value FROM ${TABLE} WHERE key > ? AND instr(value, ?) > 0 ORDER BY key LIMIT 500`,
  );
  const read = db.prepare<[string], { value: string }>(`SELECT value FROM ${TABLE} WHERE key = ?`);
  const cas = db.prepare(`UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ?`);
  const record = (key: string, value: string): RawRecord =>
    key.startsWith(SQLITE_STATE)
      ? { key, space: 'state', name: key.slice(SQLITE_STATE.length), value }
      : { key, space: 'kv', name: key, value };
  return {
    where: storeUrl,
    async *scan(needle) {
      let after = '';
      for (;;) {
        const rows = page.all(after, needle);
        if (rows.length === 0) return;
        yield rows.map((row) => record(row.key, row.value));
        after = rows[rows.length - 1]!.key;
      }
    },
    read: async (key) => read.get(key)?.value,
    compareAndSet: async (key, expected, next) => cas.run(next, key, expected).changes === 1,
    close: async () => {
      db.close();
    },
  };
}

/** Compare-and-set of one string key, keeping its expiry. */
const COMPARE_AND_SET_KEEP_TTL = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0`;

/** Redis in any topology STORE_URL names; every key of the bot is under `migrate-bot:`. */
async function openRedis(
  storeUrl: string,
  logger: Logger,
  options: { tls?: RedisTls; waitMs?: number },
): Promise<RawRecords> {
  const target = parseRedisUrl(storeUrl);
  if (typeof target === 'string') throw new ConfigError(`STORE_URL=${withoutPassword(storeUrl)} ${target}`);
  const { RedisConnection } = await import('./redis-connection.js');
  const conn = await RedisConnection.open(target, logger, {
    waitMs: options.waitMs ?? 10_000,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const record = (key: string, value: string): RawRecord | undefined => {
    if (key.startsWith(REDIS_KV)) return { key, space: 'kv', name: key.slice(REDIS_KV.length), value };
    if (key.startsWith(REDIS_STATE))
      return { key, space: 'state', name: key.slice(REDIS_STATE.length), value };
    return undefined;
  };
  return {
    where: withoutPassword(storeUrl),
    async *scan(needle) {
      const pages = conn.scan('migrate-bot:*');
      for (;;) {
        const page = await pages.next().catch((error: unknown) => {
          throw scanRefused(error, target.username);
        });
        if (page.done) return;
        const keys = page.value;
        const values = await conn.mget(keys);
        const found: RawRecord[] = [];
        keys.forEach((key, i) => {
          const value = values[i];
          const entry = typeof value === 'string' && value.includes(needle) ? record(key, value) : undefined;
          if (entry) found.push(entry);
        });
        if (found.length > 0) yield found;
      }
    },
    read: async (key) => (await conn.send<string | null>(['GET', key], key)) ?? undefined,
    compareAndSet: async (key, expected, next) =>
      Number(await conn.send(['EVAL', COMPARE_AND_SET_KEEP_TTL, '1', key, expected, next], key)) === 1,
    close: () => conn.close(),
  };
}

/** An ACL user without SCAN (the bot never sends it): what to add, instead of Redis's bare NOPERM. */
function scanRefused(error: unknown, username: string | undefined): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (!/NOPERM/i.test(message)) return error;
  const user = username ?? 'default';
  return new ConfigError(
    `the Redis user "${user}" may not run SCAN (${message}), which walking the whole store needs besides the bot's own commands.\n` +
      `Fix: ACL SETUSER ${user} +scan (on every master of a cluster), or run it as a user that has it.`,
  );
}
