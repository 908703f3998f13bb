import { describe, expect, it } from 'vitest';
import { onEvents } from '../../../src/capabilities/auto-retry/decide.js';
import { retryFactOf } from '../../../src/capabilities/auto-retry/retry-fact.js';
import type { RetryPolicy } from '../../../src/capabilities/auto-retry/retry-policy.js';
import { classifyCode } from '../../../src/catalogue/code-classes.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { autoRetryBot } from './auto-retry-rig.js';

// Issue 77, what the card and the report say of automatic retries: while a retry is due the card
// says exactly that (the code, its class, which attempt, when) with Retry now and Don't retry, and
// no manual next step; after Don't retry it is the usual failure card again; a success after
// retries says so on the card and in the report, which keeps every run; a partial failure is
// retried as its failed objects only, where the provider can, and only when the policy names it.
const CHANNEL = 'C0ARCARD1';
const ALICE = 'U0ALICE01';
const MIN = 60_000;
const { t, clock, posts, keyOf, broadcasts, starts, card, recordOf } = autoRetryBot(
  CHANNEL,
  ['hw-card', 'hw-part', 'hw-later'],
  [
    'settings retry hw-card on max 3 after 1',
    'settings retry hw-part on max 3 after 1 classes network,transient,partial',
    'settings retry hw-later on max 3 after 10',
  ],
);
/** The completion report in the task's thread (its key ends in `:report`). */
const report = (id: string) =>
  posts.find((c) => keyOf(c).includes(id) && keyOf(c).endsWith(':report') && c.method === 'chat.postMessage')
    ?.body;

async function cyclesUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  await until(
    async () => {
      const done = await check();
      if (!done) await t.bot.deps.watcher.runCycle();
      return done;
    },
    { what, timeoutMs: 30_000, everyMs: 20, checks: 60 },
  );
}

async function tickAndCycle(n = 3) {
  for (let i = 0; i < n; i++) {
    await t.bot.scheduler.tick('cycle');
    await t.bot.deps.watcher.runCycle();
  }
}

/** A watched task that fails with `code` a moment after it is watched (once). */
async function failing(name: string, code: string, connection = 'hw-card') {
  const task = t.oms.addTask({
    name,
    status: 2,
    progress: 0.1,
    totalSize: 20 * 1024 ** 3,
    failAt: 0.4,
    failCode: code,
  });
  await t.ask(`watch ${connection}:${task.id} <#${CHANNEL}|ops>`);
  t.oms.clock.advance(7_000);
  await cyclesUntil(async () => (await recordOf(task.id)).state === 'failed', `${name} failed`);
  await tickAndCycle(1);
  return task;
}

/** The card, once its last drawing says `text` (the editor sends edits a moment later). */
async function cardSaying(id: string, text: string) {
  return until(
    async () => {
      const drawn = card(id);
      if (drawn && mrkdwnTexts(drawn).includes(text)) return drawn;
      await t.bot.deps.watcher.runCycle();
      return undefined;
    },
    { what: `the card of ${id} saying ${text}`, timeoutMs: 20_000, everyMs: 20 },
  );
}

describe('the card while an automatic retry is due', () => {
  it('says only what happens, then the usual failure card after Don’t retry', async () => {
    const task = await failing('arc-waiting', 'TRF.0001');
    const drawn = await cardSaying(task.id, 'retrying automatically, 1 of 3');
    const text = mrkdwnTexts(drawn);
    expect(text).toMatch(/Failed with `TRF\.0001` \(transient\): retrying automatically, 1 of 3, at/);
    // No manual next step, no "I'm on it, then Resume": the retry is what happens next.
    expect(text).not.toContain('Next step');
    expect(text).not.toContain('Fix:');
    expect(text).not.toContain('then Resume');
    expect(buttons(drawn).map((b) => b.action_id)).toEqual([
      'auto-retry.now',
      'auto-retry.stop',
      'resource.refresh',
    ]);
    // `/migrate status` draws the same card from the watch's series.
    const status = await t.ask(`status hw-card:${task.id}`);
    expect(mrkdwnTexts(status)).toContain('retrying automatically, 1 of 3');
    expect(mrkdwnTexts(status)).not.toContain('Next step');
    const offered = buttons(status).map((b) => b.action_id);
    expect(offered).toEqual(expect.arrayContaining(['auto-retry.now', 'auto-retry.stop']));
    for (const manual of ['resource.resume', 'resource.retry', 'resource.delete', 'failure.claim'])
      expect(offered).not.toContain(manual);

    const value = JSON.stringify({ c: 'hw-card', k: 'task', id: task.id });
    const pressed = await t.click('auto-retry.stop', value, { userId: ALICE, channelId: CHANNEL });
    expect(messageText(await pressed.answer())).toContain('are off for this failure');
    const after = await cardSaying(task.id, 'Automatic retries turned off for this failure');
    expect(mrkdwnTexts(after)).toContain('Next step');
    const ids = buttons(after).map((b) => b.action_id);
    expect(ids).toEqual(expect.arrayContaining(['resource.resume', 'failure.claim', 'resource.refresh']));
    expect(ids).not.toContain('auto-retry.now');
    expect(ids).not.toContain('auto-retry.stop');
  });
});

describe('a success after automatic retries', () => {
  it('says so on the card and in the report, which keeps each run', async () => {
    const task = await failing('arc-twice', 'TRF.0001');
    clock.advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
    // The first retry fails again (a network fault), the second runs clean.
    Object.assign(t.oms.task(task.id)!, { failAt: 0.6, failCode: 'OMS.0161' });
    t.oms.clock.advance(5_000);
    await cyclesUntil(async () => retryFactOf(await recordOf(task.id))?.attempt === 2, 'the second attempt');
    expect(broadcasts(task.id)).toEqual([]);
    clock.advance(2 * MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(2);
    t.oms.clock.advance(20_000);
    await cyclesUntil(async () => (await recordOf(task.id)).state === 'succeeded', 'it succeeded');
    await tickAndCycle(2);
    expect(mrkdwnTexts(await cardSaying(task.id, 'Succeeded after 2 automatic retries'))).toContain(
      'Succeeded after 2 automatic retries',
    );
    const drawn = await until(() => report(task.id), { what: 'the report' });
    const text = mrkdwnTexts(drawn);
    expect(text).toContain('Succeeded after 2 automatic retries');
    expect(text).toMatch(/First failure: `TRF\.0001` \(transient\)/);
    expect(text).toMatch(/Retry 1: failed again with `OMS\.0161` \(network\)/);
    expect(text).toContain('Retry 2: succeeded');
    // One report: the failures that fixed themselves made none of their own.
    expect(posts.filter((c) => keyOf(c).includes(task.id) && keyOf(c).endsWith(':report'))).toHaveLength(1);
  });
});

describe('partial failures', () => {
  it('are retried as their failed objects where the policy names partial', async () => {
    expect(classifyCode('TRF.0004')).toBe('partial');
    const task = await failing('arc-partial', 'TRF.0004', 'hw-part');
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'waiting', cls: 'partial' });
    expect(broadcasts(task.id)).toEqual([]);
    clock.advance(MIN + 1_000);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(1);
    // OMS's Retry: the failed objects again, not Resume of the whole run.
    expect((await recordOf(task.id)).requested).toMatchObject({ action: 'retry', by: ALICE });
  });

  it('are told as today where the policy does not name partial', async () => {
    const task = await failing('arc-partial-off', 'TRF.0004');
    expect(retryFactOf(await recordOf(task.id))).toBeUndefined();
    expect(broadcasts(task.id)).toHaveLength(1);
    clock.advance(3 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
  });

  it('are not retried, and it says so, where the provider cannot retry only the failed objects', () => {
    // A failed run whose provider offers Resume (the whole run again) and no Retry, as NCP's.
    const record = {
      watch: { teamId: 'T1', channelId: 'C1', connection: 'ncp-kr', kind: 'policy', id: 'p1', by: ALICE },
      snapshot: { name: 'p1', state: 'failed', lastError: { code: 'TRF.0004' } },
      state: 'failed',
      actions: ['resume', 'delete'],
      outbox: [],
    } as unknown as WatchRecord;
    const policy: RetryPolicy = {
      on: true,
      classes: ['network', 'transient', 'partial'],
      max: 3,
      afterMinutes: 1,
      dailyBudget: 50,
      by: ALICE,
      from: 'slack',
    };
    const said = onEvents(() => policy, record, [{ event: 'failed', key: 'k:failed' }], 1_000);
    expect(said?.held ?? []).toEqual([]);
    expect(retryFactOf(said!.record)).toMatchObject({ status: 'gave-up', reason: 'partial', attempt: 0 });
    const note = said!.entries[0]?.note as { note?: { type?: string; reason?: string } } | undefined;
    expect(note?.note).toMatchObject({ type: 'gave-up', reason: 'partial' });
  });

  it('a transient failure whose provider offers no retry at all is told at once, not held', () => {
    // A failed UpCloud job offers no action: holding it would only delay the failure.
    const record = {
      watch: { teamId: 'T1', channelId: 'C1', connection: 'up-fi', kind: 'job', id: 'j1', by: ALICE },
      snapshot: { name: 'j1', state: 'failed', lastError: { code: 'TRF.0001' } },
      state: 'failed',
      actions: [],
      outbox: [],
    } as unknown as WatchRecord;
    const policy: RetryPolicy = {
      on: true,
      classes: ['network', 'transient'],
      max: 3,
      afterMinutes: 1,
      dailyBudget: 50,
      by: ALICE,
      from: 'slack',
    };
    const said = onEvents(() => policy, record, [{ event: 'failed', key: 'k:failed' }], 1_000);
    expect(said?.held ?? []).toEqual([]);
    expect(retryFactOf(said!.record)).toMatchObject({ status: 'gave-up', reason: 'not-offered' });
  });
});

describe('turning the policy off', () => {
  it('tells a failure whose retry waits at once, as usual, and makes no retry', async () => {
    const task = await failing('arc-off', 'TRF.0001', 'hw-later');
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'waiting' });
    expect(messageText(await t.ask('settings retry hw-later off'))).toContain('off');
    // Well before its retry was due (10 minutes): told on the next pass.
    await tickAndCycle(2);
    expect(retryFactOf(await recordOf(task.id))).toMatchObject({ status: 'gave-up', reason: 'off' });
    await until(() => broadcasts(task.id).length > 0, { what: 'the failure told' });
    expect(broadcasts(task.id)).toHaveLength(1);
    clock.advance(20 * MIN);
    await tickAndCycle(3);
    expect(starts(task.id)).toBe(0);
  });
});
