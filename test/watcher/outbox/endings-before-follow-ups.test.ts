import { describe, expect, it } from 'vitest';
import {
  drainAll,
  finishingTask,
  notifications,
  postsPerKey,
  TEST_POST_PACE,
  watchTask,
} from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

// After a burst of endings, every ending is said before the completion reports and verifications
// that follow them: with each ending's follow-ups posted right after it, the workspace's posting
// budget went to the first endings' reports while the last endings waited (issue 47's kill -9 row
// at 50,000 watches: 2 of 521 endings not said within the bench's window, 14 replies queued).

const { world, startRig } = worldPerTest();

const nearlyDone = (name: string) => finishingTask(world, name);

const ENDINGS = 6;

describe('endings before their follow-ups', () => {
  it('says every ending of a burst before any completion report or verification, each once', async () => {
    const rig = await startRig({ watcher: { completionReports: true } });
    const tasks = Array.from({ length: ENDINGS }, (_, i) => nearlyDone(`ending-${i}`));
    for (const t of tasks) await watchTask(rig, t.id);
    world.fakeSlack.clear();
    world.clock.advance(10_000); // every task finishes
    await rig.watcher.runCycle();
    await drainAll(world, rig);
    const posts = notifications(world.fakeSlack).filter((n) => n.event !== 'parent');
    const order = posts.map((n) => n.event);
    expect(order.filter((e) => e === 'succeeded')).toHaveLength(ENDINGS);
    expect(order.filter((e) => e === 'report')).toHaveLength(ENDINGS);
    expect(order.filter((e) => e === 'verification')).toHaveLength(ENDINGS);
    // The last ending is said before the first follow-up.
    const lastEnding = order.lastIndexOf('succeeded');
    const firstFollowUp = Math.min(order.indexOf('report'), order.indexOf('verification'));
    expect(lastEnding).toBeLessThan(firstFollowUp);
    // In each thread, the report still follows its ending and the verification the report.
    for (const t of tasks) {
      const own = posts.filter((n) => n.key.includes(t.id)).map((n) => n.event);
      expect(own).toEqual(['succeeded', 'report', 'verification']);
    }
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('a workspace budget that fits the endings only: the cycle says them all, the follow-ups come next', async () => {
    // Room for the six endings in the cycle that sees them, not for their twelve follow-ups.
    const perWorkspace = { ...TEST_POST_PACE.perWorkspace, spanMs: 60_000, slotMs: 1_000, max: ENDINGS };
    const rig = await startRig({
      watcher: { completionReports: true, postPace: { ...TEST_POST_PACE, perWorkspace } },
    });
    const tasks = Array.from({ length: ENDINGS }, (_, i) => nearlyDone(`ending-${i}`));
    for (const t of tasks) await watchTask(rig, t.id);
    world.watcherClock.advance(61_000); // the cards' own posts leave the budget's window
    world.fakeSlack.clear();
    world.clock.advance(10_000);
    await rig.watcher.runCycle();
    const first = notifications(world.fakeSlack).map((n) => n.event);
    expect(first).toEqual(Array.from({ length: ENDINGS }, () => 'succeeded'));
    // The follow-ups wait for the budget's window, then go out, each once.
    world.watcherClock.advance(61_000);
    await drainAll(world, rig, 20, 61_000);
    const all = notifications(world.fakeSlack).map((n) => n.event);
    expect(all.filter((e) => e === 'report')).toHaveLength(ENDINGS);
    expect(all.filter((e) => e === 'verification')).toHaveLength(ENDINGS);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 60_000);
});
