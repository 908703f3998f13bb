import { describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';

// Issue 60, through signed requests: a plan of existing OMS tasks in three waves, each wave opened
// by the gate job (before a cycle polls) once its gate is met, its paused tasks resumed as the
// plan's owner; a failed task holds the next wave and the card names it; Pause/Resume plan touch
// only what they should; bad input is refused with its reason and changes nothing.

const CHANNEL = 'C0PLANS01';
const OWNER = 'U0ALICE01';
const VIEWER = 'U0VIEWER1';
const BOB = 'U0PLANBOB';
const GiB = 1024 ** 3;
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = omsBot({ clock, watcher: { editBudget: { windowMs: 10_000, max: 1000 } } });
const here = { userId: OWNER, channelId: CHANNEL };

async function cycles(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.bot.deps.watcher.runCycle();
    t.oms.clock.advance(2_000);
  }
}

const say = async (text: string, who = here) => messageText(await t.ask(text, who));
const status = (id: string) => t.oms.task(id)?.status;

/** The plan's card as the fake Slack last drew it (posted, then edited). */
function card(planId: string): { text: string; body: Record<string, unknown> } {
  const drawn = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes(planId))
    .map((c) => c.body);
  expect(drawn.length, `no card of ${planId}`).toBeGreaterThan(0);
  const body = drawn.at(-1)!;
  return { text: mrkdwnTexts(body), body };
}

function paused(name: string): string {
  return t.oms.addTask({ name, status: 3, progress: 0.1, totalSize: 1024 * GiB }).id;
}

function succeed(id: string): void {
  const task = t.oms.task(id)!;
  Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
}

async function newPlan(name: string): Promise<string> {
  const answer = await say(`plan new ${name}`);
  const id = /`(p[0-9a-f]{6})`/.exec(answer)?.[1];
  expect(id, answer).toBeDefined();
  return id!;
}

describe('a plan in waves', () => {
  it('opens each wave once its gate is met, and a failed task holds the next one until retried', async () => {
    const id = await newPlan('estate');
    expect(card(id).text).toContain('Plan *estate*');
    const w1 = paused('rehearsal-small');
    const w2 = paused('weekend-big');
    const w3 = paused('live-last');
    expect(await say(`plan add estate ${w1}`)).toContain('wave 1');
    expect(await say(`plan add ${id} ${w2} wave 2`)).toContain('wave 2');
    expect(await say(`plan add estate ${w3} wave 3`)).toContain('wave 3');
    expect(await say('plan gate estate wave 3 after succeeded +2h')).toContain('Wave 3');

    // Not started: nothing opens, whatever the cycles.
    await cycles(2);
    expect([status(w1), status(w2), status(w3)]).toEqual([3, 3, 3]);
    expect(card(id).text).toContain('waits for the plan to start');

    expect(await say('plan start estate')).toContain('started');
    await cycles(2);
    // Wave 1 opened: its paused task was resumed (as the owner, through the background actor).
    expect([1, 2]).toContain(status(w1));
    expect(status(w2)).toBe(3);
    await cycles(1);
    // Waiting its turn (wave 1 still runs) is not a failure: white, not red.
    expect(card(id).text).toMatch(
      /Wave 2\*[^\n]*\n:white_circle: held by rehearsal-small on `hw-prod` in wave 1/,
    );
    // The card's ETA is that of what runs in the open waves (the resources' own ETAs).
    expect(card(id).text).toMatch(/ETA of the open waves <!date\^\d+\^/);

    // Wave 1 succeeds: wave 2 opens on the next pass; its task starts.
    succeed(w1);
    await cycles(3);
    expect([1, 2]).toContain(status(w2));
    expect(status(w3)).toBe(3);

    // Wave 2's task fails: wave 3 is held, and the card says by which task.
    const task2 = t.oms.task(w2)!;
    Object.assign(task2, { status: 4, errorReason: { error_code: 'OMS.0063', error_msg: 'x' } });
    await cycles(3);
    expect(status(w3)).toBe(3);
    expect(card(id).text).toMatch(/held by weekend-big on `hw-prod` in wave 2 \(:x: Failed\)/);
    // The plan's resources have no card of their own: its failure is posted in the plan's channel.
    const posts = t.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
    const aboutOnly = (name: string) =>
      posts.filter((c) => messageText(c.body).includes(name) && !messageText(c.body).includes(id));
    expect(aboutOnly('weekend-big').length).toBeGreaterThan(0);
    expect(aboutOnly('rehearsal-small')).toEqual([]);

    // Retried and succeeded: wave 3's gate is met, and it waits its two hours, then opens.
    expect(await say(`retry ${w2}`)).not.toContain('rror');
    succeed(w2);
    await cycles(3);
    expect(status(w3)).toBe(3);
    expect(card(id).text).toMatch(
      /Wave 3\* · opens 2 h after the wave before it has succeeded\n:white_circle: opens/,
    );
    clock.advance(2 * 3_600_000);
    await cycles(3);
    expect([1, 2]).toContain(status(w3));
    // The last wave succeeds: the plan ends, and lets its migrations go (another plan may take them).
    succeed(w3);
    await cycles(3);
    expect(card(id).text).toContain('· ended');
    const ends = (await t.bot.deps.audit.recent('T0FAKE001', 200)).filter((e) => e.action === 'plan.end');
    expect(ends.map((e) => e.target)).toContain(id);
    // The plan report: posted once, its figures those of the card (one view draws both).
    const reports = t.fakeSlack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes(`Report of plan *estate*`));
    expect(reports).toHaveLength(1);
    const report = mrkdwnTexts(reports[0]!.body);
    const moved = (text: string) => /Moved [^\n]*/.exec(text)?.[0];
    expect(moved(report)).toBeDefined();
    expect(moved(report)).toBe(moved(card(id).text));
    expect(report).toMatch(/\*Wave 1\* · [^·]+ · 1 of 1 succeeded · 0 failed/);
    expect(report).toMatch(/\*Wave 3\* · /);
    await cycles(2);
    expect(
      t.fakeSlack
        .callsTo('chat.postMessage')
        .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes(`Report of plan *estate*`)),
    ).toHaveLength(1);
    expect(buttons(card(id).body)).toEqual([]);
    // Sign off plan, on the report: refused to its owner, then someone else signs it, once.
    const reportBody = reports[0]!.body;
    const signOff = buttons(reportBody).find((b) => b.action_id === 'plan.signoff');
    expect(signOff?.value).toBe(id);
    expect(messageText(await (await t.click('plan.signoff', id, here)).answer())).toContain(
      'someone else signs',
    );
    await say(`access grant <@${BOB}> operator`);
    const bob = { userId: BOB, channelId: CHANNEL };
    // Someone else: a modal says what is signed off and takes a note (plans-dialogs.test.ts).
    const signViews = new ViewTracker(t.fakeSlack);
    try {
      await t.click('plan.signoff', id, bob);
      const modal = await t.fakeSlack.waitFor(() =>
        signViews.shown.find((v) => v.view.callback_id === 'plan.signoff.note'),
      );
      await new Interactions(t).submit(modal, {}, { userId: BOB });
      await t.settled();
    } finally {
      signViews.stop();
    }
    const redrawn = t.fakeSlack
      .callsTo('chat.update')
      .filter((c) => c.body.channel === CHANNEL && messageText(c.body).includes('Report of plan *estate*'));
    expect(mrkdwnTexts(redrawn.at(-1)!.body)).toContain(`Plan signed off by <@${BOB}>.`);
    expect(buttons(redrawn.at(-1)!.body)).toEqual([]);
    expect(messageText(await (await t.click('plan.signoff', id, bob)).answer())).toContain(
      'Already signed off',
    );
    await newPlan('estate-next');
    expect(await say(`plan add estate-next ${w3}`)).toContain('Added 1');

    // Every change is in the audit log; the starts are the owner's, naming the plan and wave.
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 100);
    const actions = audit.map((e) => e.action);
    for (const a of ['plan.new', 'plan.add', 'plan.gate', 'plan.start']) expect(actions).toContain(a);
    const opened = audit.filter((e) => e.action === 'plan.wave' && e.target?.startsWith(id));
    expect(opened.map((e) => e.target).sort()).toEqual([`${id} wave 1`, `${id} wave 2`, `${id} wave 3`]);
    const starts = audit.filter((e) => e.action === 'resume' && e.detail?.startsWith(`plan ${id}`));
    expect(starts.map((e) => e.detail)).toEqual(
      expect.arrayContaining([expect.stringContaining('wave 1'), expect.stringContaining('wave 3')]),
    );
    expect(starts.filter((e) => e.target === `hw-prod:${w1}`)).toHaveLength(1);

    // The resource's own card names its plan and wave (the capability's fact).
    expect(await say('plan list')).toContain('estate');
    const show = await say(`plan show ${id}`);
    expect(show).toContain('Wave 3');
  });

  it('draws the card in the channel’s language', async () => {
    const KO = 'C0PLANSKO';
    await t.ask(`settings language ko <#${KO}|ko>`);
    const answer = messageText(await t.ask('plan new seoul-wave', { userId: OWNER, channelId: KO }));
    const id = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const task = paused('seoul-bucket');
    await t.ask(`plan add seoul-wave ${task} wave 2`, { userId: OWNER, channelId: KO });
    const drawn = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
      .filter((c) => c.body.channel === KO && messageText(c.body).includes(id))
      .map((c) => mrkdwnTexts(c.body));
    expect(drawn.at(-1)).toContain('계획 *seoul-wave*');
    expect(drawn.at(-1)).toContain('웨이브 2');
    expect(drawn.at(-1)).toContain('계획 시작을 기다리는 중');
  });

  it('lists the plans on the Home tab', async () => {
    await newPlan('homeward');
    const before = t.fakeSlack.callsTo('views.publish').length;
    await t.event({ type: 'app_home_opened', user: OWNER, channel: 'D0001', tab: 'home' });
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[before]);
    const text = JSON.stringify(call.body);
    expect(text).toContain('*Plans*');
    expect(text).toMatch(/\*homeward\* in <#C0PLANS01>: not started, 0 of 0 waves open/);
  });

  it('refuses bad input with the reason, and changes nothing', async () => {
    const id = await newPlan('refusals');
    const a = paused('refused-a');
    const before = card(id).text;
    expect(await say(`plan add refusals ${a} no-such-task-zz`)).toMatch(/no-such-task-zz|not found|No /i);
    expect(await say('plan gate refusals wave 1 after succeeded')).toContain('Wave 1 has no wave before it');
    expect(await say('plan gate refusals wave 2 at 2020-01-01 10:00 UTC')).toContain('has passed');
    expect(await say('plan gate refusals wave 21 after succeeded')).toContain('1 to 20');
    expect(await say('plan new refusals')).toContain('already');
    expect(await say('plan start refusals')).toContain('no migrations yet');
    // A viewer may not build a plan.
    expect(await say(`plan add refusals ${a}`, { userId: VIEWER, channelId: CHANNEL })).not.toContain(
      'Added',
    );
    expect(card(id).text).toBe(before);
    const plan = await t.bot.deps.capabilities.stateOf('plans');
    expect(plan).toBeDefined();

    // A task is in one open plan at a time.
    expect(await say(`plan add refusals ${a}`)).toContain('Added 1');
    await newPlan('second');
    expect(await say(`plan add second ${a}`)).toContain('which is open');
  });

  it('holds a wave until the one before it is signed off, on the verification in its card', async () => {
    const id = await newPlan('signed');
    const first = paused('sign-me');
    const next = paused('after-sign');
    await say(`plan add signed ${first}`);
    await say(`plan add signed ${next} wave 2`);
    expect(await say('plan gate signed wave 2 after signed-off')).toContain('signed off');
    await say('plan start signed');
    await cycles(2);
    succeed(first);
    // Wave 1's task has a card (sign-off is on its verification post): it ends, and is verified.
    const verification = await until(
      async () => {
        await cycles(1);
        return t.fakeSlack
          .callsTo('chat.postMessage')
          .find((c) => c.body.channel === CHANNEL && messageText(c.body).includes('Verification of sign-me'));
      },
      { what: 'the verification post of sign-me', timeoutMs: 20_000, everyMs: 20 },
    );
    await cycles(2);
    expect(status(next)).toBe(3);
    expect(card(id).text).toMatch(/held by sign-me on `hw-prod` in wave 1 \(:white_check_mark: Succeeded\)/);
    // Someone other than who asked signs it off; the next pass opens wave 2.
    await say(`access grant <@${BOB}> operator`);
    const sign = buttons(verification.body).find((b) => b.text === 'Sign off')!;
    const views = new ViewTracker(t.fakeSlack);
    try {
      const before = views.shown.length;
      await t.click(sign.action_id, sign.value, { userId: BOB, channelId: CHANNEL });
      await t.settled();
      const modal = views.shown[before]!;
      await new Interactions(t).submit(modal, { 'signoff-note': 'spot-checked' }, { userId: BOB });
      await t.settled();
    } finally {
      views.stop();
    }
    await cycles(2);
    expect([1, 2]).toContain(status(next));
  });

  it('takes out a migration that failed for good, and the next wave opens', async () => {
    const id = await newPlan('takeout');
    const broken = paused('broken-for-good');
    const next = paused('after-broken');
    await say(`plan add takeout ${broken}`);
    await say(`plan add takeout ${next} wave 2`);
    await say('plan start takeout');
    await cycles(2);
    Object.assign(t.oms.task(broken)!, {
      status: 4,
      errorReason: { error_code: 'OMS.0063', error_msg: 'x' },
    });
    await cycles(3);
    expect(card(id).text).toContain('held by broken-for-good');
    expect(status(next)).toBe(3);
    // Not in the plan: refused, nothing removed.
    expect(await say(`plan remove takeout ${next} zz-not-there`)).toContain('is not in plan');
    expect(await say(`plan remove takeout ${broken}`)).toContain('Removed 1 migration');
    await cycles(3);
    expect([1, 2]).toContain(status(next));
    expect(card(id).text).not.toContain('broken-for-good');
    // It can join another plan now.
    await newPlan('takeout-two');
    expect(await say(`plan add takeout-two ${broken}`)).toContain('Added 1');
  });

  it('Pause plan pauses what runs and Resume plan resumes only what it paused', async () => {
    const id = await newPlan('pausing');
    const run1 = t.oms.addTask({ name: 'run-one', status: 2, progress: 0.2, totalSize: 1024 * GiB }).id;
    const run2 = t.oms.addTask({ name: 'run-two', status: 2, progress: 0.2, totalSize: 1024 * GiB }).id;
    const held = paused('held-by-hand');
    await say(`plan add pausing ${run1} ${run2}`);
    await say(`plan add pausing ${held} wave 2`);
    await say('plan start pausing');
    await cycles(2);

    // The confirmation lists what Pause touches.
    const pause = buttons(card(id).body).find((b) => b.action_id === 'plan.pause');
    expect(JSON.stringify(pause?.confirm)).toMatch(/run-one.*run-two|run-two.*run-one/);
    const paused1 = await (await t.click('plan.pause', id, here)).answer();
    expect(messageText(paused1)).toContain('2 migrations paused');
    await cycles(2);
    expect([status(run1), status(run2)]).toEqual([3, 3]);

    // Someone resumes run-two by hand and pauses it again: the plan's Resume leaves it.
    clock.advance(60_000);
    await say(`resume ${run2}`);
    await cycles(1);
    await say(`pause ${run2}`);
    await cycles(2);
    expect(status(run2)).toBe(3);

    const resume = buttons(card(id).body).find((b) => b.action_id === 'plan.resume');
    expect(JSON.stringify(resume?.confirm)).toContain('stays paused');
    const resumed = messageText(await (await t.click('plan.resume', id, here)).answer());
    expect(resumed).toContain('1 migration resumed');
    expect(resumed).toContain('run-two');
    await cycles(1);
    expect([1, 2]).toContain(status(run1));
    expect(status(run2)).toBe(3);
    // The wave 2 task (paused by hand, never by the plan) was not touched.
    expect(status(held)).toBe(3);

    // Cancel: no later wave opens; what runs is left running, said so.
    const cancelled = messageText(await (await t.click('plan.cancel', id, here)).answer());
    expect(cancelled).toContain('cancelled');
    succeed(run1);
    succeed(run2);
    await cycles(3);
    expect(status(held)).toBe(3);
    expect(card(id).text).toContain('cancelled');
  });
});
