import type { SqliteDb } from './sqlite-db.js';

/**
 * Sets of strings kept one member per record, for the local stores (the watch index): adding or
 * removing a member writes that member only, whatever the size of the set. Redis has its own sets
 * (redis-atomic-kv.ts).
 */
export interface MemberSets {
  add(set: string, member: string): Promise<void>;
  /** Adds several at once, as one write (moving a set from an earlier version's format). */
  addAll(set: string, members: readonly string[]): Promise<void>;
  remove(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
}

/** One row per member in a table of its own, beside Keyv's. */
export class SqliteMemberSets implements MemberSets {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  static schema(): string {
    return `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (name, member)) WITHOUT ROWID`;
  }

  async add(set: string, member: string): Promise<void> {
    await this.#db.run(`INSERT OR IGNORE INTO ${TABLE} (name, member) VALUES (?, ?)`, [set, member]);
  }

  async addAll(set: string, members: readonly string[]): Promise<void> {
    // One statement, so it is all or nothing without a transaction held across awaits.
    await this.#db.run(`INSERT OR IGNORE INTO ${TABLE} (name, member) SELECT ?, value FROM json_each(?)`, [
      set,
      JSON.stringify(members),
    ]);
  }

  async remove(set: string, member: string): Promise<void> {
    await this.#db.run(`DELETE FROM ${TABLE} WHERE name = ? AND member = ?`, [set, member]);
  }

  async members(set: string): Promise<string[]> {
    const rows = await this.#db.all<{ member: string }>(`SELECT member FROM ${TABLE} WHERE name = ?`, [set]);
    return rows.map((r) => r.member);
  }
}

/** The `memory://` store's sets: nothing outlives the process, so plain `Set`s. */
export class MemoryMemberSets implements MemberSets {
  readonly #sets = new Map<string, Set<string>>();

  async add(set: string, member: string): Promise<void> {
    this.#set(set).add(member);
  }

  async addAll(set: string, members: readonly string[]): Promise<void> {
    const target = this.#set(set);
    for (const m of members) target.add(m);
  }

  async remove(set: string, member: string): Promise<void> {
    this.#sets.get(set)?.delete(member);
  }

  async members(set: string): Promise<string[]> {
    return [...(this.#sets.get(set) ?? [])];
  }

  #set(name: string): Set<string> {
    let set = this.#sets.get(name);
    if (!set) {
      set = new Set();
      this.#sets.set(name, set);
    }
    return set;
  }
}

const TABLE = 'migrate_bot_sets';
