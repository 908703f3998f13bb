import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { systemClock } from '../clock.js';

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
 * One bot process per SQLite store: a write transaction (`BEGIN IMMEDIATE`) on a side file, held
 * for the process's life. The OS drops SQLite's file locks when a process dies, so even kill -9
 * leaves no stale lock; the holder writes its pid, host and start time first so a refused process
 * can say who has it. Two starting together: each writes and commits, then locks again; the second
 * is refused, so at least one runs and never both.
 */
export async function acquireProcessLock(lockFile: string): Promise<ProcessLock> {
  const db = open(lockFile);
  try {
    takeOrRefuse(db, lockFile);
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, host TEXT, started_at TEXT)');
    db.exec('DELETE FROM holder');
    // When this process started, for a person reading the lock file: real time (src/clock.ts).
    const startedAt = new Date(systemClock.now()).toISOString();
    db.prepare('INSERT INTO holder VALUES (?, ?, ?)').run(process.pid, hostname(), startedAt);
    db.exec('COMMIT');
    takeOrRefuse(db, lockFile);
  } catch (error) {
    db.close();
    throw error;
  }
  let released = false;
  return {
    file: lockFile,
    release: async () => {
      if (released) return;
      released = true;
      try {
        db.exec('ROLLBACK');
      } catch {
        // Closing ends the transaction all the same.
      }
      db.close();
    },
  };
}

/**
 * Waits up to BUSY_WAIT_MS for the lock on this thread (better-sqlite3 is synchronous): only when
 * another process is starting on the same file at the same moment, before this one serves anything.
 */
function takeOrRefuse(db: Database.Database, lockFile: string): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new StoreInUseError(lockFile, readHolder(db));
  }
}

function readHolder(db: Database.Database): LockHolder | undefined {
  try {
    const row = db.prepare('SELECT pid, host, started_at FROM holder LIMIT 1').get() as
      | Record<string, unknown>
      | undefined;
    if (!row) return undefined;
    return { pid: Number(row.pid), host: String(row.host), startedAt: String(row.started_at) };
  } catch {
    // No table yet (the holder is between opening the file and writing its row).
    return undefined;
  }
}

function open(file: string): Database.Database {
  return new Database(file, { timeout: BUSY_WAIT_MS });
}

/**
 * Opens the database file and reads its schema: what the first query would otherwise discover
 * after the bot said it had started (a directory in its place, a file that is not a database).
 */
export async function checkSqliteOpens(file: string): Promise<void> {
  const db = open(file);
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } finally {
    db.close();
  }
}
