import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { openRejectModal } from '../../harness/approval-requests.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { guardedReplicas, guardSuffix } from './guardrails-rig.js';
import { guardedRequests } from './guardrails-world.js';

// Issue 61, guardrails: two bots share one Redis, one fake Slack and one OMS simulator; the rules
// are the connections file's `policies:` section (and rules added from Slack). Requests are made
// through the service the create form, the workflow step and the API call; decisions and the
// policy subcommand are signed requests.
const { suffix, low } = guardSuffix();
const TEAM = `T0GR${suffix}`;
const CHANNEL = 'C0GUARDS1';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0GROPER1';
const APPROVER = 'U0GRAPPR1';
const SECOND = 'U0GRAPPR2';
const THIRD = 'U0GRAPPR3';
const C = {
  region: `gr-r-${low}`,
  two: `gr-2-${low}`,
  quota: `gr-q-${low}`,
  freeze: `gr-f-${low}`,
  group: `gr-g-${low}`,
};
const BASE = Date.parse('2026-12-18T00:00:00Z');

const POLICIES = `policies:
  - id: residency
    exception: "#platform-security"
    scope: { connections: [${C.region}] }
    regions: { allow: [cn-north-4] }
  - id: big-transfer
    scope: { connections: [${C.two}] }
    approvals: { approvers: 2, above: { size: 10TiB } }
  - id: monthly
    scope: { connections: [${C.quota}] }
    quota: { tibPerMonth: 50 }
  - id: security-approves
    scope: { connections: [${C.group}] }
    approvals: { approvers: 2, group: S0GRSEC01 }
`;

const { a, b, ixA, ixB, at, dir, writeFile } = guardedReplicas({
  env: 'GR',
  team: TEAM,
  suffix,
  names: Object.values(C),
  policies: POLICIES,
  base: BASE,
  operator: OPERATOR,
  approvers: [APPROVER, SECOND, THIRD],
  ready: (a) => a.fakeSlack.usergroups.set('S0GRSEC01', [APPROVER, SECOND]),
});

const requests = guardedRequests({
  team: TEAM,
  channel: CHANNEL,
  requester: OPERATOR,
  tag: 'gr',
  name: 'guarded',
  source: { bucket: 'acme-photos', prefix: '2024/', objects: 1000 },
  a,
  ixA,
  ixB,
});
/** A request made on replica A (the service the create form calls), and the message it posted. */
const { request, posted } = requests;
/** A button on the request message pressed on replica `bot` as `userId` (signed); what they were told. */
const press = (bot: TestBot, action: string, p: { id: string; ts: string }, userId: string) =>
  requests.press(bot, p, userId, action);

const postsTo = (channel: string, since: number) =>
  a.fakeSlack.calls.slice(since).filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);
const lastEdit = (ts: string) =>
  a.fakeSlack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === ts).at(-1);
async function audited(action: string, detail: RegExp): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 500);
  return entries.filter((e) => e.action === action && detail.test(e.detail ?? '')).length;
}

describe('guardrails from the connections file, on two replicas', () => {
  it('refuses a destination region outside the allowed list when asked: named rule, nothing posted', async () => {
    const since = a.fakeSlack.calls.length;
    const refused = await request(C.region, { region: 'ap-southeast-1' }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('Refused by guardrail `residency`');
    expect((refused as Error).message).toContain('ap-southeast-1');
    expect((refused as Error).message).toContain('To get an exception, ask #platform-security.');
    expect(postsTo(CHANNEL, since)).toEqual([]);
    expect(await audited('policy.check', /rule residency \(file\): refused \(region\) at the request/)).toBe(
      1,
    );
    // Inside the list it goes to the approvers as always.
    const { posted: ok } = await posted(C.region, { region: 'cn-north-4' });
    expect(messageText(ok.message)).toContain('Approve');
  });

  it('two approvers above 10 TiB: requester refused, the same approver twice refused, then created', async () => {
    const before = a.oms.tasks.size;
    const { record, posted: p } = await posted(C.two, { tib: 40 });
    expect(record.needs).toEqual({ rule: 'big-transfer', approvers: 2 });
    expect(messageText(p.message)).toContain('needs 2 approvals from different people');
    expect(await press(a, 'approval.approve', p, OPERATOR)).not.toMatch(/counted|Created/);
    const first = await press(a, 'approval.approve', p, APPROVER);
    expect(first).toContain('1 of 2 approvals');
    expect((await approvalsOf(a.bot.deps).get(TEAM, p.id)).status).toBe('pending');
    expect(messageText(lastEdit(p.ts)!.body)).toContain('1 of 2 approvals: <@U0GRAPPR1>');
    // The same person again, on the other replica: refused, still pending, nothing created.
    expect(await press(b, 'approval.approve', p, APPROVER)).toContain('approved this request already');
    expect((await approvalsOf(a.bot.deps).get(TEAM, p.id)).status).toBe('pending');
    expect(a.oms.tasks.size - before).toBe(0);
    const second = await press(b, 'approval.approve', p, SECOND);
    expect(second).toContain('Approved');
    const done = await approvalsOf(a.bot.deps).get(TEAM, p.id);
    expect(done.resourceId).toBeDefined();
    expect(done.votes?.map((v) => v.by)).toEqual([APPROVER, SECOND]);
    expect(a.oms.tasks.size - before).toBe(1);
  });

  it('a reject by any approver ends a request that needs two', async () => {
    const { posted: p } = await posted(C.two, { tib: 40 });
    expect(await press(a, 'approval.approve', p, APPROVER)).toContain('1 of 2 approvals');
    const modal = await openRejectModal(
      a,
      ixA,
      { ...p, channel: CHANNEL },
      { userId: THIRD, teamId: TEAM },
      'gr-reject',
    );
    await ixA.submit(modal, { reason: 'Not before the audit.' }, { userId: THIRD, teamId: TEAM });
    await until(
      async () => (await approvalsOf(a.bot.deps).get(TEAM, p.id)).status === 'rejected' || undefined,
      {
        what: 'the rejection',
      },
    );
    expect((await approvalsOf(a.bot.deps).get(TEAM, p.id)).status).toBe('rejected');
    expect(await press(b, 'approval.approve', p, SECOND)).not.toContain('Created');
  });

  it('approvers from a user group: someone outside it is refused, two inside create it', async () => {
    const before = a.oms.tasks.size;
    const { record, posted: p } = await posted(C.group);
    expect(record.needs).toEqual({ rule: 'security-approves', approvers: 2, group: 'S0GRSEC01' });
    expect(messageText(p.message)).toContain('Approvers must be in <!subteam^S0GRSEC01>');
    expect(await press(b, 'approval.approve', p, THIRD)).toContain('must be in <!subteam^S0GRSEC01>');
    expect(await press(a, 'approval.approve', p, APPROVER)).toContain('1 of 2 approvals');
    expect(await press(b, 'approval.approve', p, SECOND)).toContain('Approved');
    expect((await approvalsOf(a.bot.deps).get(TEAM, p.id)).votes?.map((v) => v.by)).toEqual([
      APPROVER,
      SECOND,
    ]);
    expect(a.oms.tasks.size - before).toBe(1);
    expect(await audited('create.approve', /guardrail security-approves \(at the approval\)/)).toBe(1);
  });

  it('a monthly quota filled by approvals on two replicas at once is never exceeded', async () => {
    const before = a.oms.tasks.size;
    // Six requests of 10 TiB against 50 TiB a month: each fits when asked; approved all at once,
    // three on each replica, exactly five fit.
    const asked = [];
    for (let i = 0; i < 6; i++) asked.push(await posted(C.quota, { tib: 10 }));
    const told = await Promise.all(
      asked.map((r, i) => press(i % 2 ? b : a, 'approval.approve', r.posted, i % 2 ? SECOND : APPROVER)),
    );
    expect(told.filter((t) => t.includes('Refused by guardrail `monthly`'))).toHaveLength(1);
    expect(a.oms.tasks.size - before).toBe(5);
    const records = await Promise.all(asked.map((r) => approvalsOf(a.bot.deps).get(TEAM, r.posted.id)));
    expect(records.filter((r) => r.status === 'pending')).toHaveLength(1);
    expect(told.find((t) => t.includes('monthly'))).toContain('50.00 TiB this month');
  });
});

describe('rules from Slack, and a freeze when a scheduled start comes due', () => {
  it('a Slack rule cannot loosen a file rule, nor remove or replace one', async () => {
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const added = await a.ask(`policy add loose regions=ap-southeast-1 connections=${C.region}`, admin);
    expect(messageText(added)).toContain('Added guardrail');
    const refused = await request(C.region, { region: 'ap-southeast-1' }).catch((e: Error) => e);
    expect((refused as Error).message).toContain('`residency`');
    expect(messageText(await a.ask('policy remove residency', admin))).toContain('connections file');
    expect(messageText(await a.ask('policy add residency regions=*', admin))).toContain('exists already');
    // Nor can an operator add one.
    const operator = await a.ask('policy add mine regions=*', { ...admin, userId: OPERATOR });
    expect(messageText(operator)).not.toContain('Added guardrail');
    const list = messageText(await a.ask('policy list', admin));
    expect(list).toContain('residency');
    expect(list).toContain('added in Slack by <@U0ALICE01>');
    expect(list).toMatch(/last matched .* refused \(`region`\)/);
    const test = messageText(await a.ask(`policy test ${C.region} region=eu-west-101`, admin));
    expect(test).toContain('`residency` (from the file): Refused by guardrail `residency`');
    expect(test).toContain('`monthly` (from the file): does not apply here');
    expect(messageText(await a.ask('policy remove loose', admin))).toContain('Removed guardrail');
  });

  it('explains rule by rule in the reader’s language: English, Korean, Chinese', async () => {
    a.fakeSlack.locales.set('U0GRKOR01', 'ko-KR');
    a.fakeSlack.locales.set('U0GRZHO01', 'zh-CN');
    const line = `policy test ${C.region} region=eu-west-101`;
    const ko = messageText(await a.ask(line, { teamId: TEAM, userId: 'U0GRKOR01', channelId: CHANNEL }));
    expect(ko).toContain('규칙별로 정책에 비추어 확인했습니다');
    expect(ko).toContain('가드레일 `residency`에 의해 거부됨: 대상 리전 `eu-west-101`');
    expect(ko).toContain('예외가 필요하면 #platform-security에게 문의하세요.');
    const zh = messageText(await a.ask(line, { teamId: TEAM, userId: 'U0GRZHO01', channelId: CHANNEL }));
    expect(zh).toContain('被防护规则 `residency` 拒绝：此处不允许目标区域 `eu-west-101`');
    expect(zh).toContain('`monthly`（来自文件）'.replace('（来自文件）', ' (来自文件)'));
  });

  it('a freeze added after the approval refuses the start when due, said on the request', async () => {
    at('2026-12-18T00:00:00Z');
    const { posted: p } = await posted(C.freeze, { startAt: '2026-12-21T03:00:00Z' });
    expect(await press(a, 'approval.approve', p, APPROVER)).toContain('will be created');
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const freeze = `policy add yearend freeze=2026-12-20T00:00..2027-01-03T00:00@Asia/Seoul connections=${C.freeze}`;
    expect(messageText(await a.ask(freeze, admin))).toContain('Added guardrail');
    const before = a.oms.tasks.size;
    at('2026-12-21T03:00:20Z');
    for (let i = 0; i < 3; i++)
      await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    expect(a.oms.tasks.size - before).toBe(0);
    const failed = await approvalsOf(a.bot.deps).get(TEAM, p.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.localized?.key).toBe('guardrail.refused.freeze');
    const edit = await until(() => lastEdit(p.ts), { what: 'the request redrawn' });
    expect(messageText(edit!.body)).toMatch(
      /Refused by guardrail .yearend.: migrations are frozen from 2026-12-20T00:00/,
    );
    expect(messageText(edit!.body)).toContain('To get an exception, ask a workspace admin.');
    expect(await audited('create.start', /guardrail yearend \(at the start\)/)).toBe(1);
    await a.ask('policy remove yearend', admin);
  });
});

describe('a malformed policies section', () => {
  it('is refused at start-up with its line and reason', async () => {
    const bad = new TestBot();
    const badFile = path.join(dir, 'bad.yml');
    writeFileSync(
      badFile,
      `connections:\n  - name: x\npolicies:\n  - id: ok\n  - id: broken\n    regions: { allow: [] }\n`,
    );
    try {
      const started = await bad.start({ env: { MIGRATE_BOT_CONNECTIONS: badFile } }).catch((e: Error) => e);
      expect(started).toBeInstanceOf(Error);
      expect((started as Error).message).toMatch(/line 6: policies\[1\]\.regions\.allow: .*/);
    } finally {
      await bad.stop().catch(() => undefined);
    }
  });

  it('is refused on SIGHUP with its line and reason, the running rules kept; a good one applies', async () => {
    writeFile(a.oms.url, `${POLICIES}  - id: typo\n    regoins: { allow: [x] }\n`);
    a.bot.reloadConnections();
    const line = a.logs.lines.find((l) => l.includes('policies[4]')) ?? '';
    expect(line).toMatch(/line \d+: policies\[4\]: Unrecognized key: \\"regoins\\"/);
    expect(line).toContain('the connections in use are kept');
    const still = await request(C.region, { region: 'ap-southeast-1' }).catch((e: Error) => e);
    expect((still as Error).message).toContain('`residency`');
    // Fixed: the new rules replace the running ones at once.
    writeFile(a.oms.url, POLICIES.replace('allow: [cn-north-4]', 'allow: [cn-north-4, ap-southeast-1]'));
    a.bot.reloadConnections();
    const { record } = await posted(C.region, { region: 'ap-southeast-1' });
    expect(record.status).toBe('pending');
  });
});
