import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { encodeResourceButton } from '../../src/slack/resource-button.js';
import { BotProcess } from '../harness/bot-process.js';
import { compileBot } from '../harness/compiled-bot.js';
import { postSigned, slashCommandBody } from '../harness/slack-requests.js';
import { BOT_TOKEN, SIGNING_SECRET, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

/**
 * Every line on stdout is JSON with a string level; node-cron's own warnings go through the same
 * logger; and each command, button and view gets one info line saying who asked what, how it ended
 * and how long it took, without secrets.
 */
let fakeSlack: FakeSlack;
let dist: string;
const processes: BotProcess[] = [];

beforeAll(async () => {
  dist = compileBot();
  fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN }).start();
}, 200_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await fakeSlack?.stop();
});

describe('logs of the compiled bot in production', () => {
  it('are JSON lines with a string level, with one info line per command naming op, team, user, what, outcome and ms', async () => {
    const bot = new BotProcess(
      dist,
      {
        NODE_ENV: 'production',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: fakeSlack.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        STORE_URL: 'memory://',
        // The node-cron schedule runs (every second) while the process is up.
        POLL_INTERVAL_SECONDS: '1',
      },
      { cwd: dist },
    );
    processes.push(bot);
    const port = await bot.startedPort();
    const http = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      SIGNING_SECRET,
      slashCommandBody({ text: 'help', response_url: fakeSlack.responseUrl('logs-1') }),
      'application/x-www-form-urlencoded',
    );
    expect(http.status).toBe(200);
    await bot.waitFor(/"msg":"request done"/, 10_000);
    await bot.waitFor(/"msg":"watcher started"/, 10_000);
    await bot.kill();

    const lines = bot.stdout.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(typeof parsed.level, line).toBe('string');
    }
    const done = bot.logLines().filter((l) => l.msg === 'request done');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      level: 'info',
      op: expect.stringMatching(/^[0-9a-f]{8}$/),
      team: 'T0FAKE001',
      user: 'U0ALICE01',
      surface: 'command',
      what: 'help',
      outcome: 'ok',
      ms: expect.any(Number),
    });
    expect(bot.output).not.toContain(BOT_TOKEN);
    expect(bot.output).not.toContain(SIGNING_SECRET);
    expect(bot.output).not.toContain('\u001b['); // no coloured console text
  }, 60_000);
});

describe('node-cron', () => {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('warns through pino once per episode, with a count, when a cycle outlasts its ticks; never on the console', async () => {
    const consoleWarn = vi.spyOn(console, 'warn');
    const watcher = t.bot.deps.watcher;
    // The first cycle hangs until released, so the next ticks find the task still running.
    let release: () => void = () => undefined;
    const watchKeys = watcher.store.watchKeys.bind(watcher.store);
    watcher.store.watchKeys = async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return watchKeys();
    };
    const cronLines = () => t.logs.lines.filter((l) => l.includes('"scheduler":"node-cron"'));
    watcher.options.pollIntervalSeconds = 1;
    watcher.start();
    try {
      // Three ticks or so find the cycle running: node-cron warns at each, nothing is logged yet.
      await sleep(3_200);
      expect(cronLines()).toEqual([]);
      watcher.store.watchKeys = watchKeys;
      release();
      // The episode ends (no warning for 2.5 tick spacings): one line with the count.
      await until(() => cronLines().length > 0, { what: 'the episode’s line', timeoutMs: 5_000 });
      const lines = cronLines();
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'warn', component: 'watcher', scheduler: 'node-cron' });
      expect(line.ticks).toBeGreaterThanOrEqual(2);
      expect(String(line.msg)).toMatch(/outlasted its ticks.*\(\d+ ticks\)/);
      // One `component` key per line, not the watcher's and node-cron's both.
      expect(lines[0]!.match(/"component":/g)).toHaveLength(1);
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      release();
      consoleWarn.mockRestore();
      watcher.store.watchKeys = watchKeys;
    }
  }, 20_000);

  it("logs a Slack 429 on a watcher post as what Slack said, without the error's stack", async () => {
    const task = t.oms.addTask({ name: 'rate-limited-post', status: 2 });
    t.fakeSlack.rateLimit('chat.postMessage', 1, 1);
    expect(JSON.stringify(await t.ask(`watch ${task.id}`))).toContain('rate-limited-post');
    const held = () =>
      t.logs.lines.filter((l) => l.includes('Slack did not take a notification; it stays in the outbox'));
    await until(() => held().length > 0, { what: 'the held notification’s line', timeoutMs: 5_000 });
    expect(held()).toHaveLength(1);
    const line = JSON.parse(held()[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', failure: 'rate-limited', retryInMs: 1_000 });
    expect(line.err).toBeUndefined();
    expect(held()[0]).not.toContain('"stack"');
    expect(held()[0]!.length).toBeLessThan(500);
  });

  it('a button and a command each get one "request done" line with what was asked, never the typed text', async () => {
    // A command logs its closing line just after its answer: the previous test's may still come.
    await t.settled();
    const before = t.logs.lines.length;
    await t.ask('watch not-a-task-id-xoxb-looking-text');
    await t.ask('no-such-subcommand secret-looking-text');
    const click = await t.click(
      'resource.refresh',
      encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: 'no-such-task' }),
    );
    await click.answer();
    await t.settled();
    const done = t.logs.lines
      .slice(before)
      .filter((l) => l.includes('"msg":"request done"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(done.map((d) => [d.surface, d.what, d.outcome])).toEqual([
      ['command', 'watch', 'refused'],
      ['command', 'unknown subcommand', 'refused'],
      ['button', 'resource.refresh', expect.stringMatching(/^(refused|failed)$/)],
    ]);
    for (const d of done)
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['op', 'team', 'user', 'ms']));
    expect(JSON.stringify(done)).not.toContain('secret-looking-text');
  });
});
