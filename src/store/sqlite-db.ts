import Database from 'better-sqlite3';

/**
 * One SQLite connection through `better-sqlite3`, statements prepared once and kept. They run
 * synchronously (point reads and writes, tens of µs; why not the async package: ADR 0022), so a long
 * one (a 50,000-watch index) holds the event loop. Methods still return promises so every store has
 * one shape, and a failure is a rejection, never a throw from the call itself.
 */
export class SqliteDb {
  readonly #db: Database.Database;
  /** Compiled on first use and kept: preparing costs about as much as running. */
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();
  #closed = false;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * `busyTimeoutMs` is how long a statement waits for another connection's lock; it would wait
   * on this thread, but one process owns the file (sqlite-process-lock.ts), so nothing else holds
   * its locks.
   */
  static async open(file: string, busyTimeoutMs: number): Promise<SqliteDb> {
    return new SqliteDb(new Database(file, { timeout: busyTimeoutMs }));
  }

  /** Runs statements once, unprepared (schema, pragmas). */
  async exec(sql: string): Promise<void> {
    this.#open().exec(sql);
  }

  /** A write; resolves with the number of rows it changed. */
  async run(sql: string, params: readonly unknown[]): Promise<number> {
    return this.#statement(sql).run(...params).changes;
  }

  /** Every row at once, so the statement ends and releases its read snapshot (WAL checkpoints wait for none). */
  async all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.#statement(sql).all(...params) as T[];
  }

  /**
   * Runs `work` in one transaction, its statements synchronous (a throw rolls everything back).
   * For one-off work at start (moving an earlier version's rows), not for the request path.
   */
  async transaction<T>(work: (db: SyncStatements) => T): Promise<T> {
    const sync: SyncStatements = {
      all: <R>(sql: string, params: readonly unknown[]) => this.#statement(sql).all(...params) as R[],
      run: (sql: string, params: readonly unknown[]) => this.#statement(sql).run(...params).changes,
    };
    return this.#open().transaction(() => work(sync))();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  #statement(sql: string): Database.Statement<unknown[]> {
    const db = this.#open();
    let statement = this.#statements.get(sql);
    if (!statement) {
      // One that fails to prepare (a missing table) is not kept: the next call tries again.
      statement = db.prepare<unknown[]>(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #open(): Database.Database {
    if (this.#closed) throw closedError();
    return this.#db;
  }
}

/** The connection's statements inside a transaction: answers and throws, no promises. */
export interface SyncStatements {
  all<T>(sql: string, params: readonly unknown[]): T[];
  run(sql: string, params: readonly unknown[]): number;
}

const closedError = () => new Error('The SQLite store is closed.');
