import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../src/capabilities/api/openapi.json' with { type: 'json' };
import { ResourceTitles } from '../../src/resources/resource-titles.js';
import { windowWorld } from '../capabilities/windows/window-world.js';
import { compileBot } from '../harness/compiled-bot.js';
import { messageText, omsConnection, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';

/**
 * Issues 73 (item 5) and 74 (items 8, 9, 10, 15): `migrate-bot`, the compiled CLI the package's
 * `bin` names, run as a process against the bot's HTTP API on loopback.
 */
const CHANNEL = 'C0CLIPROC';
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = new TestBot();
const { cycles, runningWatched } = windowWorld(t, CHANNEL);
const scratch = mkdtempSync(path.join(tmpdir(), 'mb-cli-'));
let client: string;

const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi.json', ...openapi });
const problem = ajv.getSchema('openapi.json#/components/schemas/Problem')!;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a process (asynchronously: the bot answering it runs in this one). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [client, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: path.join(scratch, 'nobody'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`migrate-bot ${args.join(' ')} did not end within 20 s: ${stdout}${stderr}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function addToken(words: string): Promise<string> {
  const answer = messageText(await t.ask(`token add ${words}`, { channelId: CHANNEL }));
  const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)?.[1];
  expect(token, answer).toBeDefined();
  return token!;
}

/** The characters a terminal would obey (ESC, CR, CSI, a bidi override) found raw in `text`. */
const raw = (text: string) => [...text].filter((c) => '\u001b\r\u009b\u202e'.includes(c));

let viewer: string;
const as = (token: string) => ({ MIGRATE_BOT_URL: t.url, MIGRATE_BOT_TOKEN: token });

beforeAll(async () => {
  client = path.join(compileBot(), 'src', 'cli', 'client.js');
  await t.start({
    connections: (omsUrl) => [{ ...omsConnection('hw-prod', omsUrl), team: 'T0FAKE001' }],
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
  viewer = await addToken(`cli-proc-viewer viewer <#${CHANNEL}|ops>`);
}, 300_000);

afterAll(async () => {
  await t.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('inert terminal output', () => {
  it('prints a name with escape sequences as text, never as commands to the terminal', async () => {
    const id = await runningWatched('copy\u001b[2K\rdone: succeeded \u009b31m\u202e');
    for (const args of [['list'], ['status', id]]) {
      const ran = await cli(args, as(viewer));
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toContain(`${id}  running`);
      expect(ran.stdout).toContain('copy\\x1b[2K\\x0ddone: succeeded \\x9b31m\\u202e');
      expect(raw(ran.stdout)).toEqual([]);
    }
    // --json stays JSON that gives the name back exactly, with nothing raw in it either.
    const json = await cli(['status', id, '--json'], as(viewer));
    expect(raw(json.stdout)).toEqual([]);
    expect((JSON.parse(json.stdout) as { name: string }).name).toBe(
      'copy\u001b[2K\rdone: succeeded \u009b31m\u202e',
    );
  });

  it("prints a server's error detail inert", async () => {
    const ran = await cli(['status', 'x\u001b[2Kx'], as(viewer));
    expect(ran.code).not.toBe(0);
    expect(ran.stderr.length).toBeGreaterThan(0);
    expect(raw(ran.stderr)).toEqual([]);
  });
});

describe('the settings file', () => {
  function home(mode: number): string {
    const dir = mkdtempSync(path.join(scratch, 'home-'));
    mkdirSync(path.join(dir, '.config', 'migrate-bot'), { recursive: true });
    const file = path.join(dir, '.config', 'migrate-bot', 'cli.json');
    writeFileSync(file, JSON.stringify({ url: t.url, token: viewer }));
    chmodSync(file, mode);
    return dir;
  }

  it('refuses one anyone on the host can change, warns of one others can read, uses a private one quietly', async () => {
    const open = await cli(['list'], { HOME: home(0o666) });
    expect(open.code).toBe(2);
    expect(open.stdout).toBe('');
    expect(open.stderr).toMatch(
      /Refusing the CLI's settings file: it is a file anyone on the host can change \(mode 0666\): .*cli\.json; fix: chmod 600 /,
    );
    expect(open.stderr).not.toContain(viewer);

    const readable = await cli(['list'], { HOME: home(0o644) });
    expect(readable.code).toBe(0);
    expect(readable.stderr).toMatch(
      /^warning: the CLI's settings file is a file other users can read \(mode 0644\).*chmod 600/,
    );

    const quiet = await cli(['list'], { HOME: home(0o600) });
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('--help', () => {
  it('prints the commands, the settings and the exit codes on stdout, and exits 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const ran = await cli(args);
      expect(ran.code).toBe(0);
      expect(ran.stderr).toBe('');
      for (const word of [
        'MIGRATE_BOT_URL',
        'MIGRATE_BOT_TOKEN',
        'cli.json',
        'Exit codes',
        '/migrate token add',
      ])
        expect(ran.stdout).toContain(word);
      for (let code = 0; code <= 8; code++) expect(ran.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    }
    // A mistake is still a usage error, on stderr.
    const wrong = await cli(['frobnicate'], as(viewer));
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
  });
});

describe('the state filter', () => {
  it('takes the words /migrate list takes (waiting is queued), and refuses others naming them', async () => {
    const queued = t.oms.addTask({ name: 'cli-queued', status: 1, progress: 0, totalSize: 1024 ** 3 });
    await t.ask(`watch ${queued.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    await cycles(1);

    const waiting = await cli(['list', '--state', 'waiting'], as(viewer));
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toContain(`${queued.id}  queued`);
    expect(waiting.stdout).not.toContain('running');

    const typo = await cli(['list', '--state', 'runing'], as(viewer));
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toContain('`runing` is not a state. Use one of: all, waiting, queued,');

    const api = await fetch(`${t.url}/api/v1/resources?state=runing`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(api.status).toBe(400);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const body = (await api.json()) as Record<string, unknown>;
    expect(problem(body), JSON.stringify(problem.errors)).toBe(true);
    expect(String(body.detail)).toContain('waiting, queued, pending, running');

    const listed = await fetch(`${t.url}/api/v1/resources?state=WAITING`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const items = ((await listed.json()) as { items: { id: string; state: string }[] }).items;
    expect(items.map((r) => r.id)).toContain(queued.id);
    expect(items.every((r) => r.state === 'queued')).toBe(true);
  });
});

describe("a viewer token's refusal", () => {
  it('says what would work: an operator token an admin makes, not `access grant`', async () => {
    const id = await runningWatched('cli-refused');
    const ran = await cli(['pause', id], as(viewer));
    expect(ran.code).toBe(4);
    expect(ran.stderr).toContain('This API token is a viewer token');
    expect(ran.stderr).toContain('/migrate token add <name> operator');
    expect(ran.stderr).not.toContain('access grant');
    expect(t.oms.task(id)!.status).toBe(2);
  });
});

describe('one migration, one name', () => {
  it('shows the title Slack shows, with the provider name beside it', async () => {
    const task = t.oms.addTask({
      name: 'task_1795650490367_9',
      status: 2,
      progress: 0.2,
      totalSize: 1024 ** 3,
    });
    await t.bot.deps.watcher.watch({
      teamId: 'T0FAKE001',
      channelId: CHANNEL,
      connection: 'hw-prod',
      kind: 'task',
      id: task.id,
      by: 'U0ALICE01',
      origin: { request: 'f745d13d77', title: 'video 2024 to OBS' },
    });
    // What an approval keeps beside the watch (create-approved.ts), which Slack's status reads.
    await new ResourceTitles(t.bot.deps.store).note(
      'T0FAKE001',
      { connection: 'hw-prod', kind: 'task', id: task.id },
      'video 2024 to OBS',
    );
    await cycles(1);
    const slack = messageText(await t.ask(`status ${task.id}`, { channelId: CHANNEL }));
    expect(slack).toContain('video 2024 to OBS');
    const status = await cli(['status', task.id], as(viewer));
    expect(status.stdout).toContain('video 2024 to OBS (task_1795650490367_9)');
    const list = await cli(['list', '--json'], as(viewer));
    const item = (JSON.parse(list.stdout) as { items: Record<string, unknown>[] }).items.find(
      (r) => r.id === task.id,
    );
    expect(item).toMatchObject({ name: 'task_1795650490367_9', displayName: 'video 2024 to OBS' });
  });
});
