import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { gatePass, type PlansState } from '../../../src/capabilities/plans/plan-service.js';
import { figuresOf } from '../../../src/capabilities/plans/plan-sum.js';
import type { Plan } from '../../../src/capabilities/plans/plan-types.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, mrkdwnTexts, omsConnection, type TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { replicaPair } from '../../security/replica-redis.js';

// Issue 60, Submit for approval: planned migrations (the create form's Plan and Wave fields) are
// kept with the plan, approved as one request with their pre-flight summed, by someone other than
// the one who submitted it; approved, wave 1's are created once, and wave 2's once when its gate
// opens, with both replicas' gate passes racing. Editing after approval withdraws it.
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const TEAM = `T0PA${suffix}`;
const CONNECTION = `hw-pa-${suffix.toLowerCase()}`;
const CHANNEL = 'C0PLANAP1';
const APPROVALS = 'C0PLANAPV';
const OWNER = 'U0ALICE01';
const APPROVER = 'U0PLANAPR';
const BASE = Date.parse('2026-11-27T09:00:00Z');
const clocks = [new TestClock(() => BASE), new TestClock(() => BASE)];
const watcher = {
  keyPrefix: `plans-ap-${suffix}:`,
  leaseMs: 1_500,
  editBudget: { windowMs: 10_000, max: 1000 },
};
const { a, b } = replicaPair({
  marker: suffix,
  connections: (url) => [omsConnection(CONNECTION, url, { team: TEAM, egressPricePerGiB: 0.09 })],
  each: (i) => ({ clock: clocks[i]!, watcher }),
  timeoutMs: 60_000,
});
const ix = new Interactions(a);
let views: ViewTracker;
const GiB = 1024 ** 3;

beforeAll(async () => {
  views = new ViewTracker(a.fakeSlack);
  // Two prefixes of known size: 3 objects of 1 GiB under one/, 5 of 2 GiB under two/.
  a.oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'estate-src',
    objects: [
      ...Array.from({ length: 3 }, (_, i) => ({ key: `one/${i}.bin`, size: GiB })),
      ...Array.from({ length: 5 }, (_, i) => ({ key: `two/${i}.bin`, size: 2 * GiB })),
    ],
  });
  await a.ask(`access grant <@${APPROVER}|appr> approver`, who);
  await a.ask(`settings approvals <#${APPROVALS}|approvals>`, who);
}, 60_000);
afterAll(() => {
  views?.stop();
});

const who = { userId: OWNER, channelId: CHANNEL, teamId: TEAM };
const stateOf = (t: TestBot) => t.bot.deps.capabilities.stateOf('plans') as PlansState;
const planOf = async (id: string): Promise<Plan> => (await stateOf(a).store.get(TEAM, id))!;

function values(prefix: string, plan: string, wave: string, description?: string) {
  return {
    ...(description ? { description } : {}),
    task_type: 'prefix',
    src_cloud: 'AWS',
    src_region: 'us-east-1',
    src_bucket: 'estate-src',
    src_objects: prefix,
    dst_region: 'cn-north-4',
    // Of this run only: the inbound dedupe (shared Redis) would drop a form a run before submitted.
    dst_bucket: `dst-${suffix.toLowerCase()}`,
    bandwidth: '00:00-23:59=100MB/s',
    plan_name: plan,
    plan_wave: wave,
  };
}

/** The create form through `/migrate create`, submitted with the plan fields filled. */
async function planMigration(plan: string, prefix: string, wave: string, name?: string): Promise<void> {
  const before = views.shown.length;
  await a.command(`create ${CONNECTION} task`, who);
  const form: ShownView = await a.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
  );
  const res = await ix.submit(form, values(prefix, plan, wave, name), { userId: OWNER, teamId: TEAM });
  expect(res.status).toBe(200);
  expect(res.body, JSON.stringify(res.body)).toBeUndefined();
}

/** The plan's approval request as last drawn in the approvals channel. */
function approvalPost(planId: string) {
  const drawn = [...a.fakeSlack.callsTo('chat.postMessage'), ...a.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === APPROVALS && messageText(c.body).includes(planId))
    .map((c) => c.body);
  return drawn.at(-1);
}

/** The plan's card as last drawn in its channel (its blocks' text). */
function card(planId: string): string {
  const drawn = [...a.fakeSlack.callsTo('chat.postMessage'), ...a.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes(planId))
    .map((c) => c.body);
  return mrkdwnTexts(drawn.at(-1) ?? {});
}

/** The click's work runs after its ack: waits for the plan to be approved. */
async function approved(id: string): Promise<void> {
  await until(async () => (await planOf(id)).approval?.state === 'approved', {
    what: `plan ${id} approved`,
    timeoutMs: 15_000,
    everyMs: 50,
  });
}

async function cyclesOn(bots: TestBot[], n = 2): Promise<void> {
  for (let i = 0; i < n; i++) {
    await Promise.all(bots.map((t) => t.bot.deps.watcher.runCycle()));
    a.oms.clock.advance(2_000);
  }
}

/** Migrations created (the audit log's successful creates in the workspace). */
async function created(): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 500);
  return entries.filter((e) => e.action === 'create' && e.result === 'ok').length;
}

describe('a plan approved as one request', () => {
  let planId = '';

  it('keeps planned migrations, sums their pre-flight, and refuses the submitter approving it', async () => {
    const answer = messageText(await a.ask('plan new approved-estate', who));
    planId = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    await planMigration('approved-estate', 'one/', '1');
    await planMigration(planId, 'two/', '2');
    await until(async () => ((await planOf(planId)).planned?.length ?? 0) === 2, {
      what: 'two planned migrations',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    // Kept with the plan: no approval request of its own was posted for either.
    // This workspace's: the Redis is shared with files running beside this one.
    expect((await approvalsOf(a.bot.deps).records.pending()).filter((r) => r.team === TEAM)).toEqual([]);
    const plan = await planOf(planId);
    const [one, two] = [plan.planned![0]!, plan.planned![1]!];
    expect(figuresOf(one.preflight)).toMatchObject({ objects: 3, bytes: 3 * GiB });
    expect(figuresOf(two.preflight)).toMatchObject({ objects: 5, bytes: 10 * GiB });

    expect(messageText(await b.ask(`plan submit ${planId}`, who))).toContain('submitted');
    const posted = approvalPost(planId);
    expect(posted, 'no approval request').toBeDefined();
    const text = mrkdwnTexts(posted!);
    // Per wave and in total: the sum of each planned request's own pre-flight.
    const f1 = figuresOf(one.preflight);
    const f2 = figuresOf(two.preflight);
    expect(text).toContain('*Wave 1* · 1 new migration · 3 objects · 3.0 GiB');
    expect(text).toContain('*Wave 2* · 1 new migration · 5 objects · 10.0 GiB');
    expect(text).toContain(`*Total* · 2 new migrations · ${f1.objects! + f2.objects!} objects · 13.0 GiB`);
    expect(text).toContain(`egress $${(f1.cost! + f2.cost!).toFixed(2)}`);
    expect(text).toContain(`about ${Math.ceil((f1.seconds! + f2.seconds!) / 360) / 10} h at the caps`);

    // The two-person rule: the one who submitted it cannot approve it.
    const approve = buttons(posted!).find((x) => x.action_id === 'plan.approve')!;
    await a.click('plan.approve', String(approve.value), {
      userId: OWNER,
      teamId: TEAM,
      channelId: APPROVALS,
    });
    const refused = async () =>
      (await a.bot.deps.audit.recent(TEAM, 50)).find((e) => e.action === 'plan.approve')?.result;
    await until(async () => (await refused()) !== undefined, {
      what: 'the self-approval answered',
      timeoutMs: 10_000,
      everyMs: 50,
    });
    expect(await refused()).toBe('refused');
    expect((await planOf(planId)).approval?.state).toBe('pending');
  }, 60_000);

  it('approved by another person, wave 1 is created once; wave 2 once when its gate opens', async () => {
    const approve = buttons(approvalPost(planId)!).find((x) => x.action_id === 'plan.approve')!;
    // Both replicas' passes race with the approval.
    await Promise.all([
      b.click('plan.approve', String(approve.value), {
        userId: APPROVER,
        teamId: TEAM,
        channelId: APPROVALS,
      }),
      gatePass(stateOf(a)),
      gatePass(stateOf(b)),
    ]);
    await approved(planId);
    for (let i = 0; i < 3; i++) await Promise.all([gatePass(stateOf(a)), gatePass(stateOf(b))]);
    await cyclesOn([a, b], 2);
    let plan = await planOf(planId);
    // Wave 1 created (now one of the plan's resources), wave 2 still planned and not handed over.
    expect(plan.resources).toHaveLength(1);
    expect(plan.planned).toHaveLength(1);
    expect(plan.planned![0]!.approval).toBeUndefined();
    expect(await created()).toBe(1);
    // Wave 1's task succeeds: wave 2's gate opens, with both replicas racing.
    const task = a.oms.task(plan.resources[0]!.id)!;
    Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
    await cyclesOn([a, b], 2);
    for (let i = 0; i < 4; i++) await Promise.all([gatePass(stateOf(a)), gatePass(stateOf(b))]);
    await cyclesOn([a, b], 2);
    plan = await planOf(planId);
    expect(plan.waves['2']?.openedAt).toBeDefined();
    expect(plan.resources).toHaveLength(2);
    expect(plan.planned ?? []).toHaveLength(0);
    expect(await created()).toBe(2);
    expect(new Set(plan.resources.map((r) => r.id)).size).toBe(2);
  });

  it('New migration in this plan opens the create form with the plan filled in', async () => {
    const before = views.shown.length;
    await a.click('plan.newMigration', planId, { userId: OWNER, teamId: TEAM, channelId: CHANNEL });
    // The connection has two kinds: the picker first, the plan carried through it.
    const picker = await a.fakeSlack.waitFor(() =>
      views.shown.slice(before).find((v) => v.view.callback_id === 'migrate_create.pick'),
    );
    await ix.submit(picker, { target: `${CONNECTION}|task` }, { userId: OWNER, teamId: TEAM });
    const form = await a.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    const field = (form.view.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find(
      (x) => x.block_id === 'plan_name',
    );
    expect(field?.element?.initial_value).toBe('approved-estate');
  });

  it('an edit after approval withdraws it: said on the card, the request and to the approver', async () => {
    const answer = messageText(await a.ask('plan new withdrawn-estate', who));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    await planMigration(id, 'one/', '1');
    await until(async () => ((await planOf(id)).planned?.length ?? 0) === 1, {
      what: 'a planned migration',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    // Wave 1 opens at a time ahead: approved, nothing is created before then.
    await a.ask(`plan gate ${id} wave 1 at 2026-11-28 09:00 UTC`, who);
    await a.ask(`plan submit ${id}`, who);
    const approve = buttons(approvalPost(id)!).find((x) => x.action_id === 'plan.approve')!;
    await a.click('plan.approve', String(approve.value), {
      userId: APPROVER,
      teamId: TEAM,
      channelId: APPROVALS,
    });
    await approved(id);
    const since = a.fakeSlack.calls.length;
    const task = a.oms.addTask({ name: 'late-addition', status: 3, totalSize: GiB }).id;
    await a.ask(`plan add ${id} ${task} wave 3`, who);
    const after = await planOf(id);
    expect(after.approval?.state).toBe('withdrawn');
    expect(mrkdwnTexts(approvalPost(id)!)).toContain('Withdrawn');
    expect(buttons(approvalPost(id)!).some((x) => x.action_id === 'plan.approve')).toBe(false);
    const told = a.fakeSlack.calls
      .slice(since)
      .find(
        (c) => c.method === 'chat.postMessage' && messageText(c.body).includes('your approval is withdrawn'),
      );
    expect(told, 'the approver was not told').toBeDefined();
    // The gate's time comes: the wave opens, but nothing is created until it is approved again.
    const before = await created();
    for (const c of clocks) c.advance(25 * 3_600_000);
    for (let i = 0; i < 2; i++) await Promise.all([gatePass(stateOf(a)), gatePass(stateOf(b))]);
    const held = await planOf(id);
    expect(held.waves['1']?.openedAt).toBeDefined();
    expect(held.planned?.[0]?.approval).toBeUndefined();
    expect(await created()).toBe(before);
  });

  it('the guardrails are asked of each planned migration: a refusal submits nothing', async () => {
    const answer = messageText(await a.ask('plan new frozen-estate', who));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    await planMigration(id, 'two/', '1');
    await until(async () => ((await planOf(id)).planned?.length ?? 0) === 1, {
      what: 'a planned migration',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    const rule = `policy add frz-${suffix.toLowerCase()} freeze=2026-11-01T00:00..2026-12-31T00:00@UTC connections=${CONNECTION}`;
    expect(messageText(await a.ask(rule, who))).toContain('Added guardrail');
    try {
      const since = a.fakeSlack.calls.length;
      const refused = messageText(await a.ask(`plan submit ${id}`, who));
      expect(refused).toContain(`frz-${suffix.toLowerCase()}`);
      expect((await planOf(id)).approval).toBeUndefined();
      expect(a.fakeSlack.calls.slice(since).some((c) => c.body.channel === APPROVALS)).toBe(false);
    } finally {
      await a.ask(`policy remove frz-${suffix.toLowerCase()}`, who);
    }
  });
  it('takes out a planned migration: audited, its approval withdrawn; an unknown one refused', async () => {
    const answer = messageText(await a.ask('plan new trimmed-estate', who));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    await planMigration(id, 'one/', '1');
    await planMigration(id, 'two/', '2');
    await until(async () => ((await planOf(id)).planned?.length ?? 0) === 2, {
      what: 'two planned migrations',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    // Wave 1 opens two days ahead: approved, nothing is created meanwhile.
    const later = new Date(clocks[0]!.now() + 48 * 3_600_000).toISOString();
    await a.ask(`plan gate ${id} wave 1 at ${later.slice(0, 10)} ${later.slice(11, 16)} UTC`, who);
    await a.ask(`plan submit ${id}`, who);
    const approve = buttons(approvalPost(id)!).find((x) => x.action_id === 'plan.approve')!;
    await a.click('plan.approve', String(approve.value), {
      userId: APPROVER,
      teamId: TEAM,
      channelId: APPROVALS,
    });
    await approved(id);
    const [first, second] = (await planOf(id)).planned!;

    // Not in the plan: refused with the reason, nothing changed (the approval stands).
    const refused = messageText(await b.ask(`plan remove ${id} n000000`, who));
    expect(refused).toContain('`n000000` is not in plan trimmed-estate. Nothing was removed.');
    expect((await planOf(id)).planned).toHaveLength(2);
    expect((await planOf(id)).approval?.state).toBe('approved');

    const since = a.fakeSlack.calls.length;
    expect(messageText(await b.ask(`plan remove ${id} ${second!.key}`, who))).toContain(
      'Removed 1 migration from *trimmed-estate*',
    );
    const after = await planOf(id);
    expect(after.planned?.map((p) => p.key)).toEqual([first!.key]);
    // An edit after approval: withdrawn, said on the request and to the approver.
    expect(after.approval?.state).toBe('withdrawn');
    expect(after.approval?.withdrawn?.what).toBe('removed 1');
    expect(buttons(approvalPost(id)!).some((x) => x.action_id === 'plan.approve')).toBe(false);
    const told = a.fakeSlack.calls
      .slice(since)
      .some(
        (c) => c.method === 'chat.postMessage' && messageText(c.body).includes('your approval is withdrawn'),
      );
    expect(told, 'the approver was not told').toBe(true);
    const audit = await a.bot.deps.audit.recent(TEAM, 50);
    expect(audit.find((e) => e.action === 'plan.remove')).toMatchObject({
      result: 'ok',
      user: OWNER,
      target: `${id}: planned/${second!.key}`,
    });
    // The card shows one planned migration, in wave 1; wave 2 is gone with it.
    expect(after.planned?.[0]?.wave).toBe(1);

    // Two planned migrations of one name: the name is refused, saying their keys; a key takes one.
    await planMigration(id, 'one/', '3', 'twin-copy');
    await planMigration(id, 'two/', '3', 'twin-copy');
    await until(async () => ((await planOf(id)).planned?.length ?? 0) === 3, {
      what: 'two more planned migrations',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    const twins = (await planOf(id)).planned!.filter((p) => p.name === 'twin-copy');
    expect(twins).toHaveLength(2);
    const ambiguous = messageText(await b.ask(`plan remove ${id} twin-copy`, who));
    expect(ambiguous).toContain(
      `\`twin-copy\` names 2 planned migrations: type one of their keys (\`${twins[0]!.key}\`, \`${twins[1]!.key}\`). Nothing was removed.`,
    );
    expect((await planOf(id)).planned).toHaveLength(3);
    // The card gives each planned migration's key, to type here.
    expect(card(id)).toContain(`\`${twins[1]!.key}\``);
    expect(messageText(await b.ask(`plan remove ${id} ${CONNECTION}:${twins[1]!.key}`, who))).toContain(
      'Removed 1 migration',
    );
    expect((await planOf(id)).planned?.map((p) => p.key)).toEqual([first!.key, twins[0]!.key]);
  });
});
