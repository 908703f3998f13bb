import { describe, expect, it } from 'vitest';
import { PlaygroundClock } from '../../dev/playground/playground-clock.js';
import { createLogger } from '../../src/logger.js';
import { WatchSchedule } from '../../src/watcher/watch-schedule.js';

const logger = createLogger({ level: 'silent' });

/**
 * The watcher's schedule on the playground's clock: a move starts a cycle at once, and the move
 * resolves once it is done, so a screen test sees what came due without waiting for a real tick.
 */
function scheduled(clock: PlaygroundClock) {
  let cycles = 0;
  let running: Promise<unknown> | undefined;
  let release: (() => void) | undefined;
  let holding = false;
  const cycle = () => {
    if (running) return Promise.resolve(undefined);
    running = (async () => {
      if (holding) await new Promise<void>((r) => (release = r));
      cycles++;
    })().finally(() => (running = undefined));
    return running;
  };
  // A minute between real ticks: none comes during the test (the cycle's start is now).
  const schedule = new WatchSchedule(
    { pollIntervalSeconds: 60, recheckAfterMs: [], clock },
    { cycle, lastStart: () => clock.now(), running: () => running },
    logger,
  );
  return {
    schedule,
    cycles: () => cycles,
    hold: () => (holding = true),
    startHeld: () => void cycle(),
    let: () => {
      holding = false;
      release?.();
    },
  };
}

describe('the playground clock moving the watcher', () => {
  it('runs a cycle when it moves, and the move resolves once the cycle is done', async () => {
    const clock = new PlaygroundClock();
    const s = scheduled(clock);
    expect(s.schedule.start()).toBe(true);
    await clock.advance(3_000);
    expect(s.cycles()).toBe(1);
    await clock.advance(0);
    expect(s.cycles()).toBe(2);
    await s.schedule.stop();
    await clock.advance(1_000);
    expect(s.cycles()).toBe(2);
  });

  it('runs the cycle after one under way, which read the time before the move', async () => {
    const clock = new PlaygroundClock();
    const s = scheduled(clock);
    s.schedule.start();
    s.hold();
    s.startHeld();
    let moved = false;
    const move = clock.advance(3_000).then(() => (moved = true));
    await Promise.resolve();
    expect(moved).toBe(false);
    s.let();
    await move;
    expect(s.cycles()).toBe(2);
    await s.schedule.stop();
  });

  it('moves its followers, and no cycle starts for a schedule never started', async () => {
    const clock = new PlaygroundClock();
    const s = scheduled(clock);
    let followed = 0;
    clock.follow({ advance: (ms) => (followed += ms) });
    await clock.advance(2_000);
    expect(followed).toBe(2_000);
    expect(s.cycles()).toBe(0);
    await expect(clock.advance(PlaygroundClock.MAX_SKEW_MS)).rejects.toThrow(/signature window/);
  });
});
