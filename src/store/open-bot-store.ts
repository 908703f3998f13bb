import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AtomicKv } from './atomic-kv.js';
import { createStore, type Store } from './create-store.js';
import { openAtomicKv } from './open-atomic-kv.js';
import { makePrivateDir, preparePrivateDatabase, realStorePath } from './private-files.js';
import type { RedisAtomicKv } from './redis-atomic-kv.js';
import {
  acquireProcessLock,
  checkSqliteOpens,
  type ProcessLock,
  StoreInUseError,
} from './sqlite-process-lock.js';

export interface BotStore {
  store: Store;
  /** Shared state (connections, grants, settings, audit, approval decisions). */
  state: AtomicKv;
  /** Closes both and, with SQLite, lets another process have the file. */
  close(): Promise<void>;
}

const ROLLING_UPDATE =
  'for a rolling update use strategy: Recreate (one replica), or STORE_URL=redis://… for several replicas';

/**
 * Opens the bot's store before anything says the bot has started, within `waitMs`. Every failure
 * is one ConfigError naming STORE_URL, what was tried and how to fix it: a Redis that does not
 * answer, a SQLite path that cannot be made or opened, a SQLite file another bot process holds.
 */
export async function openBotStore(storeUrl: string, logger: Logger, waitMs: number): Promise<BotStore> {
  const prefix = /^rediss?:/.test(storeUrl) ? 'migrate-bot:state:' : 'state:';
  if (/^rediss?:\/\//.test(storeUrl)) return openRedis(storeUrl, prefix, logger, waitMs);
  const lock = await claimSqliteStore(storeUrl);
  try {
    const store = await createStore(storeUrl, logger);
    const state = await openAtomicKv(storeUrl, store, prefix, logger);
    return { store, state, close: closer(store, state, lock) };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/**
 * With a SQLite file store: this process's claim on it (see sqlite-process-lock.ts), or the
 * ConfigError that says why not. Undefined for the other stores.
 */
export async function claimSqliteStore(storeUrl: string): Promise<ProcessLock | undefined> {
  const file = storeUrl.startsWith('sqlite://') ? storeUrl.slice('sqlite://'.length) : undefined;
  return file && file !== ':memory:' ? claimSqliteFile(storeUrl, path.resolve(file)) : undefined;
}

/**
 * Makes the directory (0700), checks the database file opens (before a lock file is made beside it),
 * takes the lock. The lock is named after the file's real path, so a second bot that reaches the
 * same file through a symlink finds the first one's lock. The files are created owner-only
 * (private-files.ts); what cannot be tightened is logged by createStore, which opens them next.
 */
async function claimSqliteFile(storeUrl: string, file: string): Promise<ProcessLock> {
  let shown = file;
  const fail = (tried: string, error: unknown, fix: string): never => {
    throw new ConfigError(
      `migrate-bot cannot start: the SQLite store ${shown} (STORE_URL=${storeUrl}) cannot be used: ${tried}: ${describeFsError(error)}.\n` +
        `Fix: ${fix}`,
      { cause: error },
    );
  };
  const writableFix =
    'point STORE_URL at a file in a directory the bot can write, e.g. sqlite:///app/data/migrate-bot.sqlite ' +
    '(in the image, mount a volume at /app/data), or use STORE_URL=redis://host:port.';
  const dir = path.dirname(file);
  let real = file;
  try {
    makePrivateDir(dir);
    real = realStorePath(file);
  } catch (error) {
    fail(`could not create its directory ${dir}`, error, writableFix);
  }
  if (real !== file) shown = `${file} (real path ${real})`;
  try {
    preparePrivateDatabase(real);
    await checkSqliteOpens(real);
  } catch (error) {
    fail(
      'SQLite could not open it',
      error,
      `make ${file} a SQLite database file (or a path where one can be created, not a directory), or ${writableFix}`,
    );
  }
  const lockFile = `${real}.lock`;
  let lock: ProcessLock | undefined;
  try {
    preparePrivateDatabase(lockFile);
    lock = await acquireProcessLock(lockFile);
  } catch (error) {
    if (error instanceof StoreInUseError) {
      const who = error.holder
        ? `pid ${error.holder.pid} on host ${error.holder.host}, started ${error.holder.startedAt}`
        : 'its pid is not recorded yet';
      throw new ConfigError(
        `migrate-bot cannot start: the SQLite store ${shown} (STORE_URL=${storeUrl}) is in use by another migrate-bot process (${who}). ` +
          'A SQLite store serves one bot process at a time, so this one stops rather than corrupt it.\n' +
          `Fix: stop the other process first; ${ROLLING_UPDATE}.`,
      );
    }
    fail(`could not open its lock file ${lockFile}`, error, writableFix);
  }
  return lock as ProcessLock;
}

async function openRedis(
  storeUrl: string,
  prefix: string,
  logger: Logger,
  waitMs: number,
): Promise<BotStore> {
  const shown = withoutPassword(storeUrl);
  const deadline = Date.now() + waitMs;
  logger.info({ store: shown, waitSeconds: waitMs / 1000 }, 'connecting to the store (STORE_URL)');
  let state: RedisAtomicKv | undefined;
  let store: Store | undefined;
  try {
    const { RedisAtomicKv } = await import('./redis-atomic-kv.js');
    state = await RedisAtomicKv.connect(storeUrl, prefix, logger, { waitMs });
    store = await createStore(storeUrl, logger);
    // The Keyv store has its own connection: it answers a probe too, within what is left of the wait.
    let probes = 0;
    while (!(await store.healthy())) {
      probes++;
      if (Date.now() >= deadline || probes >= 50)
        throw new Error(`Redis accepted a connection but did not answer ${probes} probes`);
      await sleep(200);
    }
    return { store, state, close: closer(store, state, undefined) };
  } catch (error) {
    await store?.close();
    await state?.close();
    throw new ConfigError(
      `migrate-bot cannot start: the store at STORE_URL=${shown} could not be reached: ${error instanceof Error ? error.message : String(error)}\n` +
        `Fix: start Redis there or point STORE_URL at a reachable one (redis://host:port, rediss:// for TLS, redis://:password@host:port with a password); ` +
        'STORE_CONNECT_TIMEOUT_SECONDS waits longer for a Redis that starts slowly.',
      { cause: error },
    );
  }
}

function closer(store: Store, state: AtomicKv, lock: ProcessLock | undefined): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await state.close();
      await store.close();
      await lock?.release();
    })();
    return closing;
  };
}

/** STORE_URL as it may be shown: a Redis password never reaches a log or a message. */
export function withoutPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.password) return url;
  parsed.password = '***';
  return parsed.toString();
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `a part of the path is a file, not a directory (${code})`;
    case 'EACCES':
    case 'EPERM':
      return `no permission (${code})`;
    case 'ENOENT':
      // mkdir of a folder whose parent exists: a file system that makes none (/proc, /sys).
      return 'the file system does not allow creating it there (ENOENT)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'SQLITE_CANTOPEN':
      return 'SQLite cannot open a file there: is it a directory, or is its directory not writable? (SQLITE_CANTOPEN)';
    case 'SQLITE_NOTADB':
      return 'the file is not a SQLite database (SQLITE_NOTADB)';
    default:
      return message;
  }
}
