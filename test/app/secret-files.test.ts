import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { BotProcess } from '../harness/bot-process.js';
import { botProcesses } from '../harness/bot-processes.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../harness/test-bot.js';

/**
 * Secret files (`<NAME>_FILE`, and the files the connections file's variables name) are treated
 * alike by the bot's start-up, the connections file and the operator's tools: a symlink is followed
 * (a Kubernetes Secret volume is one), and the file it reaches is checked. Not a regular file (a
 * FIFO held the start-up for ever, deaf to SIGTERM), or a file or folder anyone may change: refused,
 * naming the setting, the path and the fix. Readable by others: read, and said once with the fix.
 * Before, every one of them was read without a word (and the FIFO never returned).
 */
const { dist, fakeSlack, scratch: dir, track } = botProcesses('secret-files');

let made = 0;
function secret(content: string, mode: number): string {
  const file = path.join(dir, `secret-${++made}`);
  writeFileSync(file, `${content}\n`);
  chmodSync(file, mode);
  return file;
}

function start(env: Record<string, string>): BotProcess {
  const cwd = mkdtempSync(path.join(dir, 'cwd-'));
  const bot = new BotProcess(
    dist,
    { SLACK_API_URL: fakeSlack.apiUrl, PORT: '0', HOST: '127.0.0.1', POLL_INTERVAL_SECONDS: '0', ...env },
    { cwd },
  );
  track(bot);
  return bot;
}

it('a FIFO is refused at once, naming the setting; the start-up does not wait on it', async () => {
  const fifo = path.join(dir, 'signing-secret.fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const bot = start({ SLACK_SIGNING_SECRET_FILE: fifo, SLACK_BOT_TOKEN: BOT_TOKEN });
  expect((await bot.exited(15_000)).code).toBe(1);
  expect(bot.stderr).toContain(`SLACK_SIGNING_SECRET_FILE must name a regular file: ${fifo} is a FIFO`);
}, 30_000);

it('a file or folder anyone may change is refused with the fix; so is the same in the connections file', async () => {
  const open = secret(SIGNING_SECRET, 0o666);
  const bot = start({ SLACK_SIGNING_SECRET_FILE: open, SLACK_BOT_TOKEN: BOT_TOKEN });
  expect((await bot.exited(15_000)).code).toBe(1);
  expect(bot.stderr).toContain(
    `SLACK_SIGNING_SECRET_FILE names a file anyone on the host can change (mode 0666): ${open}; fix: chmod 600 ${open}`,
  );

  const shared = path.join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  const token = path.join(shared, 'token');
  writeFileSync(token, BOT_TOKEN, { mode: 0o600 });
  const inShared = start({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN_FILE: token });
  expect((await inShared.exited(15_000)).code).toBe(1);
  expect(inShared.stderr).toContain(
    `SLACK_BOT_TOKEN_FILE names a file in a folder anyone on the host can change (${shared}, mode 0777)`,
  );

  const connections = path.join(dir, 'connections.yml');
  writeFileSync(connections, CONNECTIONS);
  const hwSk = secret('hw-secret-key-from-a-file', 0o646);
  const viaFile = start({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    MIGRATE_BOT_CONNECTIONS: connections,
    HW_AK: 'hw-access-key-0001',
    HW_SK_FILE: hwSk,
  });
  expect((await viaFile.exited(15_000)).code).toBe(1);
  expect(viaFile.stderr).toContain(
    `connections[0] (hw-files).auth: HW_SK_FILE names a file anyone on the host can change (mode 0646): ${hwSk}; fix: chmod 600 ${hwSk}`,
  );
}, 60_000);

it('a symlink to a file others can read: followed, read, and said once with the fix, as in the connections file', async () => {
  const real = secret(BOT_TOKEN, 0o644);
  const link = path.join(dir, 'SLACK_BOT_TOKEN');
  symlinkSync(real, link);
  const connections = path.join(dir, 'connections-ok.yml');
  writeFileSync(connections, CONNECTIONS);
  const hwSk = secret('hw-secret-key-from-a-file', 0o644);
  const bot = start({
    SLACK_SIGNING_SECRET_FILE: secret(SIGNING_SECRET, 0o600),
    SLACK_BOT_TOKEN_FILE: link,
    MIGRATE_BOT_CONNECTIONS: connections,
    HW_AK: 'hw-access-key-0001',
    HW_SK_FILE: hwSk,
  });
  await bot.waitFor(/migrate-bot started/);
  const warned = bot
    .logLines()
    .filter((l) => l.level === 'warn' && String(l.msg).startsWith('secret file:'))
    .map((l) => String(l.msg));
  expect(warned).toEqual([
    `secret file: SLACK_BOT_TOKEN_FILE names a file other users can read (mode 0644): ${link}; fix: chmod 600 ${link} (or 0440 with its group: a Kubernetes Secret volume's defaultMode, as deploy/kustomize sets)`,
    `secret file: ${connections}: connections[0] (hw-files).auth: HW_SK_FILE names a file other users can read (mode 0644): ${hwSk}; fix: chmod 600 ${hwSk} (or 0440 with its group: a Kubernetes Secret volume's defaultMode, as deploy/kustomize sets)`,
  ]);
  expect(bot.output).not.toContain(BOT_TOKEN);
  expect(bot.output).not.toContain('hw-secret-key-from-a-file');
}, 60_000);

it('the operator’s tools read secret files the same way', () => {
  const fifo = path.join(dir, 'keys.fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const keys = spawnSync(process.execPath, [path.join(dist, 'src', 'main.js'), 'keys', 'status'], {
    env: {
      PATH: process.env.PATH ?? '',
      STORE_URL: `sqlite://${path.join(dir, 'none.sqlite')}`,
      MIGRATE_BOT_ENCRYPTION_KEYS_FILE: fifo,
    },
    encoding: 'utf8',
    timeout: 15_000,
  });
  expect(keys.status).toBe(1);
  expect(keys.stderr).toContain(
    `MIGRATE_BOT_ENCRYPTION_KEYS_FILE must name a regular file: ${fifo} is a FIFO`,
  );
});

const CONNECTIONS = `connections:
  - name: hw-files
    provider: huawei-oms
    endpoint: https://oms.cn-north-4.myhuaweicloud.com
    projectId: 0215ef11e49d4743be23dd97a1560001
    auth: { type: aksk, accessKeyEnv: HW_AK, secretKeyEnv: HW_SK }
`;
