import { describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 58 item 4, with the default poll interval: cycles 30 s apart (never more often), the
// scheduler's own 5 s ticks between them. The cycle after a 20-task window edge draws the 7 cards
// Slack's edit budget (7 per 10 s) allows; the editor edits the rest when the budget's window
// reopens, on the scheduler's ticks, with no provider call: every card once within 20 s.
const CHANNEL = 'C0WINCARDS';
const TASKS = 20;
const POLL_MS = 30_000;
const TICK_MS = 5_000;
const clock = new TestClock(() => Date.parse('2026-11-10T21:50:00Z'));
const t = omsBot({ watcher: { clock, editBudget: { windowMs: 10_000, max: 7 } } });

/** Each task's card edits (`chat.update` in the channel, not in a thread) since `from` calls. */
function edits(names: readonly string[], from: number): number[] {
  const calls = t.fakeSlack.callsTo('chat.update').slice(from);
  return names.map(
    (n) =>
      calls.filter((c) => c.body.channel === CHANNEL && !c.body.thread_ts && messageText(c.body).includes(n))
        .length,
  );
}

/** Moves both clocks by `ms`. */
function advance(ms: number): void {
  clock.advance(ms);
  t.oms.clock.advance(ms);
}

describe('a window edge over 20 tasks with cycles 30 s apart', () => {
  it('edits every card once within 20 s, the deferred ones when the edit window reopens', async () => {
    const names = Array.from({ length: TASKS }, (_, i) => `cards-task-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      const task = t.oms.addTask({ name, status: 2, progress: 0.1, totalSize: 1024 ** 4 });
      await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    }
    await t.ask('window add hw-prod daily 22:00-23:00 UTC as nightly', { channelId: CHANNEL });
    // Every card posted and showing the window's next change, then quiet, before the edge (the
    // scheduler's timer ticks between cycles, as a real bot's do every 5 s).
    for (let i = 0; i < 8; i++) {
      await t.bot.deps.watcher.runCycle();
      advance(POLL_MS / 2);
      await t.bot.scheduler.tick('timer');
      advance(POLL_MS / 2);
    }
    await t.bot.deps.watcher.runCycle();
    clock.moveTo('2026-11-10T22:00:00Z');
    const edgeAt = clock.now();
    const from = t.fakeSlack.callsTo('chat.update').length;
    const requests = t.oms.server.requests.length;
    // The edge on the scheduler's timer tick; the next cycle 3 s later (the simulator pauses in 1 s).
    await t.bot.scheduler.tick('timer');
    await t.settled();
    advance(3_000);
    await t.bot.deps.watcher.runCycle();
    await t.settled();
    const atCycle = edits(names, from);
    const requestsAtCycle = t.oms.server.requests.length;
    // Then only the scheduler's own ticks until 20 s after the edge (the next cycle is at 33 s).
    const cycleEnd = clock.now();
    let simAt = cycleEnd;
    for (clock.toNextWindow(TICK_MS); clock.now() - edgeAt <= 20_000; clock.toNextWindow(TICK_MS)) {
      t.oms.clock.advance(clock.now() - simAt);
      simAt = clock.now();
      await t.bot.scheduler.tick('timer');
      await t.settled();
    }
    const edited = edits(names, from);
    console.log("by the cycle's end (edge +", (cycleEnd - edgeAt) / 1000, 's):', atCycle.join(''));
    console.log('by the edge + 20 s:', edited.join(''));
    expect(atCycle.filter((n) => n === 0).length).toBeGreaterThan(0);
    expect(edited).toEqual(names.map(() => 1));
    // The deferred edits asked the provider nothing.
    expect(t.oms.server.requests.length).toBe(requestsAtCycle);
    expect(requestsAtCycle).toBeGreaterThan(requests);
    // The next cycle (30 s after the last) edits none of them again.
    clock.moveTo('2026-11-10T22:00:33Z');
    t.oms.clock.advance(10_000);
    await t.bot.scheduler.tick('timer');
    await t.bot.deps.watcher.runCycle();
    await t.settled();
    expect(edits(names, from)).toEqual(names.map(() => 1));
    const last = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.channel === CHANNEL);
    for (const name of names)
      expect(messageText(last.findLast((c) => messageText(c.body).includes(name))!.body), name).toContain(
        'nightly',
      );
  }, 120_000);
});
