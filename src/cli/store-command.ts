import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../clock.js';
import { FILE_SETTINGS } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { readSettingFiles } from '../setting-files.js';
import { markRestored } from '../store/backup-marks.js';
import { createStore } from '../store/create-store.js';
import { claimSqliteStore, withoutPassword } from '../store/open-bot-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { storeTls } from '../store/store-settings.js';
import { writeBackupFile } from './backup-target.js';

/**
 * `migrate-bot store backup <file>` / `store restored <time>` (`npm run store -- …`; in the image `node
 * dist/src/main.js store …`), on STORE_URL's store. `backup`: SQLite's online backup while the bot runs,
 * marked with its time so a bot restored from it looks up what it may have posted since (backup-marks.ts).
 * `restored`: marks a store restored otherwise (Redis RDB/AOF, volume snapshot) as taken at `<time>`; run
 * it before the bot starts on it.
 */
export async function runStoreCommand(
  args: readonly string[],
  rawEnv: Record<string, string | undefined>,
  out: (line: string) => void,
  logger: Logger,
  // A command run outside the bot: the backup's mark is real time (src/clock.ts).
  now: () => Date = () => new Date(systemClock.now()),
): Promise<number> {
  const [action, target, ...rest] = args;
  if ((action !== 'backup' && action !== 'restored') || !target || rest.length > 0) {
    out(USAGE);
    return 2;
  }
  const { env, problems, warnings } = readSettingFiles(rawEnv, FILE_SETTINGS);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  for (const warning of warnings) logger.warn(`secret file: ${warning}`);
  const storeUrl = env.STORE_URL?.trim();
  if (!storeUrl) throw new ConfigError('STORE_URL is not set: give the store the bot runs on.');
  if (action === 'backup') return backup(storeUrl, target, out, now());
  const takenAt = new Date(target);
  if (Number.isNaN(takenAt.getTime()))
    throw new ConfigError(
      `"${target}" is not a time: give when the backup was taken, e.g. 2026-11-26T10:00:00Z.`,
    );
  // A SQLite file is this process's while it is marked: the bot must not run on it yet.
  const lock = await claimSqliteStore(storeUrl);
  try {
    const tls = storeTls(env);
    const store = await createStore(storeUrl, logger, tls ? { tls } : {});
    try {
      await markRestored(store, takenAt);
    } finally {
      await store.close();
    }
  } finally {
    await lock?.release();
  }
  out(
    `Marked ${withoutPassword(storeUrl)} as restored from a backup taken at ${takenAt.toISOString()}: for an hour after its next start the bot looks each post up in Slack before making it.`,
  );
  return 0;
}

const USAGE = [
  'Usage: migrate-bot store backup <file> | store restored <time>',
  '  backup <file>    copies the SQLite store STORE_URL names to <file>, while the bot runs',
  '  restored <time>  marks the store STORE_URL names as restored from a backup taken at <time> (ISO 8601)',
].join('\n');

async function backup(
  storeUrl: string,
  target: string,
  out: (line: string) => void,
  at: Date,
): Promise<number> {
  if (!storeUrl.startsWith('sqlite://') || storeUrl === 'sqlite://:memory:')
    throw new ConfigError(
      `store backup copies a SQLite store; STORE_URL=${withoutPassword(storeUrl)} is not one. Back Redis up with its own snapshots (RDB, AOF): docs/operations.md, Backup and restore.`,
    );
  const source = path.resolve(storeUrl.slice('sqlite://'.length));
  const copy = path.resolve(target);
  if (!existsSync(source))
    throw new ConfigError(`There is no SQLite store at ${source} (STORE_URL=${storeUrl}).`);
  await writeBackupFile(copy, async (partial) => {
    // A connection of its own beside the bot's: SQLite's backup reads one consistent state of the
    // file, starting again if the bot writes meanwhile.
    const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5_000 });
    try {
      await db.backup(partial);
    } finally {
      db.close();
    }
    const store = await SqliteStore.open(partial);
    try {
      await markRestored(store, at);
    } finally {
      await store.close();
    }
  });
  const kb = Math.ceil(statSync(copy).size / 1024);
  out(`Backed up ${source} to ${copy} (${kb} KB) at ${at.toISOString()}.`);
  out(
    'To restore: stop the bot, put the copy at the path STORE_URL names (with no -wal or -shm file beside it), start the bot.',
  );
  return 0;
}
