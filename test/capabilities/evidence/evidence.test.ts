import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { type TrustedKey, verifyBundle } from '../../../src/capabilities/evidence/bundle-format.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { advanceWhileRunning } from '../../harness/oms-running.js';
import { prefixDetails } from '../../harness/request-details.js';
import {
  BOT_TOKEN,
  buttons,
  DST_SK,
  HW_AK,
  HW_SK,
  messageText,
  ncpConnection,
  omsConnection,
  SIGNING_SECRET,
  SRC_SK,
  TestBot,
  upcloudConnection,
} from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';

// Issue 78, the evidence bundle: a migration's whole story in one file, signed with Ed25519 by
// the first key of MIGRATE_BOT_EVIDENCE_KEYS, built from what the bot stored, asked for through
// Slack (a signed /migrate command, the button under the verification post) and the API, and
// checked offline by `migrate-bot evidence verify` and by the openssl recipe of docs/evidence.md.

const execFileAsync = promisify(execFile);
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0EVIDENCE';
const APPROVALS = 'C0EVAPPROV';
const APPROVER = 'U0EVAPPROV';
const BOB = 'U0EVIDBOB';
const VIEWER = 'U0EVVIEWER';
const NCP_AK = 'NCPEVIDENCEACCESSKEY1';
const NCP_SK = 'ncp-evidence-secret-key-00000000000001';
const SERVICE = '1200ecde-db95-4d1d-9c2c-00000000e78e';
const UC_TOKEN = 'ucat_01EVIDENCE78TOKEN00000000000001';
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const ENCRYPTION = randomBytes(32).toString('base64');
const source = { name: 'ev-src', accessKey: 'EVIDENCESOURCEKEY001', secretKey: 'evidence-source-secret-1' };
/** A name an outsider chose: a mention, markup, a CSV formula and a control character. */
const NASTY = '<!channel> *ev* =HYPERLINK("x")\u0007';
const DETAILS = prefixDetails({ description: 'photos to OBS' });

const clock = new TestClock();
const t = new TestBot();
const ix = new Interactions(t);
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [UC_TOKEN] });
let views: ViewTracker;
const tokens: string[] = [];
let trusted: TrustedKey[] = [];

async function call(pathname: string, token?: string) {
  const response = await fetch(`${t.url}${pathname}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function addToken(words: string): Promise<string> {
  const answer = messageText(await t.ask(`token add ${words}`, { channelId: CHANNEL }));
  const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)?.[1];
  expect(token, answer).toBeDefined();
  tokens.push(token!);
  return token!;
}

/** Cycles, moving `advance` on, until `done` (bounded in time: deliveries go at Slack's pace). */
async function cyclesUntil<T>(what: string, advance: () => void, done: () => Promise<T | undefined>) {
  return until(
    async () => {
      const found = await done();
      if (found !== undefined) return found;
      advance();
      clock.advance(30_000);
      await t.bot.deps.watcher.runCycle();
      return undefined;
    },
    { what, timeoutMs: 60_000, everyMs: 50 },
  );
}

const verificationPost = (id: string) =>
  t.fakeSlack
    .callsTo('chat.postMessage')
    .filter((c) => c.body.thread_ts && messageText(c.body).includes('Verification of'))
    .filter((c) => JSON.stringify(c.body).includes(id))
    .at(-1);

const parts = (text: string) => {
  const checked = verifyBundle(text, trusted);
  if (!checked.ok) throw new Error(checked.why);
  return Object.fromEntries(checked.parts.map((p) => [p.name, p.bytes.toString('utf8')]));
};

beforeAll(async () => {
  await Promise.all([ncp.start(), upcloud.start()]);
  await t.start({
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      ncpConnection(ncp.url, { accessKey: NCP_AK, secretKey: NCP_SK }, source),
      upcloudConnection(upcloud.url, SERVICE, UC_TOKEN, source),
    ],
    env: {
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_EVIDENCE_KEYS: `k2:${K2},k1:${K1}`,
      MIGRATE_BOT_ENCRYPTION_KEYS: `e1:${ENCRYPTION}`,
    },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
  for (const sim of [t.oms, ncp, upcloud]) sim.clock.freeze();
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`, { channelId: CHANNEL });
  await t.ask(`access grant <@${APPROVER}> approver`, { channelId: CHANNEL });
  await t.ask(`access grant <@${BOB}> operator`, { channelId: CHANNEL });
  await t.ask('policy add no-eu deny-regions=eu-*', { channelId: CHANNEL });
  trusted = ((await call('/api/v1/evidence-keys')).body.keys as TrustedKey[]) ?? [];
}, 60_000);
afterAll(async () => {
  await t.stop();
  await Promise.all([ncp.stop(), upcloud.stop()]);
});

describe('the evidence bundle of an OMS run with a retry and a sign-off', { timeout: 120_000 }, () => {
  let taskId = '';
  let slackBundle = '';

  beforeAll(async () => {
    // Asked for through the API, approved in Slack, guarded by a rule.
    const operator = await addToken(`ev-requester operator <#${CHANNEL}|ev>`);
    const since = t.fakeSlack.calls.length;
    const asked = await fetch(`${t.url}/api/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection: 'hw-prod', kind: 'task', details: DETAILS }),
    });
    expect(asked.status, await asked.clone().text()).toBe(202);
    const posted = await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
    expect(await decideApproval(t, ix, { ...posted, channel: APPROVALS }, 'approve', APPROVER)).toContain(
      'Approved',
    );
    const request = (await call(`/api/v1/requests/${posted.id}`, operator)).body;
    taskId = String((request.resource as { id: string }).id);
    // The first run fails part-way; it is resumed (the retry) and succeeds.
    Object.assign(t.oms.task(taskId)!, {
      failAt: 0.3,
      failCode: 'OMS.0153',
      totalSize: 600 * 1024 ** 2,
    });
    await cyclesUntil('the first run failed', advanceWhileRunning(t.oms, taskId), async () =>
      (await t.bot.deps.watcher.list(TEAM)).find(
        (r) => r.watch.id === taskId && r.snapshot.state === 'failed',
      ),
    );
    expect(messageText(await t.ask(`resume ${taskId}`, { userId: BOB, channelId: CHANNEL }))).not.toContain(
      'cannot',
    );
    const post = await cyclesUntil(
      'the retry’s verification',
      advanceWhileRunning(t.oms, taskId),
      async () => {
        const found = verificationPost(taskId);
        return found && buttons(found.body).some((b) => b.text === 'Sign off') ? found : undefined;
      },
    );
    const sign = buttons(post.body).find((b) => b.text === 'Sign off')!;
    const before = views.shown.length;
    await t.click(sign.action_id, sign.value, { userId: BOB, channelId: CHANNEL });
    await t.settled();
    const submitted = await ix.submit(
      views.shown[before]!,
      { 'signoff-note': `spot-checked 20 ${NASTY}` },
      { userId: BOB },
    );
    expect(submitted.status).toBe(200);
    await t.settled();
  }, 120_000);

  it('is one file in the card’s thread, asked for by a viewer with /migrate evidence', async () => {
    const before = t.fakeSlack.files.uploads.length;
    const answer = messageText(await t.ask(`evidence ${taskId}`, { userId: VIEWER, channelId: CHANNEL }));
    expect(answer).toContain('signed with key `k2`');
    expect(answer).toContain('9 parts');
    const uploads = t.fakeSlack.files.uploads.slice(before);
    expect(uploads).toHaveLength(1);
    const file = uploads[0]!;
    const card = t.fakeSlack
      .callsTo('chat.postMessage')
      .find(
        (c) => c.body.channel === CHANNEL && !c.body.thread_ts && JSON.stringify(c.body).includes(taskId),
      );
    expect(file.channel).toBe(CHANNEL);
    expect(file.threadTs).toBe(card?.ts);
    expect(file.filename).toBe(`evidence-hw-prod-${taskId}.json`);
    slackBundle = file.bytes.toString('utf8');
    const p = parts(slackBundle);
    const requests = JSON.parse(p['request.json']!) as { requests: Record<string, unknown>[] };
    expect(requests.requests[0]).toMatchObject({
      id: expect.any(String),
      approvers: [APPROVER],
      status: 'approved',
    });
    const guardrails = JSON.parse(p['guardrails.json']!) as { decisions: Record<string, unknown>[] };
    expect(guardrails.decisions).toContainEqual(
      expect.objectContaining({ rule: 'no-eu', source: 'slack', outcome: 'passed' }),
    );
    const runs = JSON.parse(p['runs.json']!) as { run: number; ended: string; id: string; code?: string }[];
    expect(runs.map((r) => [r.id, r.run, r.ended])).toEqual([
      [taskId, 1, 'failed'],
      [taskId, 2, 'succeeded'],
    ]);
    expect(runs[0]!.code).toBe('OMS.0153');
    const signoffs = JSON.parse(p['signoffs.json']!) as { signoffs: Record<string, unknown>[] };
    expect(signoffs.signoffs).toEqual([
      expect.objectContaining({ by: BOB, note: `spot-checked 20 ${NASTY}`, run: 2 }),
    ]);
    const preflight = JSON.parse(p['preflight.json']!) as Record<string, unknown>[];
    expect(preflight[0]).toHaveProperty('preflight');
    const audit = JSON.parse(p['audit.json']!) as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['create.approve', 'resume', 'verify-signoff']),
    );
    // The outsider's name is data: escaped in JSON, never markup in what Slack shows.
    expect(p['signoffs.json']).toContain('\\u0007');
    expect(p['signoffs.json']).not.toContain('\u0007');
    expect(answer).not.toContain('<!channel>');
  });

  it('is the same bytes through the API, the button and the CLI, and verifies', async () => {
    const viewer = await addToken(`ev-viewer viewer <#${CHANNEL}|ev>`);
    const api = await call(`/api/v1/evidence/hw-prod:${taskId}`, viewer);
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    expect(api.body).toMatchObject({ keyId: 'k2', subject: `hw-prod:task:${taskId}` });
    expect(api.body.text).toBe(slackBundle);
    const post = verificationPost(taskId)!;
    const button = buttons(post.body).find((b) => b.text === 'Evidence bundle')!;
    const before = t.fakeSlack.files.uploads.length;
    await t.click(button.action_id, button.value, { userId: VIEWER, channelId: CHANNEL });
    await until(() => t.fakeSlack.files.uploads.length > before || undefined, { what: 'the button’s file' });
    expect(t.fakeSlack.files.uploads.at(-1)!.bytes.toString('utf8')).toBe(slackBundle);
    expect(verifyBundle(slackBundle, trusted)).toMatchObject({ ok: true, keyId: 'k2' });
  });

  it('fails verification after any byte changes, and with a key not listed', () => {
    const bytes = Buffer.from(slackBundle, 'utf8');
    let passed = 0;
    // Every byte of the layout's ends (format, manifest, signature) and every 7th of the parts: a
    // change anywhere in the file's layout or a part's base64 fails (every byte took 20 s here).
    const positions = [...bytes.keys()].filter((i) => i < 300 || i > bytes.length - 1_200 || i % 7 === 0);
    for (const i of positions) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i]! ^ 0x01;
      if (verifyBundle(changed.toString('latin1'), trusted).ok) passed++;
    }
    expect(passed).toBe(0);
    expect(verifyBundle(`${slackBundle}\n`, trusted).ok).toBe(false);
    const onlyK1 = trusted.filter((k) => k.keyId === 'k1');
    expect(verifyBundle(slackBundle, onlyK1)).toMatchObject({
      ok: false,
      why: 'signed by key k2, which is not among the listed keys',
    });
    // Another key under the listed id: the signature does not match it.
    const forged = trusted.map((k) =>
      k.keyId === 'k2' ? { ...k, pem: trusted.find((x) => x.keyId === 'k1')!.pem } : k,
    );
    expect(verifyBundle(slackBundle, forged).ok).toBe(false);
  });

  it('holds no secret: none of the configured ones, in the file or any part', () => {
    const secrets = [
      SIGNING_SECRET,
      BOT_TOKEN,
      HW_AK,
      HW_SK,
      SRC_SK,
      DST_SK,
      NCP_SK,
      UC_TOKEN,
      K1,
      K2,
      ENCRYPTION,
    ];
    // A token is `mbt_<id>_<secret>`; its secret may hold `_` itself (base64url), so it is all
    // after the second `_`, never a short fragment that could occur in any text by chance.
    secrets.push(source.secretKey, ...tokens, ...tokens.map((x) => x.split('_').slice(2).join('_')));
    const texts = [slackBundle, ...Object.values(parts(slackBundle))];
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret), secret).toBe(false);
  });

  it('checks with the openssl recipe of docs/evidence.md, as written there, and fails once changed', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/evidence.md'), 'utf8');
    const recipe = /<!-- recipe:start -->\n```sh\n([\s\S]*?)```\n<!-- recipe:end -->/.exec(doc)?.[1];
    expect(recipe).toBeDefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-'));
    try {
      for (const k of trusted) writeFileSync(path.join(dir, `${k.keyId}.pem`), k.pem);
      writeFileSync(path.join(dir, 'bundle.json'), slackBundle);
      const out = execFileSync('sh', ['-c', recipe!], { cwd: dir, encoding: 'utf8' });
      expect(out).toContain('Signature Verified Successfully');
      expect(out).toContain('bundle verified with key k2: 9 parts');
      // A part changed (its base64 still well formed): its SHA-256 is not the manifest's.
      const tampered = slackBundle.replace(
        /^("runs\.json":")(.)/m,
        (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'),
      );
      const other = path.join(dir, 'tampered');
      mkdirSync(other);
      for (const k of trusted) writeFileSync(path.join(other, `${k.keyId}.pem`), k.pem);
      writeFileSync(path.join(other, 'bundle.json'), tampered);
      expect(() => execFileSync('sh', ['-c', recipe!], { cwd: other, stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The CLI compiled alone (it imports nothing of the bot but the bundle's format), run as a process. */
function compiledCli(): string {
  const root = path.join(import.meta.dirname, '../../..');
  const out = path.join(root, 'test-artifacts', `evidence-cli-${process.pid}`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [
    tsc,
    path.join(root, 'src/cli/client.ts'),
    ...['--outDir', out, '--rootDir', path.join(root, 'src'), '--module', 'nodenext'],
    ...['--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--noCheck'],
  ]);
  return path.join(out, 'cli', 'client.js');
}

/** The CLI as a process, without blocking this one (the bot it asks runs here). */
async function cliRun(cli: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await execFileAsync(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
}

describe('the evidence bundle of an NCP policy and an UpCloud job', { timeout: 120_000 }, () => {
  it('NCP: asked for with /migrate evidence, one file that verifies', async () => {
    ncp.addPolicy({
      title: 'ev-ncp',
      jobState: 'STARTED',
      totalSize: 100 * 1024 ** 2,
      totalObjects: 40,
      skippedSize: 10 * 1024 ** 2,
      skippedObjects: 4,
      progress: 0.5,
      speed: 100 * 1024 ** 2,
    });
    await t.ask(`watch ncp-kr:ev-ncp <#${CHANNEL}|ev>`, { channelId: CHANNEL });
    // Small steps: NCP's gateway refuses a request whose timestamp is minutes off its clock.
    await cyclesUntil(
      'the NCP verification',
      () => ncp.clock.advance(1_000),
      async () => verificationPost('ev-ncp'),
    );
    const before = t.fakeSlack.files.uploads.length;
    const answer = messageText(await t.ask('evidence ncp-kr:ev-ncp', { userId: VIEWER, channelId: CHANNEL }));
    expect(answer).toContain('signed with key `k2`');
    const file = t.fakeSlack.files.uploads.slice(before);
    expect(file).toHaveLength(1);
    const p = parts(file[0]!.bytes.toString('utf8'));
    const runs = JSON.parse(p['runs.json']!) as {
      provider: string;
      ended: string;
      report: { objects: unknown };
    }[];
    expect(runs).toEqual([
      expect.objectContaining({
        provider: 'ncp',
        ended: 'succeeded',
        report: expect.objectContaining({ basis: 'estimate' }),
      }),
    ]);
  });

  it('UpCloud: through the API and the CLI as a process: get, keys, verify; a changed byte and an unlisted key fail', async () => {
    const job = upcloud.addJob({ name: 'ev-up', serviceId: SERVICE, status: 'running', progress: 0.5 });
    await t.ask(`watch up-fi:${job.uuid} <#${CHANNEL}|ev>`, { channelId: CHANNEL });
    await cyclesUntil(
      'the UpCloud verification',
      () => upcloud.clock.advance(3_600_000),
      async () => verificationPost(job.uuid),
    );
    const viewer = await addToken(`ev-cli viewer <#${CHANNEL}|ev>`);
    const cli = compiledCli();
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-cli-'));
    try {
      const env = { MIGRATE_BOT_URL: t.url, MIGRATE_BOT_TOKEN: viewer };
      const keys = await cliRun(cli, ['evidence', 'keys'], env);
      expect(keys.code, keys.stderr).toBe(0);
      writeFileSync(path.join(dir, 'keys.json'), keys.stdout);
      const bundle = path.join(dir, 'bundle.json');
      const got = await cliRun(cli, ['evidence', 'get', `up-fi:${job.uuid}`, '--out', bundle], env);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain('signed with key k2');
      const text = readFileSync(bundle, 'utf8');
      expect(JSON.parse(parts(text)['runs.json']!)).toEqual([
        expect.objectContaining({ provider: 'upcloud', id: job.uuid, ended: 'succeeded' }),
      ]);
      const verified = await cliRun(
        cli,
        ['evidence', 'verify', bundle, '--keys', path.join(dir, 'keys.json')],
        {},
      );
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout).toContain(`verified: up-fi:job:${job.uuid}, signed with key k2`);
      // One byte of a part's base64 changed.
      const at = text.indexOf('"runs.json":"') + 20;
      writeFileSync(bundle, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
      const changed = await cliRun(
        cli,
        ['evidence', 'verify', bundle, '--keys', path.join(dir, 'keys.json')],
        {},
      );
      expect(changed.code).toBe(1);
      expect(changed.stderr).toContain('NOT verified');
      writeFileSync(bundle, text);
      const onlyK1 = JSON.stringify({ keys: trusted.filter((k) => k.keyId === 'k1') });
      writeFileSync(path.join(dir, 'k1.json'), onlyK1);
      const unlisted = await cliRun(
        cli,
        ['evidence', 'verify', bundle, '--keys', path.join(dir, 'k1.json')],
        {},
      );
      expect(unlisted.code).toBe(1);
      expect(unlisted.stderr).toContain('signed by key k2, which is not among the listed keys');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(path.dirname(path.dirname(cli)), { recursive: true, force: true });
    }
  });
});

describe('the evidence bundle of a plan', { timeout: 60_000 }, () => {
  it('holds each chain of its migrations and the plan, through Slack and the API', async () => {
    const made = messageText(await t.ask('plan new ev-estate', { channelId: CHANNEL }));
    const id = /`(p[0-9a-f]{6})`/.exec(made)?.[1];
    expect(id, made).toBeDefined();
    expect(messageText(await t.ask(`plan add ${id} ncp-kr:ev-ncp`, { channelId: CHANNEL }))).toContain(
      'wave 1',
    );
    const before = t.fakeSlack.files.uploads.length;
    const answer = messageText(await t.ask(`evidence plan ${id}`, { userId: VIEWER, channelId: CHANNEL }));
    expect(answer).toContain('10 parts');
    const file = t.fakeSlack.files.uploads.slice(before)[0]!;
    expect(file.filename).toBe(`evidence-plan-${id}.json`);
    const p = parts(file.bytes.toString('utf8'));
    expect(JSON.parse(p['plan.json']!)).toMatchObject({ id, name: 'ev-estate' });
    expect(JSON.parse(p['runs.json']!)).toEqual([expect.objectContaining({ id: 'ev-ncp', provider: 'ncp' })]);
    const viewer = await addToken(`ev-plan viewer <#${CHANNEL}|ev>`);
    const api = await call(`/api/v1/evidence/plan:${id}`, viewer);
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    expect(api.body.text).toBe(file.bytes.toString('utf8'));
    expect((await call('/api/v1/evidence/plan:p000000', viewer)).status).toBe(404);
  });
});

describe('a bot without a signing key', { timeout: 60_000 }, () => {
  const bare = new TestBot();
  beforeAll(async () => {
    await bare.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await bare.stop();
  });

  it('refuses, naming the setting, and signs nothing with a key of its own', async () => {
    const task = bare.oms.addTask({ name: 'no-key', status: 5, progress: 1, totalNum: 3 });
    const before = bare.fakeSlack.files.uploads.length;
    const answer = messageText(await bare.ask(`evidence ${task.id}`, { channelId: CHANNEL }));
    expect(answer).toContain('no signing key');
    expect(answer).toContain('MIGRATE_BOT_EVIDENCE_KEYS');
    expect(bare.fakeSlack.files.uploads.length).toBe(before);
    const keys = await fetch(`${bare.url}/api/v1/evidence-keys`);
    expect(await keys.json()).toEqual({ keys: [] });
  });
});
