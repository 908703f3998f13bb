import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf } from '../../../src/watcher/outbox/living-posts.js';
import { TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue #14, "Group cards": watching an OMS task group of 1,000 tasks gives one card, edited in
// place, with its tasks counted by state and the first failures named; newly failed tasks get one
// line in its thread; the rest are one button away. Signed commands and clicks, real cycles.
const t = new TestBot();
const OPERATOR = 'U0OPER016';
/** The watcher's clock: its edit budget's windows turn when the test says so. */
const clock = new TestClock();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, watcher: { recheckAfterMs: [], clock } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});

/** Notifications and card edits still waiting for Slack. */
async function backlog(): Promise<number> {
  const all = await t.bot.deps.watcher.store.loadAll();
  return all.reduce((n, w) => n + w.record.outbox.length + (cardOf(w.record)?.dirty ? 1 : 0), 0);
}

describe('a watched task group of 1,000 tasks', () => {
  it('is one card that counts its tasks and names its failures', async () => {
    // Already migrating, with no tasks of its own: a waiting group would start on the simulator's
    // clock (and create tasks) in the middle of the test on a slow machine.
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 0 });
    const tasks = Array.from({ length: 1_000 }, (_, i) =>
      t.oms.addTask({ name: `part-${String(i).padStart(4, '0')}`, status: 2, groupId: group.id }),
    );
    await t.ask(`watch ${group.id}`, { userId: OPERATOR });
    const cycle = await t.bot.deps.watcher.runCycle();
    // The group's tasks are read in pages of 100: ten list requests, no request per task.
    expect(cycle!.pages).toBeGreaterThanOrEqual(10);
    expect(cycle!.providerRequests).toBeLessThan(20);

    const parents = notifications(t.fakeSlack).filter(
      (n) => n.event === 'parent' && n.key.includes(group.id),
    );
    expect(parents).toHaveLength(1);
    const firstEdit = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.update')
        .map((c) => JSON.stringify(c.body.blocks))
        .find((b) => b.includes('Tasks: 1,000')),
    );
    expect(firstEdit).toContain('1,000 migrating');

    for (const task of tasks.slice(0, 7)) {
      const sim = t.oms.tasks.get(task.id)!;
      sim.status = 4;
      sim.errorReason = { error_code: 'OMS.0402', error_msg: 'source object missing' };
    }
    const edits = t.fakeSlack.callsTo('chat.update').length;
    await t.bot.deps.watcher.runCycle();
    const failedEdit = await t.fakeSlack.waitFor(() =>
      t.fakeSlack
        .callsTo('chat.update')
        .slice(edits)
        .map((c) => JSON.stringify(c.body.blocks))
        .find((b) => b.includes('7 failed')),
    );
    expect(failedEdit).toContain('part-0002'); // OMS lists the newest first: five are named
    expect(failedEdit).toContain('OMS.0402');
    expect(failedEdit).toContain('and 2 more failed');
    expect(failedEdit).toContain('group.failed');
    // Still one card, and one thread line for the new failures (not one per task).
    expect(
      notifications(t.fakeSlack).filter((n) => n.event === 'parent' && n.key.includes(group.id)),
    ).toHaveLength(1);
    const line = notifications(t.fakeSlack).filter((n) => n.event === 'tasks-failed');
    expect(line).toHaveLength(1);
    expect(String(line[0]!.body.text)).toContain('7 of 1,000 tasks');

    // A quiet cycle changes nothing: no edit, no line. Edits the Slack budget deferred go out
    // first, one budget window apart, in cycles that are bounded here.
    for (let i = 0; i < 10 && (await backlog()) > 0; i++) {
      clock.toNextWindow(t.bot.deps.watcher.options.editBudget.windowMs);
      await t.bot.deps.watcher.runCycle();
    }
    expect(await backlog()).toBe(0);
    const quiet = t.fakeSlack.calls.length;
    await t.bot.deps.watcher.runCycle();
    expect(t.fakeSlack.calls.slice(quiet).filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);

    // However many cycles it took, the new failures were told once.
    expect(notifications(t.fakeSlack).filter((n) => n.event === 'tasks-failed')).toHaveLength(1);

    // The button lists every failed task, only to the person who asked.
    const value = JSON.stringify({ c: 'hw-prod', k: 'task-group', id: group.id });
    const listed = JSON.stringify(await (await t.click('group.failed', value, OPERATOR)).answer());
    expect(listed).toContain('7 failed tasks');
    for (const task of tasks.slice(0, 7)) expect(listed).toContain(task.id);
    expect(listed).toContain('ephemeral');
  }, 60_000);
});
