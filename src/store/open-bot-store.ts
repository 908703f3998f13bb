import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type AtomicKv, SKIP } from './atomic-kv.js';
import { createStore, type Store } from './create-store.js';
import { openAtomicKv } from './open-atomic-kv.js';
import { makePrivateDir, preparePrivateDatabase, realStorePath } from './private-files.js';
import type { RedisAtomicKv } from './redis-atomic-kv.js';
import type { RedisConnectError } from './redis-connection.js';
import { isRedisUrl, parseRedisUrl, REDIS_URL_FORMS, withoutPassword } from './redis-target.js';
import type { RedisTls } from './redis-tls.js';
import { newerStoreError, SCHEMA_KEY, STORE_SCHEMA, schemaOf } from './schema-version.js';
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
export async function openBotStore(
  storeUrl: string,
  logger: Logger,
  waitMs: number,
  options: { tls?: RedisTls } = {},
): Promise<BotStore> {
  const prefix = statePrefix(storeUrl);
  if (isRedisUrl(storeUrl)) return openRedis(storeUrl, prefix, logger, waitMs, options.tls);
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

/** Where the shared state's keys lie in the store STORE_URL names (tools that open it read the same). */
export function statePrefix(storeUrl: string): string {
  return isRedisUrl(storeUrl) ? 'migrate-bot:state:' : 'state:';
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
  tls: RedisTls | undefined,
): Promise<BotStore> {
  const shown = withoutPassword(storeUrl);
  const target = parseRedisUrl(storeUrl);
  if (typeof target === 'string')
    throw new ConfigError(
      `migrate-bot cannot start: STORE_URL=${shown} ${target}.\nFix: use ${REDIS_URL_FORMS}.`,
    );
  // Real time (src/clock.ts): a wait for a real server, before the bot's services exist.
  const deadline = systemClock.now() + waitMs;
  logger.info(
    { store: shown, topology: target.topology, waitSeconds: waitMs / 1000 },
    'connecting to the store (STORE_URL)',
  );
  let state: RedisAtomicKv | undefined;
  let store: Store | undefined;
  try {
    const { RedisAtomicKv } = await import('./redis-atomic-kv.js');
    state = await RedisAtomicKv.connect(target, prefix, logger, { waitMs, ...(tls ? { tls } : {}) });
    store = await createStore(storeUrl, logger, tls ? { tls } : {});
    // The Keyv store has its own connection: it answers a probe too, within what is left of the wait.
    let probes = 0;
    while (!(await store.healthy())) {
      probes++;
      if (systemClock.now() >= deadline || probes >= 50)
        throw new Error(`Redis accepted a connection but did not answer ${probes} probes`);
      await sleep(200);
    }
    // Every command the bot will send, once: a refusal (an ACL without one, a replica) stops the
    // start-up here, named, instead of failing later in a watch cycle or a person's command.
    const refused = await state.check();
    if (refused) throw refusal(refused.what, refused.fix);
    await markSchema(state, `STORE_URL=${shown}`);
    return { store: checkedStore(store, state), state, close: closer(store, state, undefined) };
  } catch (error) {
    await store?.close();
    await state?.close();
    if (error instanceof ConfigError) throw error;
    const problem = (error as RedisConnectError).problem ?? (error as Refusal).refusal;
    if (problem)
      throw new ConfigError(
        `migrate-bot cannot start: the store at STORE_URL=${shown} cannot be used: ${problem.what}.\nFix: ${problem.fix}.`,
        { cause: error },
      );
    throw new ConfigError(
      `migrate-bot cannot start: the store at STORE_URL=${shown} could not be reached: ${error instanceof Error ? error.message : String(error)}\n` +
        `Fix: start Redis there or point STORE_URL at a reachable one (${REDIS_URL_FORMS}; redis://:password@host:port with a password); ` +
        'STORE_CONNECT_TIMEOUT_SECONDS waits longer for a Redis that starts slowly.',
      { cause: error },
    );
  }
}

/** Refuses a store a newer build marked (schema-version.ts); marks an older one as this build's. */
async function markSchema(state: AtomicKv, where: string): Promise<void> {
  let found = 1;
  await state.update(SCHEMA_KEY, (current) => {
    found = schemaOf(current);
    return found >= STORE_SCHEMA ? SKIP : String(STORE_SCHEMA);
  });
  if (found > STORE_SCHEMA) throw newerStoreError(where, found);
}

interface Refusal extends Error {
  refusal: { what: string; fix: string };
}

function refusal(what: string, fix: string): Refusal {
  return Object.assign(new Error(what), { refusal: { what, fix } });
}

/**
 * The Keyv store whose `healthy()` (what `/readyz` asks) also runs the bot's commands once: a
 * Redis that answers but refuses them (an ACL changed, a failover that left the bot on a replica)
 * is not ready either, and `problem()` says why.
 */
function checkedStore(store: Store, state: RedisAtomicKv): Store {
  let problem: string | undefined;
  return {
    ...store,
    healthy: async () => {
      problem = undefined;
      if (!(await store.healthy())) return false;
      const refused = await state.check().catch(() => undefined);
      problem = refused?.message;
      return refused === undefined;
    },
    problem: () => problem,
  };
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

/** STORE_URL as it may be shown (kept here too: tools and tests import it from this module). */
export { withoutPassword };

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
