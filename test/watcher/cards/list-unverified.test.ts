import { describe, expect, it } from 'vitest';
import { verificationOf, withVerification } from '../../../src/capabilities/shared/verification-fact.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 49 item 2: `/migrate list unverified` lists what ended without a sign-off, with whether
// its counts add up; a signed-off run leaves the list.
const clock = new TestClock();
// OMS moves only when the test moves it (a task half done at 1 GiB/s).
const t = omsBot({ watcher: { clock }, freeze: true });

/** Runs cycles, moving OMS on, until each watch key has its run's verification (bounded). */
async function untilVerified(keys: readonly string[]): Promise<void> {
  const store = t.bot.deps.watcher.store;
  const verified = async () =>
    (await Promise.all(keys.map((k) => store.read<WatchRecord>(k)))).every((r) => verificationOf(r));
  for (let i = 0; i < 20 && !(await verified()); i++) {
    t.oms.clock.advance(30_000);
    await t.bot.deps.watcher.runCycle();
  }
  expect(await verified()).toBe(true);
}

describe('/migrate list unverified', () => {
  it('says what it covers, and with only a failed run ended, not that every run was signed off', async () => {
    // Issue 59 item 3: nothing had been signed off, yet it said "Every run that ended in this
    // workspace has been signed off": only a failed run had ended, and a run that succeeded
    // unwatched is not in it at all.
    const before = messageText(await t.ask('list unverified'));
    expect(before).toContain('Nothing is waiting for a sign-off.');
    expect(before).toContain('No run the bot watched has ended yet.');
    t.oms.addTask({ name: 'succeeded-unwatched', status: 5, progress: 1, totalSize: 1024 ** 3 });
    const failed = t.oms.addTask({
      name: 'only-failed',
      status: 2,
      progress: 0.1,
      totalSize: 1024 ** 3,
      failAt: 0.2,
      failCode: 'TRF.0015',
    });
    await t.ask(`watch ${failed.id}`);
    await untilVerified([`w:T0FAKE001:C0FAKE001:hw-prod:task:${failed.id}`]);
    const listed = messageText(await t.ask('list unverified'));
    expect(listed).not.toContain('signed off.');
    expect(listed).toContain('Nothing is waiting for a sign-off.');
    expect(listed).toContain('1 run the bot watched end failed: retry it or take it on from its card.');
    // What it covers, and where the runs it does not cover are.
    expect(listed).toContain('Covers the runs the bot watched to their end');
    expect(listed).toContain(
      'A run that ended while nobody watched it was not verified, so it is not here: `/migrate list succeeded` shows every run that succeeded.',
    );
    expect(listed).not.toContain('succeeded-unwatched');
  });

  it('lists a run that ended and was verified, until someone signs it off', async () => {
    expect(messageText(await t.ask('list unverified'))).toContain('Nothing is waiting for a sign-off.');
    const task = t.oms.addTask({ name: 'ended-unsigned', status: 2, progress: 0.5, totalSize: 1024 ** 3 });
    await t.ask(`watch ${task.id}`);
    const key = `w:T0FAKE001:C0FAKE001:hw-prod:task:${task.id}`;
    for (let i = 0; i < 20; i++) {
      t.oms.clock.advance(30_000);
      await t.bot.deps.watcher.runCycle();
      if (verificationOf(await t.bot.deps.watcher.store.read<WatchRecord>(key))) break;
    }
    const listed = messageText(await t.ask('list unverified'));
    expect(listed).toContain('Ended without a sign-off (1)');
    expect(listed).toMatch(/ended-unsigned.*Succeeded, counts add up/);
    // Signed off (as the Sign off button records it): it leaves the list.
    await t.bot.deps.watcher.store.update<WatchRecord>(key, (r) => {
      const v = verificationOf(r);
      return v ? withVerification(r!, { ...v, signoff: { by: 'U0BOB0001', at: 1, note: 'ok' } }) : r!;
    });
    const after = messageText(await t.ask('list unverified'));
    expect(after).toContain('Nothing is waiting for a sign-off.');
    expect(after).toContain('1 run the bot watched end was signed off.');
  });

  it('lists a run once however many channels watch it, and never a failed run (nobody can sign it)', async () => {
    const twice = t.oms.addTask({ name: 'watched-twice', status: 2, progress: 0.5, totalSize: 1024 ** 3 });
    const failed = t.oms.addTask({
      name: 'ended-failed',
      status: 2,
      progress: 0.1,
      totalSize: 1024 ** 3,
      failAt: 0.2,
      failCode: 'TRF.0015',
    });
    await t.ask(`watch ${twice.id} <#C0UNVERA1|a>`);
    await t.ask(`watch ${twice.id} <#C0UNVERB2|b>`);
    await t.ask(`watch ${failed.id}`);
    const keys = [
      `w:T0FAKE001:C0UNVERA1:hw-prod:task:${twice.id}`,
      `w:T0FAKE001:C0UNVERB2:hw-prod:task:${twice.id}`,
      `w:T0FAKE001:C0FAKE001:hw-prod:task:${failed.id}`,
    ];
    await untilVerified(keys);
    const listed = messageText(await t.ask('list unverified'));
    expect(listed).toContain('Ended without a sign-off (1)');
    expect(listed.match(/watched-twice/g)).toHaveLength(1);
    expect(listed).not.toContain('ended-failed');
    // The failed ones are named as not listed, and what to do about them.
    expect(listed).toContain(
      'The 2 failed ones are not listed: retry them or take them on from their cards.',
    );
  });
});
