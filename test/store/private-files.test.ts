import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { openBotStore } from '../../src/store/open-bot-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

// The process-level checks (umask 022 and 000, a second bot through a symlink, /proc) are in
// test/app/store-files.test.ts; these are the cases that need no second process.

const dir = mkdtempSync(path.join(tmpdir(), 'mb-private-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { logger } = captureLogger('silent');
const modeOf = (file: string) => (statSync(file).mode & 0o7777).toString(8);
const NOBODY = 65534;

describe("another user's folder or file is left as it is, and the log says so", () => {
  it.skipIf(process.getuid?.() !== 0)(
    '(as root) a folder of uid 65534 at 0755: kept, one warning naming it',
    async () => {
      const folder = path.join(dir, 'theirs');
      mkdirSync(folder);
      chmodSync(folder, 0o755);
      chownSync(folder, NOBODY, NOBODY);
      const logs = captureLogger('warn');
      const store = await createStore(`sqlite://${path.join(folder, 'bot.sqlite')}`, logs.logger);
      await store.close();
      expect(modeOf(folder)).toBe('755');
      expect(modeOf(path.join(folder, 'bot.sqlite'))).toBe('600');
      const warnings = logs.lines.map((line) => JSON.parse(line).msg as string);
      expect(warnings).toEqual([
        `SQLite store: ${folder} is open to others (mode 0755) and belongs to another user (uid ${NOBODY}), so the bot leaves it as it is: make it 0700 (chmod 700 ${folder}) or point STORE_URL at a file in a folder of its own`,
      ]);
    },
  );

  it('a shared folder (sticky, like /tmp) is never closed, only reported', async () => {
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const logs = captureLogger('warn');
    const store = await createStore(`sqlite://${path.join(shared, 'bot.sqlite')}`, logs.logger);
    await store.close();
    expect(modeOf(shared)).toBe('1777');
    expect(modeOf(path.join(shared, 'bot.sqlite'))).toBe('600');
    expect(logs.lines.join('\n')).toContain(`${shared} is a shared folder (mode 0777, sticky)`);
  });
});

describe('the lock follows the real path', () => {
  it('a symlinked folder reaches the same lock', async () => {
    const real = path.join(dir, 'real-folder');
    const link = path.join(dir, 'link-folder');
    mkdirSync(real);
    symlinkSync(real, link);
    const first = await openBotStore(`sqlite://${path.join(real, 'bot.sqlite')}`, logger, 1_000);
    try {
      await expect(openBotStore(`sqlite://${path.join(link, 'bot.sqlite')}`, logger, 1_000)).rejects.toThrow(
        /is in use by another migrate-bot process/,
      );
    } finally {
      await first.close();
    }
  });

  it('a link to a database not created yet locks where the database will be', async () => {
    const real = path.join(dir, 'later', 'bot.sqlite');
    mkdirSync(path.dirname(real));
    const link = path.join(dir, 'early-link.sqlite');
    symlinkSync(real, link);
    const first = await openBotStore(`sqlite://${link}`, logger, 1_000);
    try {
      await expect(openBotStore(`sqlite://${real}`, logger, 1_000)).rejects.toThrow(
        /is in use by another migrate-bot process/,
      );
      expect(modeOf(`${real}.lock`)).toBe('600');
    } finally {
      await first.close();
    }
  });
});
