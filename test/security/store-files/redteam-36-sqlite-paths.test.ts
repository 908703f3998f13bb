import { linkSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBotStore } from '../../../src/store/open-bot-store.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * redteam36: issue 36 §5 "a second bot reaching the same SQLite file through another path must be
 * refused". The lock is `<realpath>.lock`, so a symlink is caught. A hard link has its own real path
 * and its own lock file, but SQLite itself refuses a WAL database reached through a second link
 * (today's message: "SQLite could not open it: disk I/O error"): refused all the same.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'rt36-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { logger } = captureLogger('silent');

describe('redteam36: one bot per SQLite file, whichever path reaches it', () => {
  it('through a symlinked folder (control: caught)', async () => {
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    const first = await openBotStore(`sqlite://${path.join(dir, 'a', 'bot.sqlite')}`, logger, 1_000);
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a-link'));
    try {
      await expect(
        openBotStore(`sqlite://${path.join(dir, 'a-link', 'bot.sqlite')}`, logger, 1_000),
      ).rejects.toThrow(/in use by another migrate-bot process/);
    } finally {
      await first.close();
    }
  });

  it('through a hard link to the database file', async () => {
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    mkdirSync(path.join(dir, 'c'), { recursive: true, mode: 0o700 });
    const original = path.join(dir, 'b', 'bot.sqlite');
    const first = await openBotStore(`sqlite://${original}`, logger, 1_000);
    const linked = path.join(dir, 'c', 'bot.sqlite');
    linkSync(original, linked);
    expect(statSync(linked).ino).toBe(statSync(original).ino);
    let second: Awaited<ReturnType<typeof openBotStore>> | undefined;
    try {
      second = await openBotStore(`sqlite://${linked}`, logger, 1_000).catch(() => undefined);
      expect(
        second,
        'a second bot opened the same database file (same inode) through a hard link',
      ).toBeUndefined();
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
