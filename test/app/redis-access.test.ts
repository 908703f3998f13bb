import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { BOT_COMMANDS } from '../../src/store/redis-command-check.js';
import { BotProcess } from '../harness/bot-process.js';
import { compileBot } from '../harness/compiled-bot.js';
import { makeCerts, type TestCerts } from '../harness/redis-certs.js';
import { type RedisTopology, startSingle } from '../harness/redis-topology.js';
import { postSigned, slashCommandBody } from '../harness/slack-requests.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../harness/test-bot.js';
import { until } from '../harness/until.js';
import { notifications, startRig, startWorld } from '../harness/watcher-rig.js';

/**
 * Issue 50: the bot under the ACL user docs/deployment.md ("Redis ACL") gives, with the default
 * user off, on a Redis of its own; a user without one of those commands; one taken away while the
 * bot runs; and TLS settings read from files. Every process is the compiled bot
 * (`node dist/src/main.js`), as the image runs it.
 */
const DOCS = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
const ACL_LINE = /^ACL SETUSER migrate-bot on >PASSWORD (.+)$/m.exec(DOCS)?.[1] ?? '';
const ADMIN = ['--user', 'admin', '--pass', 'admin-pw', '--no-auth-warning'];

let dist: string;
let fakeSlack: FakeSlack;
let redis: RedisTopology;
let certs: TestCerts;
let tlsRedis: RedisTopology;
const scratch = mkdtempSync(path.join(tmpdir(), 'mb-redis-access-'));
const running = new Set<BotProcess>();

function cli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...ADMIN, ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return `${result.stdout}${result.stderr}`.trim();
}

/** A user with the documented rules, less `without` (a command name). */
function addUser(name: string, password: string, without?: string): void {
  const rules = ACL_LINE.split(/\s+/).filter((rule) => rule !== `+${without}`);
  expect(cli(redis.ports[0]!, 'ACL', 'SETUSER', name, 'on', `>${password}`, ...rules)).toBe('OK');
}

beforeAll(async () => {
  dist = compileBot();
  fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN }).start();
  redis = await startSingle();
  // An admin for the test, then the default user off, as a managed Redis with ACLs has it.
  const port = redis.ports[0]!;
  spawnSync('redis-cli', [
    '-p',
    String(port),
    'ACL',
    'SETUSER',
    'admin',
    'on',
    '>admin-pw',
    '~*',
    '&*',
    '+@all',
  ]);
  expect(cli(port, 'ACL', 'SETUSER', 'default', 'off')).toBe('OK');
  certs = makeCerts();
  tlsRedis = await startSingle({
    tls: {
      cert: certs.cert,
      key: certs.key,
      ca: certs.ca,
      clientCert: certs.clientCert,
      clientKey: certs.clientKey,
      authClients: true,
    },
  });
}, 200_000);

afterAll(async () => {
  await Promise.all([...running].map((bot) => bot.kill()));
  await fakeSlack?.stop();
  await redis?.stop();
  await tlsRedis?.stop();
  certs?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

function startBot(env: Record<string, string>): BotProcess {
  const bot = new BotProcess(
    dist,
    {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fakeSlack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      POLL_INTERVAL_SECONDS: '1',
      STORE_CONNECT_TIMEOUT_SECONDS: '8',
      ...env,
    },
    { cwd: mkdtempSync(path.join(scratch, 'cwd-')) },
  );
  running.add(bot);
  bot.child.once('exit', () => running.delete(bot));
  return bot;
}

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** `/readyz` once it answers `status` and `body` has `fields` (or as it answers after 10 s). */
async function readyzBecomes(port: number, status: number, fields: Record<string, unknown> = {}) {
  const is = (answer: Awaited<ReturnType<typeof readyz>>) =>
    answer.status === status && Object.entries(fields).every(([k, v]) => answer.body[k] === v);
  const check = async () => {
    const answer = await readyz(port);
    return is(answer) && answer;
  };
  return until(check, { what: `/readyz ${status}`, timeoutMs: 10_000, everyMs: 100 }).catch(() =>
    readyz(port),
  );
}

let asked = 0;
async function ask(port: number, text: string): Promise<string> {
  const responseId = `redis-access-${++asked}`;
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

describe('the bot under the ACL user docs/deployment.md gives', () => {
  it('lists exactly the commands the bot sends', () => {
    expect(ACL_LINE).toMatch(/^resetkeys ~migrate-bot:\* resetchannels -@all /);
    const listed = ACL_LINE.split(/\s+/)
      .filter((r) => r.startsWith('+'))
      .map((r) => r.slice(1));
    expect(listed.sort()).toEqual([...BOT_COMMANDS].sort());
  });

  it('starts, answers, runs its cycles and is ready, the default user off', async () => {
    addUser('migrate-bot', 'bot-pw-1');
    const bot = startBot({ STORE_URL: `redis://migrate-bot:bot-pw-1@127.0.0.1:${redis.ports[0]}` });
    const port = await bot.startedPort();
    expect(await ask(port, 'help')).toContain('migrate-bot help');
    // Once its watcher cycles ran: the heartbeat, the leases.
    expect(await readyzBecomes(port, 200, { store: 'ok', leases: 'ok' })).toMatchObject({
      status: 200,
      body: { store: 'ok', leases: 'ok' },
    });
    expect(bot.output).not.toMatch(/NOPERM|no permissions|store error/);
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
  }, 60_000);

  it('watches and posts under that user: leases, records, pacing windows, registry', async () => {
    addUser('migrate-bot-watch', 'bot-pw-2');
    const world = await startWorld();
    const rig = await startRig(world, {
      storeUrl: `redis://migrate-bot-watch:bot-pw-2@127.0.0.1:${redis.ports[0]}`,
      watcher: { keyPrefix: `migrate-bot:watch:test-${randomBytes(4).toString('hex')}:` },
    });
    try {
      const id = world.oms.addTask({ name: 'acl', status: 2 }).id;
      await rig.watcher.watch({
        teamId: 'T0FAKE001',
        channelId: 'C0ACL0001',
        connection: 'hw-prod',
        kind: 'task',
        id,
        by: 'U0ALICE01',
      });
      for (let i = 0; i < 3; i++) await rig.watcher.runCycle();
      expect(notifications(world.fakeSlack).map((n) => n.event)).toContain('parent');
      expect(rig.logs.join('\n')).not.toMatch(/NOPERM|no permissions/);
    } finally {
      await rig.stop();
      await world.stop();
    }
  }, 60_000);

  it('stops the start-up at once, naming the command, when the user lacks one', async () => {
    addUser('migrate-bot-less', 'bot-pw-3', 'zremrangebyscore');
    // "At once" is an order, not a measured time: it exits while its 30 s connect timeout still
    // runs (a bot that retried until then would outlast the 15 s wait and fail here).
    const bot = startBot({
      STORE_URL: `redis://migrate-bot-less:bot-pw-3@127.0.0.1:${redis.ports[0]}`,
      STORE_CONNECT_TIMEOUT_SECONDS: '30',
    });
    expect((await bot.exited(15_000)).code).toBe(1);
    expect(bot.stderr).toMatch(
      /^migrate-bot cannot start: the store at STORE_URL=redis:\/\/migrate-bot-less:\*\*\*@127\.0\.0\.1:\d+ cannot be used: the Redis user "migrate-bot-less" may not run ZREMRANGEBYSCORE \(NOPERM .*\)\.\nFix: give it the bot's commands and keys \(docs\/deployment\.md#redis-acl\): ACL SETUSER migrate-bot-less \+zremrangebyscore\./,
    );
    expect(bot.output).not.toContain('bot-pw-3');
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);

  it('answers 503 on /readyz, naming the command, when one is taken away while it runs', async () => {
    addUser('migrate-bot-live', 'bot-pw-4');
    const bot = startBot({ STORE_URL: `redis://migrate-bot-live:bot-pw-4@127.0.0.1:${redis.ports[0]}` });
    const port = await bot.startedPort();
    expect((await readyz(port)).status).toBe(200);
    expect(cli(redis.ports[0]!, 'ACL', 'SETUSER', 'migrate-bot-live', '-smembers')).toBe('OK');
    const refused = await readyzBecomes(port, 503);
    expect(refused).toMatchObject({ status: 503, body: { status: 'degraded', store: 'refused' } });
    expect(String(refused.body.storeProblem)).toMatch(
      /the Redis user "migrate-bot-live" may not run SMEMBERS \(NOPERM .*\): give it the bot's commands and keys .*ACL SETUSER migrate-bot-live \+smembers/,
    );
    expect(cli(redis.ports[0]!, 'ACL', 'SETUSER', 'migrate-bot-live', '+smembers')).toBe('OK');
    expect(await readyzBecomes(port, 200)).toMatchObject({ status: 200, body: { store: 'ok' } });
    bot.child.kill('SIGTERM');
    await bot.exited();
  }, 60_000);
});

describe('the bot over TLS with its settings in files', () => {
  const tlsFiles = () => ({
    STORE_URL: tlsRedis.url,
    STORE_TLS_CA_FILE: certs.ca,
    STORE_TLS_CERT_FILE: certs.clientCert,
    STORE_TLS_KEY_FILE: certs.clientKey,
    STORE_TLS_SERVERNAME: 'redis.test',
  });

  it('starts with the private CA, its client certificate and the server name, and is ready', async () => {
    const bot = startBot(tlsFiles());
    const port = await bot.startedPort();
    expect(await readyz(port)).toMatchObject({ status: 200, body: { store: 'ok' } });
    expect(bot.output).not.toContain('PRIVATE KEY');
    bot.child.kill('SIGTERM');
    expect((await bot.exited()).code).toBe(0);
  }, 60_000);

  it('stops at once on an untrusted certificate, with the fix, instead of retrying', async () => {
    const { STORE_TLS_CA_FILE: _ca, ...withoutCa } = tlsFiles();
    // Exits while its 30 s connect timeout still runs: a bot that retried would outlast the wait.
    const bot = startBot({ ...withoutCa, STORE_CONNECT_TIMEOUT_SECONDS: '30' });
    expect((await bot.exited(15_000)).code).toBe(1);
    expect(bot.stderr).toMatch(
      /cannot be used: the TLS certificate of Redis at 127\.0\.0\.1:\d+ is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)\.\nFix: set STORE_TLS_CA_FILE to the PEM file of the CA that signed it/,
    );
    expect(bot.stderr.match(/cannot start/g)).toHaveLength(1);
  }, 30_000);
});
