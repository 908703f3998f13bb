import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { Interactions } from '../../harness/interactions.js';
import { HW_AK, HW_SK, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { guardedRequests, writeGuardedFile } from './guardrails-world.js';

// Attacks on the guardrails, through signed requests on two replicas sharing one Redis: a rule
// that tightens a request already waiting for its approval must hold at that approval.
const storeUrl = replicaRedisUrl();
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const low = suffix.toLowerCase();
const TEAM = `T0GX${suffix}`;
const CHANNEL = 'C0GUARDX1';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0GXOPER1';
const APPROVER = 'U0GXAPPR1';
const SECOND = 'U0GXAPPR2';
const C = { late: `gx-l-${low}` };
const BASE = Date.parse('2026-11-25T09:00:00Z');
const clocks = [new TestClock(() => BASE), new TestClock(() => BASE)];
const a = new TestBot();
const b = new TestBot();
const ixA = new Interactions(a);
const ixB = new Interactions(b);
const dir = mkdtempSync(path.join(tmpdir(), 'guardrails-attacks-'));
const file = path.join(dir, 'connections.yml');
const TIB = 2 ** 40;

const POLICIES = `policies:
  - id: file-residency
    scope: { connections: [${C.late}] }
    regions: { allow: [cn-north-4] }
`;

function writeFile(omsUrl: string): void {
  writeGuardedFile(file, { env: 'GX', team: TEAM, names: Object.values(C), omsUrl, policies: POLICIES });
}

beforeAll(async () => {
  process.env.GX_HW_AK = HW_AK;
  process.env.GX_HW_SK = HW_SK;
  writeFile('http://127.0.0.1:1');
  const connections = (url: string) =>
    Object.values(C).map((name) => omsConnection(name, url, { team: TEAM }));
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_CONNECTIONS: file };
  // The plan card is edited as often as the test moves it (no edit budget deferring it).
  const watcher = { editBudget: { windowMs: 10_000, max: 1000 } };
  await a.start({ env, connections, clock: clocks[0]!, watcher });
  await b.start({
    env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
    connections: () => connections(a.oms.url),
    clock: clocks[1]!,
    watcher,
  });
  a.oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'gm-bucket',
    objects: [{ key: 'small/a.txt', size: 1_048_576 }],
  });
  const who = { teamId: TEAM };
  await a.ask(`access grant <@${OPERATOR}|oper> operator`, who);
  for (const user of [APPROVER, SECOND]) await a.ask(`access grant <@${user}|appr> approver`, who);
}, 60_000);
afterAll(async () => {
  await approvalsOf(a.bot.deps)
    .records.forget(TEAM)
    .catch(() => undefined);
  await Promise.allSettled([a.stop(), b.stop()]);
  await dropRedisKeys(storeUrl, suffix);
  rmSync(dir, { recursive: true, force: true });
});

const { posted, press } = guardedRequests({
  team: TEAM,
  channel: CHANNEL,
  requester: OPERATOR,
  tag: 'gx',
  name: 'more',
  source: { bucket: 'gm-bucket', prefix: 'small/', objects: 10 },
  a,
  ixA,
  ixB,
});

describe('a rule added while a request waits for its approval', () => {
  it('asks the approval for as many approvers as the rule says now', async () => {
    const first = await posted(C.late, { tib: 50 });
    expect(first.record.needs).toBeUndefined();
    const admin = { teamId: TEAM, userId: ADMIN };
    const added = await a.ask(
      `policy add two-late-${low} approvers=2 above=40TiB connections=${C.late}`,
      admin,
    );
    expect(messageText(added)).toContain(`two-late-${low}`);
    const said = await press(b, first.posted, APPROVER);
    expect(said).toMatch(/1 of 2/);
    expect((await approvalsOf(a.bot.deps).records.get(TEAM, first.record.id))?.status).toBe('pending');
    expect(a.oms.tasks.size).toBe(0);
    // The second approver, someone else, decides it.
    await press(a, first.posted, SECOND);
    await until(async () => a.oms.tasks.size === 1, { what: 'the migration created at the 2nd approval' });
    expect((await approvalsOf(a.bot.deps).records.get(TEAM, first.record.id))?.votes?.length).toBe(2);
  });
});

describe('a change-ticket pattern from Slack', () => {
  it('refuses one that backtracks for ever on a typed name, and keeps CHG-\\d+', async () => {
    const admin = { teamId: TEAM, userId: ADMIN };
    const evil = await a.ask(`policy add redos-${low} ticket=(a+)+$ connections=${C.late}`, admin);
    expect(messageText(evil)).toContain('must be a simple pattern');
    const list = messageText(await a.ask('policy list', admin));
    expect(list).not.toContain(`redos-${low}`);
    const fine = await a.ask(`policy add chg-${low} ticket=CHG-\\d+ connections=${C.late}`, admin);
    expect(messageText(fine)).not.toContain('must be');
    expect(messageText(await a.ask('policy list', admin))).toContain(`chg-${low}`);
  });
});

describe('a freeze and a person resuming a paused migration', () => {
  it('refuses the resume by command, naming the rule, and resumes once the freeze is lifted', async () => {
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const operator = { teamId: TEAM, userId: OPERATOR, channelId: CHANNEL };
    const task = a.oms.addTask({ name: `paused-${low}`, status: 3, progress: 0.2, totalSize: TIB }).id;
    const freeze = `policy add ice-${low} freeze=2026-11-25T00:00..2026-11-26T00:00@UTC connections=${C.late}`;
    expect(messageText(await a.ask(freeze, admin))).toContain('Added guardrail');
    const refused = messageText(await b.ask(`resume ${C.late}:${task}`, operator));
    expect(refused).toContain(`ice-${low}`);
    expect(refused).toMatch(/frozen/);
    expect(a.oms.task(task)?.status).toBe(3);
    const audit = await a.bot.deps.audit.recent(TEAM, 200);
    expect(
      audit.some((e) => e.action === 'resume' && e.target?.endsWith(task) && e.result === 'refused'),
    ).toBe(true);
    expect(messageText(await a.ask(`policy remove ice-${low}`, admin))).not.toMatch(/No guardrail/);
    expect(messageText(await b.ask(`resume ${C.late}:${task}`, operator))).not.toContain(`ice-${low}`);
    expect(a.oms.task(task)?.status).not.toBe(3);
  });
});
