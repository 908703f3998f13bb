import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runStoreCommand } from '../../src/cli/store-command.js';
import { BACKUP_TAKEN_AT } from '../../src/store/backup-marks.js';
import { type BotStore, openBotStore } from '../../src/store/open-bot-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * `store backup <file>` writes a new file of the owner's only, whatever the umask, and never
 * through a symlink or over a file that is there. Before, the copy took the umask's mode (0644:
 * the store's sealed credentials and audit log readable by every user of the host), a dangling
 * symlink at the target was followed (the copy created wherever the link pointed), and two backups
 * to one name both passed the check and wrote the same file.
 */
const { logger } = captureLogger('silent');
const dir = mkdtempSync(path.join(tmpdir(), 'mb-backup-target-'));
const liveUrl = `sqlite://${path.join(dir, 'live', 'store.sqlite')}`;
const AT = new Date('2026-11-27T10:00:00Z');
let bot: BotStore;
let umask: number;

beforeAll(async () => {
  // The usual umask of a shell: new files 0644 unless the command says otherwise.
  umask = process.umask(0o022);
  bot = await openBotStore(liveUrl, logger, 5_000);
  await bot.store.set('probe', 'kept in the backup');
});
afterAll(async () => {
  process.umask(umask);
  await bot?.close();
  rmSync(dir, { recursive: true, force: true });
});

const backup = (target: string) =>
  runStoreCommand(
    ['backup', target],
    { STORE_URL: liveUrl },
    () => {},
    logger,
    () => AT,
  );

/** Nothing of a backup left beside it (its partial file, SQLite's companions). */
const leftovers = () => readdirSync(dir).filter((name) => name.includes('.partial'));

it('writes a new file at 0600 that holds the store and its backup mark, and nothing beside it', async () => {
  const copy = path.join(dir, 'backup.sqlite');
  expect(await backup(copy)).toBe(0);
  expect((statSync(copy).mode & 0o777).toString(8)).toBe('600');
  const store = await SqliteStore.open(copy);
  try {
    expect(await store.get('probe')).toBe('kept in the backup');
    expect(await store.get(BACKUP_TAKEN_AT)).toBe(AT.toISOString());
  } finally {
    await store.close();
  }
  expect(leftovers()).toEqual([]);
});

it('refuses a target that is a symlink, dangling or not, and writes nothing through it', async () => {
  const nowhere = path.join(dir, 'planted-elsewhere.sqlite');
  const dangling = path.join(dir, 'dangling.sqlite');
  symlinkSync(nowhere, dangling);
  await expect(backup(dangling)).rejects.toThrow(/dangling\.sqlite exists already .*nothing was written/);
  expect(existsSync(nowhere)).toBe(false);
  expect(lstatSync(dangling).isSymbolicLink()).toBe(true);

  const victim = path.join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  const link = path.join(dir, 'link.sqlite');
  symlinkSync(victim, link);
  await expect(backup(link)).rejects.toThrow(/exists already/);
  expect(readFileSync(victim, 'utf8')).toBe('precious');
  expect(leftovers()).toEqual([]);
});

it('never writes over a backup: of two started at once to one name, one lands and the other says so', async () => {
  const copy = path.join(dir, 'twice.sqlite');
  const results = await Promise.allSettled([backup(copy), backup(copy)]);
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(String(refused.reason)).toMatch(/twice\.sqlite exists already/);
  const before = readFileSync(copy);
  await expect(backup(copy)).rejects.toThrow(/exists already/);
  expect(readFileSync(copy).equals(before)).toBe(true);
  expect(leftovers()).toEqual([]);
});
