import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotProcess, closedPort } from '../harness/bot-process.js';
import { botProcesses } from '../harness/bot-processes.js';
import { postSigned, slashCommandBody } from '../harness/slack-requests.js';
import { SIGNING_SECRET } from '../harness/test-bot.js';

const REJECTING_SUBCOMMAND = path.join(import.meta.dirname, '..', 'fixtures', 'rejecting-subcommand.mjs');

const { dist, fakeSlack, scratch, slackEnv, track } = botProcesses('startup');

/** A fresh working directory, as a fresh clone or an empty container would be. */
function freshDir(): string {
  return mkdtempSync(path.join(scratch, 'cwd-'));
}

/** The compiled bot with real Slack settings (the fake Slack's address) and `env` on top. */
function startBot(
  env: Record<string, string>,
  options: { slack?: boolean; cwd?: string; nodeArgs?: string[] } = {},
): BotProcess {
  const slack: Record<string, string> =
    options.slack === false ? {} : { ...slackEnv(), POLL_INTERVAL_SECONDS: '0' };
  const bot = new BotProcess(
    dist,
    { ...slack, ...env },
    { cwd: options.cwd ?? freshDir(), nodeArgs: options.nodeArgs },
  );
  track(bot);
  return bot;
}

let commands = 0;
async function ask(port: number, text: string): Promise<string> {
  const responseId = `startup-${++commands}`;
  const body = slashCommandBody({ text, response_url: fakeSlack.responseUrl(responseId) });
  const http = await postSigned(
    `http://127.0.0.1:${port}/slack/events`,
    SIGNING_SECRET,
    body,
    'application/x-www-form-urlencoded',
  );
  expect(http.status).toBe(200);
  const [post] = await fakeSlack.waitFor(() => {
    const found = fakeSlack.responsesTo(responseId);
    return found.length > 0 ? found : undefined;
  }, 10_000);
  return JSON.stringify(post!.body);
}

describe('a store that cannot be used stops the start-up with one message and exit code 1', () => {
  it('Redis unreachable: gives up after the bounded wait, naming STORE_URL, and never listens', async () => {
    const url = `redis://:hunter2-redis-pw@127.0.0.1:${await closedPort()}`;
    const bot = startBot({ STORE_URL: url, STORE_CONNECT_TIMEOUT_SECONDS: '1' });
    const { code } = await bot.exited(15_000);
    expect(code).toBe(1);
    expect(bot.stderr).toMatch(
      /^migrate-bot cannot start: the store at STORE_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/,
    );
    expect(bot.stderr).toMatch(
      /did not answer within 1 s \(\d+ failed connection attempts?; last error: .*ECONNREFUSED/,
    );
    expect(bot.stderr).toContain('Fix: start Redis there');
    // One message, not a warning per retry; and the password is shown to nobody.
    expect(bot.stderr.match(/cannot start/g)).toHaveLength(1);
    expect(bot.logLines().filter((l) => l.level === 'warn' || l.level === 'error')).toHaveLength(1); // "no connections file"
    expect(bot.output).not.toContain('hunter2-redis-pw');
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);

  it('SIGTERM while it waits for Redis ends the process with code 0, not 143', async () => {
    const bot = startBot({
      STORE_URL: `redis://127.0.0.1:${await closedPort()}`,
      STORE_CONNECT_TIMEOUT_SECONDS: '60',
    });
    await bot.waitFor(/connecting to the store/);
    bot.child.kill('SIGTERM');
    expect(await bot.exited(10_000)).toEqual({ code: 0, signal: null });
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);

  it('a SQLite path under a regular file: names STORE_URL and the path, never says it started', async () => {
    const file = path.join(scratch, 'a-regular-file');
    writeFileSync(file, 'not a directory');
    const store = path.join(file, 'x.sqlite');
    const bot = startBot({ STORE_URL: `sqlite://${store}` });
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr).toContain(`the SQLite store ${store} (STORE_URL=sqlite://${store}) cannot be used`);
    expect(bot.stderr).toMatch(/a part of the path is a file, not a directory \((EEXIST|ENOTDIR)\)/);
    expect(bot.stderr).toContain('Fix: point STORE_URL at a file in a directory the bot can write');
    expect(bot.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);

  it('a SQLite path SQLite cannot open (a directory): names the path, never says it started', async () => {
    const store = path.join(scratch, 'a-directory.sqlite');
    mkdirSync(store);
    const bot = startBot({ STORE_URL: `sqlite://${store}` });
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr).toContain(`the SQLite store ${store} (STORE_URL=sqlite://${store}) cannot be used`);
    expect(bot.stderr).toContain('SQLITE_CANTOPEN');
    expect(bot.stderr).not.toMatch(/\n\s+at /);
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);
});

describe('two bots on one SQLite file', () => {
  it('refuses the second with a clear message while the first keeps serving; the file is free after a kill -9', async () => {
    const store = path.join(scratch, 'shared', 'bot.sqlite');
    const first = startBot({ STORE_URL: `sqlite://${store}` });
    const port = await first.startedPort();

    const second = startBot({ STORE_URL: `sqlite://${store}` });
    expect((await second.exited()).code).toBe(1);
    expect(second.stderr).toContain(`the SQLite store ${store} (STORE_URL=sqlite://${store}) is in use`);
    expect(second.stderr).toContain(`pid ${first.child.pid} on host`);
    expect(second.stderr).toContain(
      'for a rolling update use strategy: Recreate (one replica), or STORE_URL=redis://… for several replicas',
    );
    expect(second.output).not.toContain('migrate-bot started');

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await ask(port, 'help')).toContain('migrate-bot help');

    // The lock dies with its process: no stale lock after a crash.
    await first.kill();
    const third = startBot({ STORE_URL: `sqlite://${store}` });
    await third.startedPort();
    third.child.kill('SIGTERM');
    expect((await third.exited()).code).toBe(0);
  }, 60_000);
});

describe('production never runs the playground', () => {
  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['inside the image (MIGRATE_BOT_IMAGE=1)', { MIGRATE_BOT_IMAGE: '1' }],
  ])(
    '%s without Slack settings: the configuration error, no files, nothing listening',
    async (_name, env) => {
      const cwd = freshDir();
      const bot = startBot({ ...env, PORT: '0' }, { slack: false, cwd });
      expect((await bot.exited()).code).toBe(1);
      expect(bot.stderr).toMatch(/^migrate-bot cannot start: \d+ settings? to fix/);
      expect(bot.stderr).toContain('SLACK_SIGNING_SECRET is required');
      expect(bot.stderr).toContain('SLACK_BOT_TOKEN is required');
      expect(bot.stderr).toContain('not with NODE_ENV=production, and never in the container image');
      expect(bot.output).not.toContain('playground mode');
      expect(existsSync(path.join(cwd, 'data'))).toBe(false);
    },
    30_000,
  );

  it('a fresh clone with no settings at all still opens the playground', async () => {
    const cwd = freshDir();
    const bot = startBot({ PORT: '0' }, { slack: false, cwd });
    await bot.waitFor(/running in playground mode/, 30_000);
    expect(existsSync(path.join(cwd, 'data', 'playground.json'))).toBe(true);
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
  }, 60_000);
});

describe('an unexpected rejection inside a request', () => {
  it('is logged with the op id of its request, and the bot keeps answering', async () => {
    const bot = startBot(
      { STORE_URL: 'memory://', BOT_DIST: dist },
      { nodeArgs: ['--import', REJECTING_SUBCOMMAND] },
    );
    const port = await bot.startedPort();
    const answer = await ask(port, 'reject');
    const op = answer.match(/rejecting in op ([0-9a-f]{8})/)?.[1];
    expect(op).toBeDefined();
    await bot.waitFor(/unhandled promise rejection/);
    const logged = bot.logLines().filter((l) => String(l.msg).startsWith('unhandled promise rejection'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'error',
      op,
      err: { message: 'test: a rejection nobody handles' },
    });

    expect(await ask(port, 'help')).toContain('migrate-bot help');
    expect(bot.child.exitCode).toBeNull();
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
  }, 60_000);
});
