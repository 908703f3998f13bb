import { afterAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { postedApproval } from '../../harness/approval-requests.js';
import { type ShownView, ViewTracker } from '../../harness/interactions.js';
import { messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { addSmallBucket, guardedReplicas, guardSuffix } from './guardrails-rig.js';
import { guardedRequests } from './guardrails-world.js';

// The guardrails' last parts, through signed requests on two replicas sharing one Redis: the
// create form's "Check against policy" and the request's pre-flight line, "must start inside a
// window", concurrent migrations per workspace, a quota's share given back, and a freeze holding a
// plan's wave when it comes due, said on the plan's card.
const { suffix, low } = guardSuffix();
const TEAM = `T0GM${suffix}`;
const CHANNEL = 'C0GUARDM1';
const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0GMOPER1';
const APPROVER = 'U0GMAPPR1';
const SECOND = 'U0GMAPPR2';
const C = { form: `gm-f-${low}`, window: `gm-w-${low}`, conc: `gm-c-${low}`, give: `gm-g-${low}` };
const BASE = Date.parse('2026-11-25T09:00:00Z');
const TIB = 2 ** 40;
let views: ViewTracker;

const POLICIES = `policies:
  - id: form-residency
    scope: { connections: [${C.form}] }
    regions: { allow: [cn-north-4] }
  - id: change-window
    scope: { connections: [${C.window}] }
    mustStartInWindow: true
  - id: two-at-once
    scope: { connections: [${C.conc}] }
    quota: { concurrentPerWorkspace: 2 }
  - id: ten-a-month
    scope: { connections: [${C.give}] }
    quota: { tibPerMonth: 10 }
`;

const { a, b, ixA, ixB, at } = guardedReplicas({
  env: 'GM',
  team: TEAM,
  suffix,
  names: Object.values(C),
  policies: POLICIES,
  base: BASE,
  operator: OPERATOR,
  approvers: [APPROVER, SECOND],
  eagerCards: true,
  ready: (a) => {
    views = new ViewTracker(a.fakeSlack);
    addSmallBucket(a);
  },
});
afterAll(() => views?.stop());

const { request, posted, press } = guardedRequests({
  team: TEAM,
  channel: CHANNEL,
  requester: OPERATOR,
  tag: 'gm',
  name: 'more',
  source: { bucket: 'gm-bucket', prefix: 'small/', objects: 10 },
  a,
  ixA,
  ixB,
});

const FORM_VALUES = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'gm-bucket',
  src_objects: 'small/',
  dst_region: 'ap-southeast-1',
  dst_bucket: 'dst-bucket',
};

describe('Check against policy, on the create form', () => {
  it('explains rule by rule without asking, and the request then says what the rules decided', async () => {
    const before = views.shown.length;
    await a.command(`create ${C.form} task`, { userId: OPERATOR, channelId: CHANNEL, teamId: TEAM });
    const form: ShownView = await a.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    const since = a.fakeSlack.calls.length;
    const who = { userId: OPERATOR, teamId: TEAM };
    const res = await ixA.clickView(form, 'migrate_create.policy_check', FORM_VALUES, who);
    expect(res.status).toBe(200);
    const pushed: RecordedCall = await a.fakeSlack.waitFor(() =>
      a.fakeSlack.calls.slice(since).find((c) => c.method === 'views.push'),
    );
    const said = mrkdwnTexts(pushed.body.view as Record<string, unknown>);
    expect(said).toContain(`Checked against policy, for a request on \`${C.form}\``);
    expect(said).toContain(
      '`form-residency` (from the file): Refused by guardrail `form-residency`: the destination region `ap-southeast-1` is not allowed here; allowed: cn-north-4.',
    );
    expect(said).toContain('`two-at-once` (from the file): does not apply here');
    // A dry run: nothing posted, nothing recorded as a match.
    const posts = a.fakeSlack.calls.slice(since).filter((c) => c.method === 'chat.postMessage');
    expect(posts).toEqual([]);
    expect(messageText(await a.ask('policy list', { teamId: TEAM, userId: ADMIN }))).not.toMatch(
      /form-residency[^\n]*\n[^\n]*last matched/,
    );
    // Asked for real with an allowed region: the request's pre-flight says what the rules decided.
    const asked = a.fakeSlack.calls.length;
    const sent = await ixA.submit(form, { ...FORM_VALUES, dst_region: 'cn-north-4' }, who);
    expect(sent.status).toBe(200);
    const p = await postedApproval(a, { team: TEAM, channel: CHANNEL }, asked);
    expect(messageText(p.message)).toContain(
      ':shield: Guardrails: 1 rule applies (form-residency) and all pass.',
    );
  });
});

describe('a create form refused by a guardrail (issue 74, item 5)', () => {
  it('stays open with the refusal at its field, what was typed kept, nothing asked', async () => {
    const before = views.shown.length;
    await a.command(`create ${C.form} task`, { userId: OPERATOR, channelId: CHANNEL, teamId: TEAM });
    const form: ShownView = await a.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    // What the test before it asked has told everyone it tells (its DMs come after its request).
    await a.settled();
    const since = a.fakeSlack.calls.length;
    const who = { userId: OPERATOR, teamId: TEAM };
    const sent = await ixA.submit(form, FORM_VALUES, who);
    expect(sent.status).toBe(200);
    // Slack keeps the modal, and everything typed in it, when the answer is `errors`.
    const answer = sent.body as { response_action?: string; errors?: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    const errors = Object.entries(answer.errors ?? {});
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toContain('dst_region');
    // A field's error is plain text in Slack: quoted, not mrkdwn's backticks shown as they are.
    expect(errors[0]![1]).toContain(
      'Refused by guardrail “form-residency”: the destination region “ap-southeast-1” is not allowed here; allowed: cn-north-4.',
    );
    expect(errors[0]![1]).not.toContain('`');
    // No separate message, nothing posted for approval.
    await a.settled();
    const posts = a.fakeSlack.calls
      .slice(since)
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral')
      .filter((c) => /form-residency|ap-southeast-1/.test(JSON.stringify(c.body)));
    expect(posts).toEqual([]);
  });
});

describe('rules about when and how many', () => {
  it('must start inside a window: outside refused (said why), inside asked', async () => {
    at('2026-11-25T09:00:00Z');
    const refused = await request(C.window).catch((e: Error) => e);
    expect((refused as Error).message).toContain(
      'Refused by guardrail `change-window`: it would start at 2026-11-25T09:00 UTC, outside every traffic window',
    );
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const added = await a.ask(`window add ${C.window} daily 22:00-23:00 UTC limit 50 MB/s as night`, admin);
    expect(messageText(added)).toContain('night');
    // Still now, outside it: refused; at 22:30 (a start time inside it): asked.
    expect(((await request(C.window).catch((e: Error) => e)) as Error).message).toContain('change-window');
    const { record } = await posted(C.window, { startAt: '2026-11-25T22:30:00Z' });
    expect(record.status).toBe('pending');
  });

  it('concurrent migrations per workspace: approvals on two replicas at once never pass the count', async () => {
    const before = a.oms.tasks.size;
    const asked = [];
    for (let i = 0; i < 3; i++) asked.push(await posted(C.conc));
    const told = await Promise.all(
      asked.map((r, i) => press(i % 2 ? b : a, r.posted, i % 2 ? SECOND : APPROVER)),
    );
    expect(
      told.filter((t) => t.includes('already has 2 approved migrations that have not ended')),
    ).toHaveLength(1);
    expect(a.oms.tasks.size - before).toBe(2);
    // Full: refused as it is asked, nothing posted.
    const early = await request(C.conc).catch((e: Error) => e);
    expect((early as Error).message).toContain('Refused by guardrail `two-at-once`');
    // One of them ends: its place is free at the next approval.
    const records = await Promise.all(asked.map((r) => approvalsOf(a.bot.deps).get(TEAM, r.posted.id)));
    const created = records.filter((r) => r.resourceId);
    const task = a.oms.task(created[0]!.resourceId!)!;
    Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
    const waiting = asked[records.findIndex((r) => r.status === 'pending')]!;
    expect(await press(a, waiting.posted, APPROVER)).toContain('Approved');
    expect(a.oms.tasks.size - before).toBe(3);
  });
});

describe('a quota share given back', () => {
  it('when the create fails after the approval, and when a freeze refuses the start', async () => {
    at('2026-11-25T09:00:00Z');
    // 8 of 10 TiB: the provider refuses the create; the 8 TiB are free again.
    const first = await posted(C.give, { tib: 8 });
    a.oms.faults.script({
      method: 'POST',
      path: '/tasks',
      status: 400,
      body: { error_code: 'OMS.0005', error_msg: 'bad request' },
    });
    await press(a, first.posted, APPROVER);
    expect((await approvalsOf(a.bot.deps).get(TEAM, first.posted.id)).status).toBe('failed');
    // 8 more approved and scheduled: the share is taken again (it fits only if given back).
    const second = await posted(C.give, { tib: 8, startAt: '2026-11-26T03:00:00Z' });
    expect(await press(b, second.posted, SECOND)).toContain('will be created');
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const freeze = `policy add pause-${low} freeze=2026-11-26T00:00..2026-11-27T00:00@UTC connections=${C.give}`;
    expect(messageText(await a.ask(freeze, admin))).toContain('Added guardrail');
    at('2026-11-26T03:00:20Z');
    for (let i = 0; i < 3; i++)
      await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    const refused = await approvalsOf(a.bot.deps).get(TEAM, second.posted.id);
    expect(refused.failure?.localized?.key).toBe('guardrail.refused.freeze');
    await a.ask(`policy remove pause-${low}`, admin);
    // Given back again: 8 TiB more is approved and created after the freeze.
    at('2026-11-27T01:00:00Z');
    const third = await posted(C.give, { tib: 8 });
    expect(await press(a, third.posted, APPROVER)).toContain('Approved');
    expect((await approvalsOf(a.bot.deps).get(TEAM, third.posted.id)).resourceId).toBeDefined();
  });
});

describe('a freeze when a plan’s wave comes due', () => {
  it('holds the wave, says so on the plan card and in the audit, and starts it once the freeze ends', async () => {
    at('2026-11-28T09:00:00Z');
    const admin = { teamId: TEAM, userId: ADMIN, channelId: CHANNEL };
    const task = a.oms.addTask({ name: `frozen-${low}`, status: 3, progress: 0.1, totalSize: TIB }).id;
    const answer = messageText(await a.ask(`plan new wave-${low}`, admin));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)?.[1];
    expect(id, answer).toBeDefined();
    expect(messageText(await a.ask(`plan add wave-${low} ${C.conc}:${task}`, admin))).toContain('wave 1');
    const freeze = `policy add hold-${low} freeze=2026-11-28T00:00..2026-11-29T00:00@UTC connections=${C.conc}`;
    expect(messageText(await a.ask(freeze, admin))).toContain('Added guardrail');
    expect(messageText(await a.ask(`plan start wave-${low}`, admin))).toContain('started');
    for (let i = 0; i < 3; i++)
      await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    expect(a.oms.task(task)?.status).toBe(3);
    const card = await until(
      () =>
        [...a.fakeSlack.callsTo('chat.postMessage'), ...a.fakeSlack.callsTo('chat.update')]
          .filter((c) => mrkdwnTexts(c.body).includes(`wave-${low}`))
          .map((c) => mrkdwnTexts(c.body))
          .find((t) => t.includes('did not start')),
      { what: 'the plan card saying the wave is held', timeoutMs: 15_000 },
    );
    expect(card).toContain(
      `Wave 1 did not start: Refused by guardrail \`hold-${low}\`: migrations are frozen from 2026-11-28T00:00`,
    );
    const audit = await a.bot.deps.audit.recent(TEAM, 500);
    expect(
      audit.filter((e) => e.action === 'plan.wave' && /held by guardrail hold-/.test(e.detail ?? '')),
    ).toHaveLength(1);
    // The freeze over: the next pass starts it.
    at('2026-11-29T01:00:00Z');
    for (let i = 0; i < 3; i++)
      await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    expect(a.oms.task(task)?.status).not.toBe(3);
  });
});
