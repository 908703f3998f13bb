import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinalDelta } from '../../../src/capabilities/cutover/cut-delta.js';
import { noticeOnce } from '../../../src/capabilities/cutover/cut-freeze.js';
import {
  asHolder,
  beatStep,
  type Hold,
  holder,
  STEP_LEASE_MS,
} from '../../../src/capabilities/cutover/cut-lease.js';
import { type Cutover, changeCut, cutOf } from '../../../src/capabilities/cutover/cut-record.js';
import { slackDate } from '../../../src/slack/blocks/format.js';
import { code } from '../../../src/slack/blocks/mrkdwn.js';
import { BOB, CutoverWorld, STARTER } from './cutover-world.js';

// Issue 76's leftover: a step whose replica dies mid-way (kill -9 during the freeze notice, the
// final delta's start or the bucket check) stayed "running" forever. Here replica a is the holder
// that is gone: its claim is forged (with what it had done before it died), a never ticks again,
// and b takes the step over once the clock passed the lease, finishing the cut-over: the freeze
// notice posted once, the final delta created once, "Cut-over complete" once.
const w = new CutoverWorld();
const { a, b, clock } = w;
const TEAM = 'T0FAKE001';

beforeAll(() => w.start({ history: true }), 60_000);
afterAll(() => w.stop());

const kv = () => w.state(b).core.state;
/** Only the replica that lives ticks. */
async function tickB(times = 2) {
  for (let i = 0; i < times; i++) await b.bot.scheduler.tick('cycle');
}
async function cutOfTask(id: string): Promise<Cutover> {
  const cut = await cutOf(kv(), TEAM, w.connection, id);
  expect(cut).toBeDefined();
  return cut!;
}
/** What the gone replica a wrote before it died: step `name` held by it since now (`more`: the rest). */
async function forge(cut: Cutover, name: 'freeze' | 'delta' | 'check', more: Partial<Cutover['steps']> = {}) {
  const gone: Hold = { by: holder(w.state(a)), at: clock.now() };
  const held = { state: 'running' as const, ...gone };
  await changeCut(kv(), TEAM, cut.id, (c) => ({ ...c, steps: { ...c.steps, ...more, [name]: held } }));
  return gone;
}
const green = { state: 'green' as const, at: 0 };

/** The rest of the cut-over on b alone: the final delta, the check, the sign-off by another approver. */
async function finish(id: string) {
  await tickB(2);
  a.oms.clock.advance(5_000);
  await tickB(2);
  await a.fakeSlack.waitFor(() => /Check the buckets: \*done/.test(w.postText(id)), 20_000);
  await tickB(2);
  const sign = w.postButton(id, 'cutover.cut.signoff');
  expect(sign, w.postText(id)).toBeDefined();
  await (await b.click(sign!.action_id, sign!.value, BOB)).answer();
  await tickB(2);
  expect(w.completes(id)).toHaveLength(1);
  await tickB(2);
  expect(w.completes(id)).toHaveLength(1);
  expect(w.postText(id)).not.toContain(':arrows_counterclockwise:');
}

describe('a cut-over step whose replica died', () => {
  it('is taken over after the lease: the freeze notice its holder posted is not posted again', async () => {
    const task = await w.migrated('take-freeze');
    await w.startCutover(task.id);
    const cut = await cutOfTask(task.id);
    // a claimed the freeze, posted the notice in the channel, and died before marking it posted.
    const gone = await forge(cut, 'freeze');
    const values = {
      ref: code(`${w.connection}:${task.id}`),
      minutes: 30,
      ends: slackDate(new Date(gone.at + 30 * 60_000)),
    };
    await noticeOnce(w.state(a), await cutOfTask(task.id), { ...values, starter: `<@${STARTER}>` });
    await changeCut(kv(), TEAM, cut.id, (c) => ({ ...c, once: ['notice'] }));
    expect(w.channelFreezes(task.id)).toHaveLength(1);
    // Within the lease the step is still a's.
    await tickB(2);
    expect((await cutOfTask(task.id)).steps.freeze.state).toBe('running');
    clock.advance(STEP_LEASE_MS);
    await tickB(1);
    const freeze = (await cutOfTask(task.id)).steps.freeze;
    expect(freeze.state).toBe('green');
    // The end b says is the one a's notice said: counted from a's claim, not from the takeover.
    expect(freeze.detail).toBe(slackDate(new Date(gone.at + 30 * 60_000)));
    expect(w.history?.lookups).toBeGreaterThan(0);
    await finish(task.id);
    expect(w.channelFreezes(task.id)).toHaveLength(1);
    expect(w.said(task.id, /-freeze$/)).toHaveLength(1);
    expect(w.finalDeltas('take-freeze')).toHaveLength(1);
    const audit = await b.bot.deps.audit.recent(TEAM, 300);
    const mine = audit.filter((e) => e.target?.includes(task.id));
    expect(mine.filter((e) => e.action === 'cutover.started')).toHaveLength(1);
    expect(mine.some((e) => e.detail?.includes('taken over from'))).toBe(true);
  });

  it('starts the final delta once when its holder died before recording it; the late holder writes nothing', async () => {
    const task = await w.migrated('take-delta');
    await w.startCutover(task.id);
    const cut = await cutOfTask(task.id);
    const gone = await forge(cut, 'delta', { freeze: green });
    // What a did before it died: the final delta asked, admitted and created at the provider.
    await startFinalDelta(w.state(a), await cutOfTask(task.id), clock.now());
    expect(w.finalDeltas('take-delta')).toHaveLength(1);
    await tickB(2);
    expect((await cutOfTask(task.id)).delta).toBeUndefined();
    clock.advance(STEP_LEASE_MS);
    await tickB(1);
    const taken = await cutOfTask(task.id);
    expect(taken.delta?.approval).toBeDefined();
    expect(taken.steps.delta).toMatchObject({ state: 'running', by: holder(w.state(b)) });
    // a wakes with its own answer (the delta refused): its hold no longer matches, nothing is written.
    const late = await asHolder(kv(), cut, 'delta', gone, () => ({ state: 'red', at: clock.now() }));
    expect(late).toBeUndefined();
    expect(await beatStep(kv(), cut, 'delta', gone, clock.now())).toBe(false);
    expect((await cutOfTask(task.id)).steps.delta.state).toBe('running');
    await finish(task.id);
    expect(w.finalDeltas('take-delta')).toHaveLength(1);
  });

  it('runs the check again after the lease, and a holder that beats keeps its step', async () => {
    const task = await w.migrated('take-check');
    await w.startCutover(task.id);
    const cut = await cutOfTask(task.id);
    const gone = await forge(cut, 'check', { freeze: green, delta: green });
    // A holder that gives a sign of life keeps its step past the first lease.
    clock.advance(STEP_LEASE_MS - 10_000);
    expect(await beatStep(kv(), cut, 'check', gone, clock.now())).toBe(true);
    clock.advance(20_000);
    await tickB(2);
    expect((await cutOfTask(task.id)).steps.check.by).toBe(gone.by);
    clock.advance(STEP_LEASE_MS);
    await tickB(1);
    expect((await cutOfTask(task.id)).steps.check.by).toBe(holder(w.state(b)));
    await a.fakeSlack.waitFor(() => /Check the buckets: \*done/.test(w.postText(task.id)), 20_000);
    expect((await cutOfTask(task.id)).steps.check.state).toBe('green');
    await finish(task.id);
  });
});
