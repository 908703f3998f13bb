import { describe, expect, it } from 'vitest';
import { DEFAULT_POST_PACE } from '../../../src/watcher/watcher.js';
import { finishingTask, notifications, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

const { world, startRig } = worldPerTest();

const finishing = (name: string) => finishingTask(world, name);

describe('a cycle catching up on a backlog', () => {
  it('stops waiting for Slack’s pace before the next tick, and the next cycle posts the rest', async () => {
    // Slack's real pace (1 post a second per channel) and a 10 s interval, as in the replica bench:
    // 20 completions in one channel need 20 s of windows, the cycle may wait 10 s (cycleWaitMs).
    const rig = await startRig({ watcher: { postPace: DEFAULT_POST_PACE, pollIntervalSeconds: 10 } });
    for (let i = 0; i < 20; i++) await watchTask(rig, finishing(`done-${i}`).id);
    world.watcherClock.advance(60_000); // the cards' posts left the pace windows
    world.clock.advance(10_000); // every task finishes
    const started = world.now();
    await rig.watcher.runCycle();
    const tookMs = world.now() - started;
    const first = notifications(world.fakeSlack).filter((n) => n.event === 'succeeded').length;
    // Its waits ended at 80 % of the interval: the schedule's next tick starts the next cycle (a
    // cycle that ran past it skipped that tick, and a catching-up replica polled every other tick).
    expect(tookMs).toBeLessThan(10_000);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(20);
    world.watcherClock.advance(10_000 - tookMs);
    await rig.watcher.runCycle();
    world.watcherClock.advance(10_000);
    await rig.watcher.runCycle();
    const said = notifications(world.fakeSlack).filter((n) => n.event === 'succeeded');
    expect(said).toHaveLength(20);
  }, 60_000);
});
