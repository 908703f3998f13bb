import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlansState } from '../../../src/capabilities/plans/plan-service.js';
import type { Plan } from '../../../src/capabilities/plans/plan-types.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, mrkdwnTexts, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';

// Issue 74: every plan dialog says what its click does, with figures computed from the data the
// click uses, and each test here drives the click and checks it did just that (waves opened,
// migrations resumed and their bytes, migrations created, waves left closed, the sign-off). A plan
// of existing migrations is started from its card; a wave waiting its turn is not drawn red; Home
// counts a plan's migrations as its card does.

const CHANNEL = 'C0PLANDLG';
const APPROVALS = 'C0PLANDAP';
const OWNER = 'U0ALICE01';
const APPROVER = 'U0PLANAPR';
const BOB = 'U0PLANBOB';
const CONNECTION = 'hw-dlg';
const GiB = 1024 ** 3;
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = new TestBot();
const ix = new Interactions(t);
let views: ViewTracker;
const here = { userId: OWNER, channelId: CHANNEL };

beforeAll(async () => {
  await t.start({
    connections: (url) => [omsConnection(CONNECTION, url)],
    env: { POLL_INTERVAL_SECONDS: '0' },
    clock,
    watcher: { editBudget: { windowMs: 10_000, max: 1000 } },
  });
  views = new ViewTracker(t.fakeSlack);
  // 3 objects of 1 GiB under one/ and 5 of 2 GiB under two/: the planned migrations' pre-flight.
  t.oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'dialog-src',
    objects: [
      ...Array.from({ length: 3 }, (_, i) => ({ key: `one/${i}.bin`, size: GiB })),
      ...Array.from({ length: 5 }, (_, i) => ({ key: `two/${i}.bin`, size: 2 * GiB })),
    ],
  });
  await t.ask(`access grant <@${APPROVER}|appr> approver`, here);
  await t.ask(`access grant <@${BOB}> operator`, here);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`, here);
}, 60_000);
afterAll(async () => {
  views?.stop();
  await t.stop();
});

const say = async (text: string, who = here) => messageText(await t.ask(text, who));
const answerOf = async (click: Promise<{ answer(): Promise<Record<string, unknown>> }>) =>
  String((await (await click).answer()).text);
const status = (id: string) => t.oms.task(id)?.status;
const stateOf = () => t.bot.deps.capabilities.stateOf('plans') as PlansState;
const planOf = async (id: string): Promise<Plan> => (await stateOf().store.get('T0FAKE001', id))!;

async function cycles(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.bot.deps.watcher.runCycle();
    t.oms.clock.advance(2_000);
  }
}

/** The last drawing, in `channel`, of the post whose text holds `marker`. */
function drawn(channel: string, marker: string): Record<string, unknown> {
  const all = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === channel && messageText(c.body).includes(marker))
    .map((c) => c.body);
  expect(all.length, `nothing drawn with ${marker}`).toBeGreaterThan(0);
  return all.at(-1)!;
}

/** The confirmation a button's click shows first (its plain text). */
function dialog(body: Record<string, unknown>, action: string): string {
  const b = buttons(body).find((x) => x.action_id === action);
  expect(b, `no ${action} button`).toBeDefined();
  return String((b!.confirm as { text?: { text?: string } } | undefined)?.text?.text ?? '');
}

/** A paused OMS task of `gib` GiB, 10% moved; and what it has left to move, as the bot reads it. */
function paused(name: string, gib: number): { id: string; left: number } {
  const task = t.oms.addTask({ name, status: 3, progress: 0.1, totalSize: gib * GiB });
  return { id: task.id, left: task.totalSize - task.completeSize };
}

async function newPlan(name: string): Promise<string> {
  const id = /`(p[0-9a-f]{6})`/.exec(await say(`plan new ${name}`))?.[1];
  expect(id).toBeDefined();
  return id!;
}

/** A planned migration: the create form through `/migrate create`, its Plan and Wave filled. */
async function planMigration(plan: string, prefix: string, wave: string, bucket: string): Promise<void> {
  const before = views.shown.length;
  await t.command(`create ${CONNECTION} task`, here);
  const form: ShownView = await t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
  );
  // Slack marks an optional input "(optional)" itself: a label saying it too reads it twice.
  const inputs = (form.view.blocks ?? []) as { optional?: boolean; label?: { text?: string } }[];
  const optional = inputs.filter((b) => b.optional).map((b) => b.label?.text ?? '');
  expect(optional).toContain('Plan');
  for (const label of optional) expect(label).not.toMatch(/optional/i);
  const res = await ix.submit(
    form,
    {
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_region: 'us-east-1',
      src_bucket: 'dialog-src',
      src_objects: prefix,
      dst_region: 'cn-north-4',
      dst_bucket: bucket,
      bandwidth: '00:00-23:59=100MB/s',
      plan_name: plan,
      plan_wave: wave,
    },
    { userId: OWNER },
  );
  expect(res.body, JSON.stringify(res.body)).toBeUndefined();
}

describe('a plan’s dialogs say what their click does', () => {
  it('Start plan: on the card of a plan of existing migrations, and it does what it said', async () => {
    const id = await newPlan('startable');
    const a = paused('start-a', 1024);
    const b = paused('start-b', 512);
    const later = paused('start-later', 64);
    // The answer to `plan add` says how the plan is started.
    expect(await say(`plan add startable ${a.id} ${b.id}`)).toContain(`\`/migrate plan start ${id}\``);
    await say(`plan add startable ${later.id} wave 2`);
    // Waiting its turn is not a failure: no wave is drawn red.
    let card = drawn(CHANNEL, id);
    expect(mrkdwnTexts(card)).toMatch(/Wave 1\*[^\n]*\n:white_circle: waits for the plan to start/);
    expect(mrkdwnTexts(card)).not.toContain(':red_circle:');

    const said = dialog(card, 'plan.start');
    const left = ENGLISH.bytes(a.left + b.left);
    expect(said).toBe(
      `Starts plan startable now. Wave 1 opens at once. 2 paused migrations are resumed (${left} left to move). Wave 2 opens later, by its gate.`,
    );
    const answer = await answerOf(t.click('plan.start', id, here));
    // What it said: wave 1 open, wave 2 not; the two paused tasks resumed, nothing else.
    const plan = await planOf(id);
    expect(plan.status).toBe('running');
    expect(plan.waves['1']?.openedAt).toBeDefined();
    expect(plan.waves['2']?.openedAt).toBeUndefined();
    expect([1, 2]).toContain(status(a.id));
    expect([1, 2]).toContain(status(b.id));
    expect(status(later.id)).toBe(3);
    expect(answer).toBe(
      `Plan *startable* started. Wave 1 opened. 2 paused migrations were resumed (${left} left to move). Wave 2 opens later, by its gate.`,
    );
    const starts = (await t.bot.deps.audit.recent('T0FAKE001', 100)).filter(
      (e) => e.action === 'resume' && e.result === 'ok' && e.detail?.startsWith(`plan ${id}`),
    );
    expect(starts.map((e) => e.target).sort()).toEqual(
      [`${CONNECTION}:${a.id}`, `${CONNECTION}:${b.id}`].sort(),
    );
    await cycles(1);
    card = drawn(CHANNEL, id);
    // Wave 2 waits for wave 1: white; the Start button is gone once started.
    expect(mrkdwnTexts(card)).toMatch(/Wave 2\*[^\n]*\n:white_circle: held by start-a/);
    expect(buttons(card).some((x) => x.action_id === 'plan.start')).toBe(false);
    // A failure holding it is red.
    Object.assign(t.oms.task(a.id)!, { status: 4, errorReason: { error_code: 'OMS.0063', error_msg: 'x' } });
    await cycles(2);
    expect(mrkdwnTexts(drawn(CHANNEL, id))).toMatch(/:red_circle: held by start-a[^\n]*Failed/);
  });

  it('Cancel plan: says which waves will not open and what is left running, and so it is', async () => {
    const id = await newPlan('cancelling');
    const running = t.oms.addTask({ name: 'cancel-runs', status: 2, progress: 0.2, totalSize: 10 * GiB }).id;
    const second = paused('cancel-second', 8);
    const third = paused('cancel-third', 8);
    await say(`plan add cancelling ${running}`);
    await say(`plan add cancelling ${second.id} wave 2`);
    await say(`plan add cancelling ${third.id} wave 3`);
    await answerOf(t.click('plan.start', id, here));
    await cycles(1);
    const said = dialog(drawn(CHANNEL, id), 'plan.cancel');
    expect(said).toBe(
      'Waves 2, 3 will not open: the plan starts none of their 2 migrations. 1 running migration is left running: cancel-runs.',
    );
    const answer = await answerOf(t.click('plan.cancel', id, here));
    expect(answer).toBe(`Plan *cancelling* cancelled. ${said.replace('cancel-runs', '*cancel-runs*')}`);
    // What it said, after the gates' passes: waves 2 and 3 never open, their tasks stay paused,
    // and the running task still runs.
    await cycles(3);
    expect([1, 2, 5]).toContain(status(running));
    const plan = await planOf(id);
    expect(plan.status).toBe('cancelled');
    expect([plan.waves['2']?.openedAt, plan.waves['3']?.openedAt]).toEqual([undefined, undefined]);
    expect([status(second.id), status(third.id)]).toEqual([3, 3]);
  });

  it('Approve plan: says it starts the plan, resumes and creates, with figures; and does just that', async () => {
    const id = await newPlan('approvable');
    const existing = paused('approve-existing', 256);
    await say(`plan add approvable ${existing.id}`);
    await planMigration(id, 'one/', '1', 'dst-dialog-one');
    await planMigration(id, 'two/', '2', 'dst-dialog-two');
    await until(async () => ((await planOf(id)).planned?.length ?? 0) === 2, {
      what: 'two planned migrations',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    // Home counts the plan's migrations as its card does: the planned ones too.
    await until(() => mrkdwnTexts(drawn(CHANNEL, id)).includes('0 of 3 succeeded'), {
      what: 'the card counting 3 migrations',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    const published = t.fakeSlack.callsTo('views.publish').length;
    await t.event({ type: 'app_home_opened', user: OWNER, channel: 'D0001', tab: 'home' });
    const home = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[published]);
    expect(JSON.stringify(home.body)).toMatch(
      /\*approvable\* in <#C0PLANDLG>: not started, 0 of 2 waves open, 3 migrations, 2 of them planned/,
    );

    expect(await say(`plan submit ${id}`)).toContain('submitted');
    const post = drawn(APPROVALS, id);
    // The request no longer promises only "wave 1's migrations are created": its button says all.
    expect(mrkdwnTexts(post)).not.toContain("wave 1's migrations");
    const left = ENGLISH.bytes(existing.left);
    const said = dialog(post, 'plan.approve');
    expect(said).toBe(
      `Approving starts plan approvable now. Wave 1 opens at once. 1 paused migration is resumed (${left} left to move). 1 new migration is created (3.0 GiB). 1 more is created when its wave opens. Wave 2 opens later, by its gate.`,
    );
    const createdBefore = (await t.bot.deps.audit.recent('T0FAKE001', 500)).filter(
      (e) => e.action === 'create' && e.result === 'ok',
    ).length;
    const value = buttons(post).find((x) => x.action_id === 'plan.approve')!.value;
    const answer = await answerOf(t.click('plan.approve', value, { userId: APPROVER, channelId: APPROVALS }));
    expect(answer).toBe(
      `Plan *approvable* approved. Wave 1 opened. 1 paused migration was resumed (${left} left to move). 1 new migration is being created (3.0 GiB). 1 more is created when its wave opens. Wave 2 opens later, by its gate.`,
    );
    await until(() => mrkdwnTexts(drawn(APPROVALS, id)).includes(`Approved by <@${APPROVER}>`), {
      what: 'the request redrawn approved',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    expect(mrkdwnTexts(drawn(APPROVALS, id))).not.toContain("wave 1's migrations");
    // What it said: the plan runs, wave 1 open and wave 2 not, the paused task resumed, one created.
    const plan = await planOf(id);
    expect(plan.status).toBe('running');
    expect(plan.waves['1']?.openedAt).toBeDefined();
    expect(plan.waves['2']?.openedAt).toBeUndefined();
    expect([1, 2]).toContain(status(existing.id));
    await until(
      async () =>
        (await t.bot.deps.audit.recent('T0FAKE001', 500)).filter(
          (e) => e.action === 'create' && e.result === 'ok',
        ).length ===
        createdBefore + 1,
      { what: 'one migration created', timeoutMs: 15_000, everyMs: 50 },
    );
    await cycles(2);
    const after = await planOf(id);
    expect(after.resources).toHaveLength(2);
    expect(after.planned?.map((p) => p.wave)).toEqual([2]);
  });

  it('Sign off plan: a modal says what is signed off, with the report’s figures, and takes a note', async () => {
    const id = await newPlan('signable');
    const task = paused('sign-this', 4);
    await say(`plan add signable ${task.id}`);
    await answerOf(t.click('plan.start', id, here));
    const sim = t.oms.task(task.id)!;
    Object.assign(sim, { status: 5, completeSize: sim.totalSize, successfulNum: sim.totalNum });
    await until(
      async () => {
        await cycles(1);
        return (await planOf(id)).status === 'ended';
      },
      { what: 'the plan ended', timeoutMs: 20_000, everyMs: 20 },
    );
    const marker = 'Report of plan *signable*';
    let report = mrkdwnTexts(drawn(CHANNEL, marker));
    expect(report).toContain('signed off by nobody yet');
    // Its owner is refused at once, with no modal.
    const before = views.shown.length;
    expect(await answerOf(t.click('plan.signoff', id, here))).toContain('someone else signs');
    await t.settled();
    expect(views.shown.slice(before).some((v) => v.view.callback_id === 'plan.signoff.note')).toBe(false);
    await t.click('plan.signoff', id, { userId: BOB, channelId: CHANNEL });
    const modal = await t.fakeSlack.waitFor(() =>
      views.shown.slice(before).find((v) => v.view.callback_id === 'plan.signoff.note'),
    );
    const intro = mrkdwnTexts({ blocks: modal.view.blocks });
    const moved = ENGLISH.bytes(sim.totalSize);
    expect(intro).toContain(
      `You sign off plan *signable*: 1 migration in 1 wave, 1 succeeded, 0 failed, ${moved} moved.`,
    );
    // The figures are the report's own.
    expect(report).toContain(`Moved ${moved}`);
    await ix.submit(modal, { 'plan-signoff-note': 'checked the CSV' }, { userId: BOB });
    await until(async () => (await planOf(id)).signedOff !== undefined, {
      what: 'the plan signed off',
      timeoutMs: 15_000,
      everyMs: 50,
    });
    expect((await planOf(id)).signedOff).toMatchObject({ by: BOB, note: 'checked the CSV' });
    report = await until(
      async () => {
        const text = mrkdwnTexts(drawn(CHANNEL, marker));
        return text.includes('Plan signed off by') ? text : undefined;
      },
      { what: 'the report redrawn', timeoutMs: 15_000, everyMs: 50 },
    );
    expect(report).toContain(`Plan signed off by <@${BOB}>. Note: “checked the CSV”`);
    // Each wave's line names who signed it off: the plan's signer, no longer "nobody yet".
    expect(report).toMatch(new RegExp(`\\*Wave 1\\*[^\\n]*signed off by <@${BOB}> \\(the whole plan\\)`));
    expect(report).not.toContain('nobody yet');
  });

  it('New migration in this plan: the form’s button says Add to plan, and its note what that does', async () => {
    const id = await newPlan('form-words');
    const before = views.shown.length;
    await t.click('plan.newMigration', id, here);
    // The connection has two kinds: the picker first, the plan carried through it.
    const picker = await t.fakeSlack.waitFor(() =>
      views.shown.slice(before).find((v) => v.view.callback_id === 'migrate_create.pick'),
    );
    await ix.submit(picker, { target: `${CONNECTION}|task` }, { userId: OWNER });
    const form = await t.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    expect((form.view.submit as { text: string }).text).toBe('Add to plan');
    expect(mrkdwnTexts({ blocks: form.view.blocks })).toContain(
      'Not sent for approval on its own: kept in plan form-words (wave 1)',
    );
    // Without a plan, the form asks for approval, as it says.
    const plain = views.shown.length;
    await t.command(`create ${CONNECTION} task`, here);
    const asked = await t.fakeSlack.waitFor(() =>
      views.shown
        .slice(plain)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
    expect((asked.view.submit as { text: string }).text).toBe('Request approval');
  });

  it('Approve plan, when a rule asks for two approvers: the first says it only counts, and so it does', async () => {
    const SECOND = 'U0PLANAP2';
    await t.ask(`access grant <@${SECOND}|appr2> approver`, here);
    expect(await say(`policy add two-dlg approvers=2 connections=${CONNECTION}`)).toContain(
      'Added guardrail',
    );
    try {
      const id = await newPlan('two-approvers');
      await planMigration(id, 'one/', '1', 'dst-dialog-twice');
      await until(async () => ((await planOf(id)).planned?.length ?? 0) === 1, {
        what: 'a planned migration',
        timeoutMs: 15_000,
        everyMs: 50,
      });
      await say(`plan submit ${id}`);
      const first = drawn(APPROVALS, id);
      expect(dialog(first, 'plan.approve')).toBe(
        'Counts your approval: 1 of 2. Nothing starts and nothing is created until the last approver approves.',
      );
      const value = buttons(first).find((x) => x.action_id === 'plan.approve')!.value;
      expect(await answerOf(t.click('plan.approve', value, { userId: APPROVER, channelId: APPROVALS }))).toBe(
        'Your approval is counted: 1 of 2.',
      );
      // What it said: nothing started, nothing handed to be created.
      let plan = await planOf(id);
      expect(plan.status).toBe('draft');
      expect(plan.waves['1']?.openedAt).toBeUndefined();
      expect(plan.planned?.[0]?.approval).toBeUndefined();
      // The request is redrawn: the last approval's button says everything it does.
      const second = await until(
        () => {
          const post = drawn(APPROVALS, id);
          return dialog(post, 'plan.approve').startsWith('Approving') ? post : undefined;
        },
        { what: 'the request redrawn for the last approver', timeoutMs: 15_000, everyMs: 50 },
      );
      expect(dialog(second, 'plan.approve')).toBe(
        'Approving starts plan two-approvers now. Wave 1 opens at once. 1 new migration is created (3.0 GiB).',
      );
      const answer = await answerOf(t.click('plan.approve', value, { userId: SECOND, channelId: APPROVALS }));
      expect(answer).toBe(
        'Plan *two-approvers* approved. Wave 1 opened. 1 new migration is being created (3.0 GiB).',
      );
      plan = await planOf(id);
      expect(plan.status).toBe('running');
      expect(plan.planned?.[0]?.approval ?? plan.resources[0]?.id).toBeDefined();
    } finally {
      await say('policy remove two-dlg');
    }
  });
});
