import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBotStore } from '../../../src/store/open-bot-store.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * redteam36: issue 36 §5 file modes, including what SQLite itself makes beside the database (the
 * WAL and shared-memory files) and a folder created with its parents (mkdir -p), under umask 022.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'rt36-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { logger } = captureLogger('silent');

describe("redteam36: every file SQLite makes beside the store is the owner's only", () => {
  it('folder 0700; database, -wal, -shm, lock and its journal 0600, under umask 022', async () => {
    const old = process.umask(0o022);
    const folder = path.join(dir, 'nested', 'data');
    try {
      const store = await openBotStore(`sqlite://${path.join(folder, 'bot.sqlite')}`, logger, 1_000);
      await store.store.set('k', 'v');
      const modes = Object.fromEntries(
        readdirSync(folder).map((f) => [f, (statSync(path.join(folder, f)).mode & 0o777).toString(8)]),
      );
      const folderMode = (statSync(folder).mode & 0o777).toString(8);
      const parentMode = (statSync(path.dirname(folder)).mode & 0o777).toString(8);
      await store.close();
      expect({ parent: parentMode, folder: folderMode, ...modes }).toEqual(
        Object.fromEntries([
          ['parent', '700'],
          ['folder', '700'],
          ...Object.keys(modes).map((f) => [f, '600']),
        ]),
      );
    } finally {
      process.umask(old);
    }
  });
});
