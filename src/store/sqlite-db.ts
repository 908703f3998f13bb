import sqlite3 from 'sqlite3';

/**
 * One SQLite connection with its statements prepared once and kept. Preparing a statement costs
 * about as much as running it (about 50 µs here), and the store runs the same handful of
 * statements tens of thousands of times (three per watch added), so each is compiled on first use
 * and reused until the connection closes.
 *
 * Reads step every row (`all`) so the statement finishes and releases its read snapshot at once;
 * a half-read statement would keep a WAL snapshot open and block checkpoints.
 */
export class SqliteDb {
  readonly #db: sqlite3.Database;
  readonly #statements = new Map<string, Promise<sqlite3.Statement>>();
  /** The same statements once prepared, reached without a promise on the hot path. */
  readonly #ready = new Map<string, sqlite3.Statement>();
  #closing: Promise<void> | undefined;

  private constructor(db: sqlite3.Database) {
    this.#db = db;
  }

  static open(file: string, busyTimeoutMs: number): Promise<SqliteDb> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) => {
        if (error) return reject(error);
        db.configure('busyTimeout', busyTimeoutMs);
        resolve(new SqliteDb(db));
      });
    });
  }

  /** Runs a statement once, unprepared (schema, pragmas). */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#db.exec(sql, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** A write; resolves with the number of rows it changed. */
  async run(sql: string, params: readonly unknown[]): Promise<number> {
    const statement = this.#readyStatement(sql) ?? (await this.#prepared(sql));
    return new Promise((resolve, reject) =>
      statement.run(params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  }

  async all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const statement = this.#readyStatement(sql) ?? (await this.#prepared(sql));
    return new Promise((resolve, reject) =>
      statement.all(params, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
    );
  }

  /** Finalizes the kept statements first: SQLite refuses to close a connection that has any. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const statements = await Promise.allSettled(this.#statements.values());
      this.#statements.clear();
      this.#ready.clear();
      await Promise.all(
        statements.map((s) =>
          s.status === 'fulfilled'
            ? new Promise<void>((resolve) => s.value.finalize(() => resolve()))
            : undefined,
        ),
      );
      await new Promise<void>((resolve, reject) =>
        this.#db.close((error) => (error ? reject(error) : resolve())),
      );
    })();
    return this.#closing;
  }

  /**
   * The statement for `sql`, prepared on first use. One that fails to prepare is not kept (the
   * next call tries again): node-sqlite3 never calls back the runs queued on such a statement, so
   * they wait for the prepare's own answer instead.
   */
  #readyStatement(sql: string): sqlite3.Statement | undefined {
    return this.#closing ? undefined : this.#ready.get(sql);
  }

  #prepared(sql: string): Promise<sqlite3.Statement> {
    if (this.#closing) return Promise.reject(closedError());
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = new Promise((resolve, reject) => {
        const prepared = this.#db.prepare(sql, (error: Error | null) => {
          if (error) return reject(error);
          this.#ready.set(sql, prepared);
          resolve(prepared);
        });
      });
      this.#statements.set(sql, statement);
      statement.catch(() => this.#statements.delete(sql));
    }
    return statement;
  }
}

const closedError = () => new Error('The SQLite store is closed.');
