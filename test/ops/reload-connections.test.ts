import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { BotProcess } from '../harness/bot-process.js';
import { compileBot } from '../harness/compiled-bot.js';
import { FORM, postSigned, slashCommandBody } from '../harness/slack-requests.js';
import { BOT_TOKEN, HW_AK, HW_SK, PROJECT_ID, SIGNING_SECRET } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

/**
 * Issue 40 §5 "Reload the connections file": the compiled bot reads MIGRATE_BOT_CONNECTIONS again
 * on SIGHUP, as Alertmanager does on /-/reload. What changed is logged by name (never a secret),
 * `/migrate connections` shows it at once, and a file that does not load keeps the connections in
 * use with one error line. The process keeps running throughout (SIGHUP's default would end it).
 */
let dist: string;
let fakeSlack: FakeSlack;
const scratch = mkdtempSync(path.join(tmpdir(), 'mb-reload-'));
const file = path.join(scratch, 'connections.yml');
const ROTATED_SK = 'hw-rotated-secret-key-0000000000000000002';
let bot: BotProcess;
let port = 0;

function connection(name: string, endpoint: string, secretKeyEnv = 'HW_SK'): string {
  return (
    `  - name: ${name}\n    provider: huawei-oms\n    endpoint: ${endpoint}\n    projectId: ${PROJECT_ID}\n` +
    `    auth: { type: aksk, accessKeyEnv: HW_AK, secretKeyEnv: ${secretKeyEnv} }\n`
  );
}

beforeAll(async () => {
  dist = compileBot();
  fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN }).start();
  writeFileSync(
    file,
    `connections:\n${connection('hw-one', 'http://127.0.0.1:9/')}${connection('hw-gone', 'http://127.0.0.1:9/')}`,
  );
  bot = new BotProcess(
    dist,
    {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fakeSlack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      STORE_URL: 'memory://',
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_CONNECTIONS: file,
      HW_AK,
      HW_SK,
      HW_SK_ROTATED: ROTATED_SK,
    },
    { cwd: scratch },
  );
  port = await bot.startedPort();
}, 200_000);
afterAll(async () => {
  await bot?.kill();
  await fakeSlack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

let asked = 0;
async function connectionsListed(): Promise<string> {
  const responseId = `reload-${++asked}`;
  const body = slashCommandBody({ text: 'connections', response_url: fakeSlack.responseUrl(responseId) });
  const http = await postSigned(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, body, FORM);
  expect(http.status).toBe(200);
  const [answer] = await fakeSlack.waitFor(() => {
    const found = fakeSlack.responsesTo(responseId);
    return found.length > 0 ? found : undefined;
  });
  return JSON.stringify(answer!.body);
}

const lines = (msg: string) => bot.logLines().filter((l) => l.msg === msg);

/** Sends SIGHUP and waits (bounded) for the n-th line with `msg`. */
async function hangUp(msg: string, nth: number): Promise<Record<string, unknown>> {
  bot.child.kill('SIGHUP');
  await until(() => lines(msg).length >= nth, { what: msg, everyMs: 25 }).catch(() => undefined);
  const line = lines(msg)[nth - 1];
  if (!line) throw new Error(`no "${msg}" after SIGHUP; output:\n${bot.output.slice(-3000)}`);
  return line;
}

describe('SIGHUP', () => {
  it('reloads the connections file: added, removed and changed names logged, and used at once', async () => {
    const before = await connectionsListed();
    expect(before).toContain('hw-one');
    expect(before).toContain('hw-gone');

    // hw-one's key is rotated (same names, another secret), hw-gone goes, hw-new comes.
    writeFileSync(
      file,
      `connections:\n${connection('hw-one', 'http://127.0.0.1:9/', 'HW_SK_ROTATED')}${connection('hw-new', 'http://127.0.0.1:10/')}`,
    );
    const reloaded = await hangUp('connections file reloaded', 1);
    expect(reloaded).toMatchObject({
      level: 'info',
      added: ['hw-new'],
      removed: ['hw-gone'],
      changed: ['hw-one'],
    });
    const after = await connectionsListed();
    expect(after).toContain('hw-new');
    expect(after).not.toContain('hw-gone');
    expect(bot.child.exitCode).toBeNull();
    expect(bot.output).not.toContain(HW_SK);
    expect(bot.output).not.toContain(ROTATED_SK);
  }, 60_000);

  it('keeps the connections in use when the new file does not load, with one clear error line', async () => {
    const errorsBefore = bot.logLines().filter((l) => l.level === 'error').length;
    writeFileSync(
      file,
      `connections:\n${connection('hw-broken', 'http://127.0.0.1:9/', 'NOT_SET_ANYWHERE')}`,
    );
    const refused = await hangUp('connections file not reloaded: the connections in use are kept', 1);
    expect(refused).toMatchObject({ level: 'error', file });
    expect(String(refused.problem)).toContain('environment variable NOT_SET_ANYWHERE is not set');
    expect(bot.logLines().filter((l) => l.level === 'error')).toHaveLength(errorsBefore + 1);
    const listed = await connectionsListed();
    expect(listed).toContain('hw-one');
    expect(listed).toContain('hw-new');
    expect(listed).not.toContain('hw-broken');
    expect(bot.child.exitCode).toBeNull();
  }, 60_000);
});
