import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { retryFactOf } from '../../../src/capabilities/auto-retry/retry-fact.js';
import { eventsOfEntries } from '../../../src/capabilities/events/envelope.js';
import { classifyCode } from '../../../src/catalogue/code-classes.js';
import { eventEntries } from '../../../src/watcher/outbox/event-entries.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { autoRetryBot } from './auto-retry-rig.js';

// Issue 77: failures that fix themselves. A transient or network failure on a connection whose
// retry policy is on is held back (no broadcast, nobody paged), retried through the Retry use case
// as the admin who turned the policy on, once per attempt, on the one scheduler and the bot's
// clock; what is never retried (credentials, permissions, configuration, not-found, quota) is
// told as today and never retried; a spent budget and a freeze are told once, with the history.
const CHANNEL = 'C0AUTORT1';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOBVIEW';
const MIN = 60_000;
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync('docs/events.schema.json', 'utf8')) as object);
const { t, clock, posts, keyOf, broadcasts, starts, card, recordOf } = autoRetryBot(
  CHANNEL,
  ['hw-prod', 'hw-tight', 'hw-cold', 'hw-off'],
  [
    'settings escalation remind 1',
    'settings retry hw-tight on max 3 after 1 budget 1',
    'settings retry hw-cold on max 3 after 1',
  ],
);

/** Moves the bot's clock (the backoff, the budget's day). */
function advance(ms: number) {
  clock.advance(ms);
}
/**
 * Moves the simulator's tasks on: its gateway checks requests' signatures (signed on the wall
 * clock) within 15 minutes of its own, so it moves only as far as the tasks need.
 */
function simAdvance(ms: number) {
  t.oms.clock.advance(ms);
}

/** The thread's posts saying `text` (the completion report, which keeps the runs, aside). */
const said = (id: string, text: string) =>
  posts.filter(
    (c) => keyOf(c).includes(id) && !keyOf(c).endsWith(':report') && mrkdwnTexts(c.body).includes(text),
  );

async function cyclesUntil<T>(check: () => Promise<T | undefined | false>, what: string): Promise<T> {
  return until(
    async () => {
      const value = await check();
      if (!value) await t.bot.deps.watcher.runCycle();
      return value;
    },
    { what, timeoutMs: 30_000, everyMs: 20, checks: 60 },
  );
}

/** A watched task that fails with `code` a moment after it is watched (once: a retry runs clean). */
async function failing(name: string, code: string, connection = 'hw-prod') {
  const task = t.oms.addTask({
    name,
    status: 2,
    progress: 0.1,
    totalSize: 20 * 1024 ** 3,
    failAt: 0.4,
    failCode: code,
  });
  const watched = messageText(await t.ask(`watch ${connection}:${task.id} <#${CHANNEL}|ops>`));
  expect(watched, watched).toContain(task.id);
  simAdvance(7_000);
  await cyclesUntil(async () => (await recordOf(task.id)).state === 'failed', `${name} failed`);
  return task;
}

/** The scheduler's tick and a cycle, a few times (each bounded): what a due retry needs. */
async function tickAndCycle(n = 3) {
  for (let i = 0; i < n; i++) {
    await t.bot.scheduler.tick('cycle');
    await t.bot.deps.watcher.runCycle();
  }
}

describe('the retry policy from Slack', () => {
  it('is set by workspace admins only, within its bounds, naming what would pass', async () => {
    const viewer = messageText(await t.ask('settings retry hw-prod on', { userId: BOB }));
    expect(viewer).toMatch(/admin/i);
    expect(messageText(await t.ask('settings retry hw-prod on max 11'))).toContain('At most 10 retries');
    expect(messageText(await t.ask('settings retry hw-prod on after 0'))).toContain('between 1 and');
    expect(messageText(await t.ask('settings retry hw-prod on classes transient,quota'))).toContain(
      'never retried automatically',
    );
    expect(messageText(await t.ask('settings retry nowhere on'))).toContain(
      'No connection is called nowhere',
    );
    const set = messageText(await t.ask('settings retry hw-prod on max 3 after 1'));
    expect(set).toContain('Automatic retries on hw-prod updated');
    expect(set).toContain('up to 3 per failure');
  });
});

describe('a transient failure on a connection that retries', () => {
  it('is held quietly, retried once after the backoff as the policy’s admin, and says it succeeded', async () => {
    expect(classifyCode('TRF.0001')).toBe('transient');
    const task = await failing('ar-transient', 'TRF.0001');
    const fact = retryFactOf(await recordOf(task.id));
    expect(fact).toMatchObject({ status: 'waiting', attempt: 1, max: 3, cls: 'transient', by: ALICE });
    await tickAndCycle(2);
    // Quiet: no broadcast, no failure reply, nobody reminded (escalation is on at 1 min).
    expect(broadcasts(task.id)).toEqual([]);
    expect(said(task.id, 'retrying automatically, 1 of 3')).not.toEqual([]);
    const drawn = await until(() => card(task.id), { what: 'the card' });
    expect(mrkdwnTexts(drawn)).toContain('retrying automatically, 1 of 3');
    expect(buttons(drawn).map((b) => b.action_id)).toEqual(
      expect.arrayContaining(['auto-retry.now', 'auto-retry.stop']),
    );
    expect(starts(task.id)).toBe(0);
    // The API says the same to a viewer's token.
    const answer = messageText(await t.ask('token add ar-viewer viewer'));
    const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)?.[1];
    expect(token, answer).toBeDefined();
    const view = await fetch(`${t.url}/api/v1/resources/${encodeURIComponent(`hw-prod:${task.id}`)}/retry`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({
      policy: { max: 3, afterMinutes: 1, by: ALICE, from: 'slack' },
      retry: { status: 'waiting', attempt: 1, max: 3, class: 'transient', code: 'TRF.0001' },
    });

    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
    expect(posts.some((c) => keyOf(c).includes(task.id) && keyOf(c).endsWith(':unclaimed'))).toBe(false);
    // Its `migration.retrying` (as the events capability makes it from the watch's entry) says so.
    const retried = await recordOf(task.id);
    expect(retried.requested).toMatchObject({
      action: 'retry',
      by: ALICE,
      via: { capability: 'auto-retry' },
    });
    const [event] = eventsOfEntries({
      key: `w:${retried.watch.teamId}`,
      record: retried,
      entries: eventEntries(retried, [{ event: 'retrying', key: 'k:retrying' }], clock.now()),
    });
    expect(event).toMatchObject({
      type: 'migration.retrying',
      data: { automatic: true, attempt: 1, by: ALICE },
    });
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    // Made as the admin who turned the policy on, audited as theirs, naming the policy.
    const audit = (await t.bot.deps.audit.recent('T0FAKE001', 50)).filter(
      (e) => e.action === 'retry' && e.target === `hw-prod:${task.id}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: ALICE, result: 'ok' });
    expect(audit[0]!.detail).toContain('automatic retry 1 of 3 (retry policy of hw-prod');

    simAdvance(20_000);
    await cyclesUntil(
      async () => (await recordOf(task.id)).state === 'succeeded',
      'the retried task succeeded',
    );
    await tickAndCycle(2);
    expect(starts(task.id)).toBe(1);
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(said(task.id, 'succeeded after 1 automatic retry')).not.toEqual([]);
    const metrics = await (await fetch(`${t.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /migrate_bot_auto_retries_total\{provider="huawei-oms",class="transient",outcome="retried"\} [1-9]/,
    );
    expect(metrics).toMatch(/migrate_bot_auto_retries_total\{[^}]*outcome="succeeded"\} [1-9]/);
    // Only the success is broadcast, as for any run: never the failure that fixed itself.
    expect(broadcasts(task.id).every((c) => !mrkdwnTexts(c.body).includes('TRF.0001'))).toBe(true);
  });
});

describe('failures that are never retried', () => {
  it.each([
    ['credentials', 'CMM.0154'],
    ['permissions', 'OMS.0053'],
    ['configuration', 'OMS.0001'],
    ['not-found', 'OMS.0054'],
    ['quota', 'OMS.0077'],
  ])('%s (%s): told as today, retried 0 times', async (cls, code) => {
    expect(classifyCode(code)).toBe(cls);
    const task = await failing(`ar-never-${cls}`, code);
    await tickAndCycle(2);
    expect(retryFactOf(await recordOf(task.id))).toBeUndefined();
    expect(broadcasts(task.id)).toHaveLength(1);
    advance(3 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
  });
});

describe('when it must be loud', () => {
  it('a spent budget posts the failure once, with the history, and makes no retry', async () => {
    const first = await failing('ar-budget-1', 'OMS.0161', 'hw-tight');
    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(first.id)).toBe(1);
    const second = await failing('ar-budget-2', 'TRF.0001', 'hw-tight');
    await tickAndCycle(3);
    expect(retryFactOf(await recordOf(second.id))).toMatchObject({ status: 'gave-up', reason: 'budget' });
    expect(broadcasts(second.id)).toHaveLength(1);
    const history = said(second.id, 'retries for today are all spent');
    expect(history).toHaveLength(1);
    expect(mrkdwnTexts(history[0]!.body)).toContain('First failure');
    advance(10 * MIN);
    await tickAndCycle(3);
    expect(starts(second.id)).toBe(0);
    expect(broadcasts(second.id)).toHaveLength(1);
  });

  it('a freeze holds the retry and says so, once', async () => {
    const from = new Date(clock.now() - 3_600_000).toISOString().slice(0, 16);
    const to = new Date(clock.now() + 6 * 3_600_000).toISOString().slice(0, 16);
    const added = await t.ask(`policy add ice-ar freeze=${from}..${to}@UTC connections=hw-cold`);
    expect(messageText(added)).toContain('Added guardrail');
    const task = await failing('ar-frozen', 'TRF.0001', 'hw-cold');
    expect(broadcasts(task.id)).toEqual([]);
    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'gave-up', reason: 'refused' });
    const refused = said(task.id, 'the retry was refused');
    expect(refused).toHaveLength(1);
    // The freeze's own words, naming its rule (in the reader's language, from its key).
    expect(mrkdwnTexts(refused[0]!.body)).toContain('ice-ar');
    expect(broadcasts(task.id)).toHaveLength(1);
    advance(5 * MIN);
    await tickAndCycle(2);
    expect(starts(task.id)).toBe(0);
    expect(broadcasts(task.id)).toHaveLength(1);
  });
});

describe('Don’t retry', () => {
  it('stops the retries of that failure (operators), and says who', async () => {
    const task = await failing('ar-stop', 'TRF.0001');
    await tickAndCycle(1);
    const value = JSON.stringify({ c: 'hw-prod', k: 'task', id: task.id });
    const refused = await t.click('auto-retry.stop', value, { userId: BOB, channelId: CHANNEL });
    expect(messageText(await refused.answer())).toMatch(/operator|admin/i);
    const pressed = await t.click('auto-retry.stop', value, { userId: ALICE, channelId: CHANNEL });
    expect(messageText(await pressed.answer())).toContain('are off for this failure');
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'stopped', stoppedBy: ALICE });
    advance(10 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
  });
});

describe('a person’s hand on it', () => {
  it('I’m on it: the failure is theirs, never retried automatically', async () => {
    const task = await failing('ar-claimed', 'TRF.0001');
    await tickAndCycle(1);
    const value = JSON.stringify({ c: 'hw-prod', k: 'task', id: task.id });
    await (await t.click('failure.claim', value, { userId: ALICE, channelId: CHANNEL })).answer();
    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'gave-up', reason: 'claimed' });
    expect(said(task.id, 'someone is on it')).toHaveLength(1);
  });

  it('Retry now makes the waiting attempt at once, as the presser, and only once', async () => {
    const task = await failing('ar-now', 'OMS.0161');
    await tickAndCycle(1);
    const value = JSON.stringify({ c: 'hw-prod', k: 'task', id: task.id });
    const pressed = await t.click('auto-retry.now', value, { userId: ALICE, channelId: CHANNEL });
    expect(messageText(await pressed.answer())).toContain('Retry 1 of 3');
    expect(starts(task.id)).toBe(1);
    // The job, when the attempt comes due, finds it made (claimed by the press).
    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
  });

  it('a retry that fails with a class never retried ends the series loudly, with the history', async () => {
    const task = await failing('ar-changes', 'TRF.0001');
    advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
    // The retried run fails again, now on the connection's keys.
    const sim = t.oms.task(task.id)!;
    sim.failAt = 0.5;
    sim.failCode = 'CMM.0154';
    simAdvance(5_000);
    await cyclesUntil(async () => retryFactOf(await recordOf(task.id))?.status === 'gave-up', 'it gave up');
    await tickAndCycle(2);
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ reason: 'class', cls: 'credentials' });
    const told = said(task.id, 'which is not retried automatically');
    expect(told).toHaveLength(1);
    expect(mrkdwnTexts(told[0]!.body)).toContain('Retry 1: failed again with');
    expect(broadcasts(task.id)).toHaveLength(1);
    advance(10 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
  });
});

describe('a resource watched in two channels', () => {
  it('is one series: held in both, retried once, told in both when it gives up', async () => {
    const task = t.oms.addTask({
      name: 'ar-two-channels',
      status: 2,
      progress: 0.1,
      totalSize: 20 * 1024 ** 3,
      failAt: 0.4,
      failCode: 'TRF.0001',
    });
    await t.ask(`watch hw-tight:${task.id} <#${CHANNEL}|ops>`);
    await t.ask(`watch hw-tight:${task.id} <#C0AUTORT2|ops2>`);
    simAdvance(7_000);
    const both = async () => {
      const store = t.bot.deps.watcher.store;
      return (await store.loadMany(await store.watchKeys())).filter((l) => l.record.watch.id === task.id);
    };
    await cyclesUntil(async () => (await both()).every((l) => l.record.state === 'failed'), 'both failed');
    await tickAndCycle(2);
    // hw-tight's one retry of the day went to the budget test: told at once, in both channels.
    for (const { record } of await both())
      expect(retryFactOf(record), record.watch.channelId).toMatchObject({
        status: 'gave-up',
        reason: 'budget',
      });
    const told = posts.filter((c) => keyOf(c).includes(task.id) && keyOf(c).endsWith(':failed'));
    expect(told.map((c) => c.body.channel).sort()).toEqual([CHANNEL, 'C0AUTORT2']);
    advance(10 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
  });
});
