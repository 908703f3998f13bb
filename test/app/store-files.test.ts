import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotProcess } from '../harness/bot-process.js';
import { botProcesses } from '../harness/bot-processes.js';

// The store on disk and the start-up errors about settings, seen from outside: the compiled bot
// started as a child process with its own umask, as `npm start` and the image run it.

const { dist, scratch, slackEnv, track } = botProcesses('store-files');

/** The bot with `umask` set before anything of it runs (Node starts with its parent's). */
function startBot(env: Record<string, string>, umask = 0o022): BotProcess {
  const setUmask = `data:text/javascript,process.umask(${umask})`;
  const bot = new BotProcess(
    dist,
    {
      ...slackEnv(),
      POLL_INTERVAL_SECONDS: '0',
      ...env,
    },
    { cwd: mkdtempSync(path.join(scratch, 'cwd-')), nodeArgs: ['--import', setUmask] },
  );
  track(bot);
  return bot;
}

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe("the SQLite store on disk is its owner's only", () => {
  it.each([
    ['022', 0o022],
    ['000 (everything world-writable)', 0o000],
  ])(
    'umask %s: folders 0700, database, -wal, -shm and lock file 0600',
    async (_name, umask) => {
      const dir = path.join(scratch, `fresh-${umask}`, 'nested', 'data');
      const file = path.join(dir, 'bot.sqlite');
      const bot = startBot({ STORE_URL: `sqlite://${file}` }, umask);
      await bot.startedPort();
      // Every file SQLite keeps while it runs, each checked while the bot holds them open.
      const files = [file, `${file}-wal`, `${file}-shm`, `${file}.lock`];
      for (const f of files) expect(existsSync(f), f).toBe(true);
      expect({
        folders: [dir, path.dirname(dir), path.dirname(path.dirname(dir))].map(modeOf),
        files: files.map(modeOf),
      }).toEqual({ folders: ['700', '700', '700'], files: ['600', '600', '600', '600'] });
      bot.child.kill('SIGTERM');
      expect((await bot.exited()).code).toBe(0);
    },
    60_000,
  );

  it('tightens a folder and files an earlier version left readable to others', async () => {
    const dir = path.join(scratch, 'earlier');
    const file = path.join(dir, 'bot.sqlite');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    for (const f of [file, `${file}.lock`]) {
      writeFileSync(f, ''); // an empty file is an empty SQLite database
      chmodSync(f, 0o644);
    }
    const bot = startBot({ STORE_URL: `sqlite://${file}` });
    await bot.startedPort();
    expect([dir, file, `${file}-wal`, `${file}.lock`].map(modeOf)).toEqual(['700', '600', '600', '600']);
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
  }, 60_000);
});

describe('one bot per SQLite file, whichever path reaches it', () => {
  // A symlinked folder always shared its lock (the kernel resolves the lock file's name to one
  // file); a symlink to the database itself did not: its lock file was named after the link.
  it('a second bot through a symlink to the database is refused, naming the real path; the first keeps serving', async () => {
    const real = path.join(scratch, 'real-store', 'bot.sqlite');
    const other = path.join(scratch, 'other-folder');
    mkdirSync(path.dirname(real));
    mkdirSync(other);
    const first = startBot({ STORE_URL: `sqlite://${real}` });
    const port = await first.startedPort();

    const viaLink = path.join(other, 'alias.sqlite');
    symlinkSync(real, viaLink);
    const second = startBot({ STORE_URL: `sqlite://${viaLink}` });
    expect((await second.exited()).code).toBe(1);
    expect(second.stderr).toContain(
      `the SQLite store ${viaLink} (real path ${realpathSync(real)}) (STORE_URL=sqlite://${viaLink}) is in use by another migrate-bot process (pid ${first.child.pid} on host`,
    );
    expect(second.output).not.toContain('migrate-bot started');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exited()).code).toBe(0);
  }, 60_000);
});

describe('start-up errors', () => {
  it('STORE_URL under /proc: one message and exit 1 within seconds, not a spin at 100 % CPU', async () => {
    const bot = startBot({ STORE_URL: 'sqlite:///proc/x/bot.sqlite' });
    // A spinning bot is still running after the wait: `exited` kills it and fails the test.
    const { code } = await bot.exited(10_000);
    expect(code).toBe(1);
    expect(bot.stderr.match(/cannot start/g)).toHaveLength(1);
    expect(bot.stderr).toContain(
      'the SQLite store /proc/x/bot.sqlite (STORE_URL=sqlite:///proc/x/bot.sqlite) cannot be used: could not create its directory /proc/x: the file system does not allow creating it there (ENOENT).',
    );
    expect(bot.stderr).toContain('Fix: point STORE_URL at a file in a directory the bot can write');
    expect(bot.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("a password in MIGRATE_BOT_ALLOWED_ENDPOINTS is masked in the message, like STORE_URL's", async () => {
    const bot = startBot({
      MIGRATE_BOT_ALLOWED_ENDPOINTS: 'http://127.0.0.1:9101,https://ops:hunter2-endpoint-pw@gw.example.com',
    });
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr).toContain(
      'MIGRATE_BOT_ALLOWED_ENDPOINTS is invalid: "https://ops:***@gw.example.com"',
    );
    expect(bot.output).not.toContain('hunter2');
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);
});
