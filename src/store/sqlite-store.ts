import { setImmediate as nextTurn } from 'node:timers/promises';
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { systemClock } from '../clock.js';
import { ConfigError, StoreUnavailableError } from '../errors.js';
import type { Store } from './create-store.js';
import { type MemberSets, SqliteMemberSets } from './member-sets.js';
import { newerStoreError, STORE_SCHEMA, schemaOf } from './schema-version.js';
import { SqliteDb, type SyncStatements } from './sqlite-db.js';
import { guardedSets, storeGuard } from './store-guard.js';

/**
 * The `sqlite://` store, without Keyv: one row per key (ADR 0022). A string without a TTL is kept
 * as it is (`boxed` 0); anything else (objects, values with a TTL) in Keyv's serialized form
 * (`boxed` 1, dates as strings, buffers as buffers), its expiry in a column of its own. An earlier
 * file's `keyv` table (namespace `migrate-bot:`) is moved in, in one transaction, on open; builds
 * before this one do not read the new table.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly sets: MemberSets;
  readonly #db: SqliteDb;
  readonly #guard = storeGuard('sqlite');

  private constructor(db: SqliteDb) {
    this.#db = db;
    this.sets = guardedSets(new SqliteMemberSets(db), this.#guard);
  }

  /**
   * WAL with `synchronous=NORMAL`: a write is one append, not two fsyncs (a power cut may lose the
   * last commits, never corrupt the file); the store is one process's (sqlite-process-lock.ts), so
   * WAL's shared memory stays on one host. Checkpoint every 16,384 pages (64 MB of log at most) instead
   * of 1,000; page cache 2 MB (`cache_size=-2000`), not better-sqlite3's 16 MB: the watcher reads
   * every record each cycle and the kernel caches the file anyway. Figures: ADR 0022.
   */
  static async open(file: string): Promise<SqliteStore> {
    let db: SqliteDb | undefined;
    try {
      db = await SqliteDb.open(file, 5_000);
      if (file !== ':memory:')
        await db.exec(
          'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864; PRAGMA cache_size=-2000;',
        );
      // Before anything is created or moved: a file a newer build wrote is left as it is.
      const [marked] = await db.all<{ user_version: number }>('PRAGMA user_version', []);
      const found = schemaOf(marked?.user_version);
      if (found > STORE_SCHEMA) throw newerStoreError(`sqlite://${file}`, found);
      await db.exec(`${SCHEMA}; ${SqliteMemberSets.schema()};`);
      // Expiry is the store's own, on real time as Redis's `PX` is (src/clock.ts): never the bot's clock.
      await db.transaction((statements) => moveKeyvRows(statements, systemClock.now()));
      if (found < STORE_SCHEMA) await db.exec(`PRAGMA user_version = ${STORE_SCHEMA}`);
    } catch (cause) {
      await db?.close().catch(() => undefined);
      if (cause instanceof ConfigError) throw cause;
      throw new StoreUnavailableError('The sqlite store could not be opened; check STORE_URL.', { cause });
    }
    return new SqliteStore(db);
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.#guard('get', () => this.#read<T>(key, systemClock.now()));
  }

  /**
   * Statements answer on this thread (sqlite-db.ts): reading every watch at once would hold the
   * event loop for about a second at 50,000 (acks and Slack calls waiting behind it), so a long
   * read goes in chunks with a turn of the loop between them.
   */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return this.#guard('get', async () => {
      const values: (T | undefined)[] = [];
      for (let start = 0; start < keys.length; start += READ_CHUNK) {
        if (start > 0) await nextTurn();
        const chunk = keys.slice(start, start + READ_CHUNK);
        // One statement per chunk: a point read per key cost twice as much (B-tree descents, calls).
        const rows = await this.#db.all<Row & { key: string }>(SELECT_MANY, [JSON.stringify(chunk)]);
        const byKey = new Map(rows.map((row) => [row.key, row]));
        const now = systemClock.now();
        for (const key of chunk) {
          const row = byKey.get(key);
          const plain = row === undefined || row.boxed === 0;
          values.push(plain ? (row?.value as T | undefined) : await this.#value<T>(key, row, now));
        }
      }
      return values;
    });
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    // Keyv's rule, kept: a TTL of 0 is none.
    const expires = typeof ttlMs === 'number' && ttlMs !== 0 ? systemClock.now() + ttlMs : null;
    await this.#guard('set', () => this.#db.run(UPSERT, [key, ...rowOf(value, expires)]));
  }

  /** One statement: inserted, or written over a row past its expiry only. */
  async add<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    const now = systemClock.now();
    const expires = typeof ttlMs === 'number' && ttlMs !== 0 ? now + ttlMs : null;
    const row = [key, ...rowOf(value, expires), now];
    return this.#guard('add', async () => (await this.#db.run(INSERT_ABSENT, row)) > 0);
  }

  delete(key: string): Promise<boolean> {
    return this.#guard('delete', async () => (await this.#db.run(DELETE, [key])) > 0);
  }

  deleteExpired(): Promise<number> {
    return this.#guard('delete', () => this.#db.run(DELETE_ALL_EXPIRED, [systemClock.now()]));
  }

  async healthy(): Promise<boolean> {
    try {
      await this.set('health:probe', systemClock.now(), 10_000);
      return (await this.get('health:probe')) !== undefined;
    } catch {
      return false;
    }
  }

  /** The connection's journal mode, durability and page cache (the pragmas above), read back by tests. */
  async settings(): Promise<{ journalMode: string; synchronous: number; cacheSize: number }> {
    const [journal] = await this.#db.all<{ journal_mode: string }>('PRAGMA journal_mode', []);
    const [sync] = await this.#db.all<{ synchronous: number }>('PRAGMA synchronous', []);
    const [cache] = await this.#db.all<{ cache_size: number }>('PRAGMA cache_size', []);
    return {
      journalMode: journal!.journal_mode,
      synchronous: sync!.synchronous,
      cacheSize: cache!.cache_size,
    };
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  async #read<T>(key: string, now: number): Promise<T | undefined> {
    const [row] = await this.#db.all<Row>(SELECT, [key]);
    return this.#value<T>(key, row, now);
  }

  /** A row as Keyv would read it (the common case, a plain string, is read inline by `getMany`). */
  async #value<T>(key: string, row: Row | undefined, now: number): Promise<T | undefined> {
    if (row === undefined) return undefined;
    if (row.boxed === 0) return row.value as T;
    if (row.expires !== null && now > row.expires) {
      // Gone, as Keyv had it; the row goes unless a write replaced it meanwhile.
      await this.#db.run(DELETE_EXPIRED, [key, row.expires]);
      return undefined;
    }
    return (defaultDeserialize(row.value) as { value?: T } | null)?.value;
  }
}

/** A value's columns (`value`, `boxed`, `expires`): a string without a TTL as it is, the rest in Keyv's form. */
function rowOf(value: unknown, expires: number | null): [string, number, number | null] {
  if (typeof value === 'string' && expires === null) return [value, 0, null];
  return [defaultSerialize({ value, expires: expires ?? undefined }), 1, expires];
}

interface Row {
  value: string;
  boxed: number;
  expires: number | null;
}

const TABLE = 'migrate_bot_kv';
const SCHEMA = `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, boxed INTEGER NOT NULL, expires INTEGER)`;
const SELECT = `SELECT value, boxed, expires FROM ${TABLE} WHERE key = ?`;
const SELECT_MANY = `SELECT key, value, boxed, expires FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`;
const UPSERT = `INSERT INTO ${TABLE} (key, value, boxed, expires) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, boxed = excluded.boxed, expires = excluded.expires`;
/** Read treats a row as gone once `now > expires` (`#value`): the same rule lets it be written over. */
const INSERT_ABSENT = `${UPSERT} WHERE ${TABLE}.expires IS NOT NULL AND ${TABLE}.expires < ?`;
const DELETE = `DELETE FROM ${TABLE} WHERE key = ?`;
const DELETE_EXPIRED = `DELETE FROM ${TABLE} WHERE key = ? AND expires = ?`;
const DELETE_ALL_EXPIRED = `DELETE FROM ${TABLE} WHERE expires IS NOT NULL AND expires < ?`;

/** Keys read per turn of the event loop (about 1 ms of reading each). */
const READ_CHUNK = 256;

/** What Keyv put before every key of this bot's rows. */
const KEYV_NAMESPACE = 'migrate-bot:';

/**
 * Moves the rows of earlier versions' `keyv` table (Keyv over `@keyv/sqlite`, then our own adapter
 * of it) into this store's table: strings without expiry as they are, the rest in Keyv's form,
 * expired ones dropped. A key already in the new table keeps its newer value. Runs inside one
 * transaction, so a crash leaves either the old table or the new one, never half of each.
 */
function moveKeyvRows(db: SyncStatements, now: number): void {
  const exists = db.all(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keyv'`, []);
  if (exists.length === 0) return;
  const rows = db.all<{ key: string; value: string | null }>(
    `SELECT key, value FROM keyv WHERE substr(key, 1, ${KEYV_NAMESPACE.length}) = ?`,
    [KEYV_NAMESPACE],
  );
  for (const row of rows) {
    const entry = keyvEntry(row.value);
    if (!entry || (entry.expires !== null && now > entry.expires)) continue;
    const key = row.key.slice(KEYV_NAMESPACE.length);
    const [text, boxed] =
      typeof entry.value === 'string' && entry.expires === null ? [entry.value, 0] : [row.value!, 1];
    db.run(`INSERT OR IGNORE INTO ${TABLE} (key, value, boxed, expires) VALUES (?, ?, ?, ?)`, [
      key,
      text,
      boxed,
      entry.expires,
    ]);
  }
  db.run(`DELETE FROM keyv WHERE substr(key, 1, ${KEYV_NAMESPACE.length}) = ?`, [KEYV_NAMESPACE]);
  if (db.all('SELECT 1 FROM keyv LIMIT 1', []).length === 0) db.run('DROP TABLE keyv', []);
}

/** A `keyv` row's value and expiry; undefined for a row Keyv itself would not have read. */
function keyvEntry(serialized: string | null): { value: unknown; expires: number | null } | undefined {
  if (serialized === null) return undefined;
  try {
    const parsed = defaultDeserialize(serialized) as { value?: unknown; expires?: unknown } | null;
    if (parsed === null || typeof parsed !== 'object' || parsed.value === undefined) return undefined;
    return { value: parsed.value, expires: typeof parsed.expires === 'number' ? parsed.expires : null };
  } catch {
    return undefined;
  }
}
