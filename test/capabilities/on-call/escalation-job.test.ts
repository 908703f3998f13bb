import { describe, expect, it, vi } from 'vitest';
import { ON_CALL } from '../../../src/capabilities/on-call/on-call-state.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { failingTask } from '../../harness/failing-task.js';
import { TestClock } from '../../harness/test-clock.js';

// ADR 0014: escalation steps are a job on the one scheduler (`on-call:escalation`), not a part of
// the watcher's cycle. The job asks no provider; it writes the step as on-call's fact of the watch
// with its reply in the outbox, once however often it runs, and the next cycle delivers it.
const CHANNEL = 'C0ESCJOB1';
const MIN = 60_000;
const clock = new TestClock();
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS } });

const reminders = (id: string) =>
  t.fakeSlack.callsTo('chat.postMessage').filter((c) => {
    const key = (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    return key?.includes(id) === true && key.endsWith(':unclaimed');
  });

async function theRecord(id: string): Promise<WatchRecord> {
  const store = t.bot.deps.watcher.store;
  const loaded = await store.loadMany(await store.watchKeys());
  return loaded.find((l) => l.record.watch.id === id)!.record;
}

describe('the escalation job', () => {
  it('is on the one scheduler', () => {
    expect(t.bot.scheduler.names()).toContain('on-call:escalation');
  });

  it('reads no watch of a workspace that escalates nowhere', async () => {
    await t.ask(
      `watch ${t.oms.addTask({ name: 'esc-job-off', status: 4, progress: 0.1, totalSize: 1024 ** 3 }).id} <#${CHANNEL}|ops>`,
    );
    const read = vi.spyOn(t.bot.deps.watcher.store, 'loadMany');
    try {
      await t.bot.scheduler.tick('cycle');
      expect(read.mock.calls.filter(([keys]) => keys.length > 0)).toEqual([]);
    } finally {
      read.mockRestore();
    }
  });

  it('says a due step once, without asking the provider, and the next cycle delivers it', async () => {
    await t.ask('settings escalation remind 15');
    const task = t.oms.addTask(failingTask('esc-job'));
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    t.oms.clock.advance(120_000);
    for (let i = 0; i < 20 && (await theRecord(task.id)).state !== 'failed'; i++)
      await t.bot.deps.watcher.runCycle();
    const failed = await theRecord(task.id);
    expect(failed.failedAt).toBeLessThanOrEqual(clock.now());
    expect(failed.facts?.[ON_CALL]).toBeUndefined(); // nothing due yet: nothing written

    clock.advance(15 * MIN + 1_000);
    const asked = t.oms.server.requests.length;
    await t.bot.scheduler.tick('cycle');
    await t.bot.scheduler.tick('cycle');
    expect(t.oms.server.requests.length).toBe(asked);
    const stepped = await theRecord(task.id);
    expect(stepped.facts?.[ON_CALL]).toMatchObject({ since: failed.failedAt, reminded: true });
    expect(stepped.outbox.filter((e) => e.key.endsWith(':unclaimed'))).toHaveLength(1);
    expect(reminders(task.id)).toHaveLength(0);

    await t.bot.deps.watcher.runCycle();
    await t.bot.deps.watcher.runCycle();
    expect(reminders(task.id)).toHaveLength(1);
  });
});
