import { hostname } from 'node:os';
import sqlite3 from 'sqlite3';

/** Who holds a SQLite store, as the holder wrote it down (for the refusal message). */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Another process holds the store; `holder` is undefined when it could not be read. */
export class StoreInUseError extends Error {
  readonly holder: LockHolder | undefined;
  constructor(lockFile: string, holder: LockHolder | undefined) {
    super(`${lockFile} is locked by another process`);
    this.holder = holder;
  }
}

export interface ProcessLock {
  readonly file: string;
  release(): Promise<void>;
}

/** How long a lock attempt waits for the holder-row write of a process starting at the same moment. */
const BUSY_WAIT_MS = 500;

/**
 * One bot process per SQLite store. The lock is a SQLite write transaction (`BEGIN IMMEDIATE`, a
 * RESERVED lock) on a small side file, held open for the life of the process: SQLite's own file
 * locks, which the OS drops when the process dies, so a crash (even kill -9) leaves no stale lock.
 * Other processes can still read the side file, where the holder wrote its pid, host and start
 * time before taking the lock, so a refused process can say who has the store.
 *
 * Two processes starting together: each writes its row and commits, then takes the lock again;
 * whoever takes it second is refused, so at least one of them runs and never both.
 */
export async function acquireProcessLock(lockFile: string): Promise<ProcessLock> {
  const db = await open(lockFile);
  try {
    await takeOrRefuse(db, lockFile);
    await run(db, 'CREATE TABLE IF NOT EXISTS holder (pid INTEGER, host TEXT, started_at TEXT)');
    await run(db, 'DELETE FROM holder');
    await run(db, 'INSERT INTO holder VALUES (?, ?, ?)', [process.pid, hostname(), new Date().toISOString()]);
    await run(db, 'COMMIT');
    await takeOrRefuse(db, lockFile);
  } catch (error) {
    await close(db);
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    file: lockFile,
    release: () => {
      released ??= run(db, 'ROLLBACK')
        .catch(() => undefined)
        .then(() => close(db));
      return released;
    },
  };
}

async function takeOrRefuse(db: sqlite3.Database, lockFile: string): Promise<void> {
  try {
    await run(db, 'BEGIN IMMEDIATE');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new StoreInUseError(lockFile, await readHolder(db));
  }
}

async function readHolder(db: sqlite3.Database): Promise<LockHolder | undefined> {
  try {
    const row = await new Promise<Record<string, unknown> | undefined>((resolve, reject) =>
      db.get('SELECT pid, host, started_at FROM holder LIMIT 1', (error, found) =>
        error ? reject(error) : resolve(found as Record<string, unknown> | undefined),
      ),
    );
    if (!row) return undefined;
    return { pid: Number(row.pid), host: String(row.host), startedAt: String(row.started_at) };
  } catch {
    // No table yet (the holder is between opening the file and writing its row).
    return undefined;
  }
}

function open(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) => {
      if (error) return reject(error);
      db.configure('busyTimeout', BUSY_WAIT_MS);
      resolve(db);
    });
  });
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) =>
    db.run(sql, params, (error) => (error ? reject(error) : resolve())),
  );
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}

/**
 * Opens the database file and reads its schema: what the first query would otherwise discover
 * after the bot said it had started (a directory in its place, a file that is not a database).
 */
export async function checkSqliteOpens(file: string): Promise<void> {
  const db = await open(file);
  try {
    await new Promise<void>((resolve, reject) =>
      db.get('SELECT count(*) FROM sqlite_master', (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    await close(db);
  }
}
