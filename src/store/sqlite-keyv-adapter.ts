import EventEmitter from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import type { SqliteDb } from './sqlite-db.js';

/**
 * Keyv's SQLite adapter over one kept connection with prepared statements (sqlite-db.ts). It
 * replaces `@keyv/sqlite`, which prepared every statement again per call (half the cost of a
 * read or a write). The table is the one `@keyv/sqlite` made, column for column and value for
 * value (Keyv serialises before the adapter sees anything), so a file written by earlier
 * versions is read as it is.
 */
export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts = { dialect: 'sqlite', table: TABLE };
  namespace?: string;
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    super();
    this.#db = db;
  }

  /** The table as `@keyv/sqlite` 4 creates it. */
  static schema(): string {
    return `CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT )`;
  }

  // Keyv hands the adapter its serialised text and parses what comes back: values are strings here.
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const rows = await this.#db.all<{ value: string }>(`SELECT value FROM ${TABLE} WHERE key = ?`, [key]);
    return rows[0]?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<StoredData<Value | undefined>[]> {
    const rows = await this.#db.all<{ key: string; value: string }>(
      `SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(keys)],
    );
    const byKey = new Map(rows.map((r) => [r.key, r.value]));
    return keys.map((k) => byKey.get(k) as StoredData<Value | undefined>);
  }

  async set(key: string, value: string): Promise<void> {
    await this.#db.run(
      `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#db.run(`DELETE FROM ${TABLE} WHERE key = ?`, [key])) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const changed = await this.#db.run(`DELETE FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`, [
      JSON.stringify(keys),
    ]);
    return changed > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    await this.#db.run(`DELETE FROM ${TABLE} WHERE key LIKE ?`, [
      this.namespace ? `${this.namespace}:%` : '%',
    ]);
  }

  async disconnect(): Promise<void> {
    await this.#db.close();
  }
}

const TABLE = 'keyv';
