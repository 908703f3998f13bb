import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SKIP } from '../../../src/store/atomic-kv.js';
import type { CycleReport } from '../../../src/watcher/cycle-report.js';
import { cardDue } from '../../../src/watcher/outbox/living-posts.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import {
  cleanRedis,
  notifications,
  REDIS_URL,
  type Rig,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
  watchedKey,
  watchTask,
} from '../../harness/watcher-rig.js';

/**
 * A watch whose stored record, observation and clock are all as they were when a cycle last found
 * nothing to do is not decoded again (`QuietWatches`): these tests hold that such a watch is
 * skipped, and that whatever moves it (the resource, the clock, a write from elsewhere) is still
 * seen in the cycle that would have seen it, through the real store and the OMS simulator.
 */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
let world: WatchWorld;
let prefix: string;
let rig: Rig;

beforeEach(async () => {
  world = await startWorld();
  prefix = uniquePrefix();
});
afterEach(async () => {
  await rig?.stop();
  await world.stop();
  await cleanRedis(prefix);
});

const sqliteUrl = () => `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-quiet-')), 'bot.sqlite')}`;

async function watch(id: string): Promise<string> {
  await watchTask(rig, id);
  return watchedKey(id);
}

/** Runs a cycle and counts the watch records it decoded. */
async function cycle(): Promise<{ report: CycleReport; decoded: number }> {
  const store = rig.watcher.store;
  const decode = store.decode.bind(store);
  let decoded = 0;
  store.decode = (text) => {
    decoded++;
    return decode(text);
  };
  try {
    const report = (await rig.watcher.runCycle())!;
    return { report, decoded };
  } finally {
    store.decode = decode;
  }
}

const events = () => notifications(world.fakeSlack).map((n) => n.event);

describe.each([
  ['memory', () => 'memory://'],
  ['Redis', () => REDIS_URL],
  ['SQLite', sqliteUrl],
])('quiet watches (%s)', (_name, url) => {
  beforeEach(async () => {
    rig = await startRig(world, { storeUrl: url(), watcher: { keyPrefix: prefix } });
  });

  it('are not decoded while nothing changes, and a failure is still told in the cycle that sees it', async () => {
    const waiting = world.oms.addTask({ name: 'waiting', status: 1 });
    const paused = world.oms.addTask({ name: 'paused', status: 3 });
    const failing = world.oms.addTask({ name: 'to-fail', status: 3, totalSize: 10 * GiB, speed: 100 * MiB });
    for (const task of [waiting, paused, failing]) await watch(task.id);
    await cycle(); // first observations
    await cycle(); // cards settled: nothing left to do, so each watch is remembered as quiet
    const quiet = await cycle();
    expect(quiet.report.quiet).toBe(3);
    expect(quiet.decoded).toBe(0);
    expect(quiet.report.events).toBe(0);

    const sim = world.oms.task(failing.id)!;
    sim.status = 4; // failed, as OMS reports it (Table 5-15)
    sim.errorReason = { error_code: 'TRF.0003', error_msg: 'Waiting for task execution timed out.' };
    const seen = await cycle();
    expect(seen.report.quiet).toBe(3); // all three read as text; one decoded once its observation moved
    expect(seen.decoded).toBe(1);
    expect(seen.report.events).toBe(1);
    expect(events().filter((e) => e === 'failed')).toHaveLength(1);
    const after = await cycle();
    expect(after.decoded).toBe(1); // the failed one: its record changed, read once more
    expect(events().filter((e) => e === 'failed')).toHaveLength(1);
  });

  it('is decoded again once the clock alone could change it: a stall is told on time', async () => {
    const task = world.oms.addTask({ name: 'stuck', status: 2, totalSize: 10 * GiB, speed: 50 * MiB });
    const key = await watch(task.id);
    world.clock.advance(60_000);
    await cycle();
    world.oms.task(task.id)!.speed = 0; // stops moving but still says "migrating"
    const stallMs = rig.watcher.options.stallMs;
    let movedAt: number | undefined;
    let quietCycles = 0;
    // Two minutes a cycle: between the quiet samples (every 5 minutes) the watch is quiet.
    for (let i = 0; i < 30 && !events().includes('stalled'); i++) {
      world.skewMs += 2 * 60_000;
      const before = world.now();
      const { report } = await cycle();
      quietCycles += report.quiet;
      movedAt ??= (await rig.watcher.store.read<{ movedAt: number }>(key))?.movedAt;
      if (events().includes('stalled')) expect(before - movedAt!).toBeGreaterThanOrEqual(stallMs);
      else expect(before - movedAt!).toBeLessThan(stallMs);
    }
    expect(events()).toContain('stalled');
    expect(quietCycles).toBeGreaterThan(0);
  });

  /**
   * Restarts the rig with a budget of one card edit per `windowMs`, watches `count` running tasks,
   * lets their cards settle, then moves every one of them at the start of a window (one is redrawn
   * in the cycle returned; the others wait for later windows). Returns a move of the watcher's clock
   * to the next window (a cycle takes no time on that clock, so it never crosses into the next one).
   */
  async function cardsWaitingForBudget(count: number, windowMs: number): Promise<() => void> {
    await rig.stop();
    const editBudget = { windowMs, max: 1 };
    rig = await startRig(world, { storeUrl: url(), watcher: { keyPrefix: prefix, editBudget } });
    for (let i = 0; i < count; i++)
      await watch(
        world.oms.addTask({ name: `wait-${i}`, status: 2, totalSize: 10 * GiB, speed: 100 * MiB }).id,
      );
    const nextWindow = () => world.watcherClock.toNextWindow(windowMs);
    nextWindow();
    await cycle();
    await cycle();
    nextWindow();
    world.fakeSlack.clear();
    world.clock.advance(20_000); // every card moves ~20 points
    const moved = await cycle();
    expect(moved.decoded).toBe(count);
    expect(world.fakeSlack.callsTo('chat.update')).toHaveLength(1);
    return nextWindow;
  }

  it('waiting for the edit budget, is not decoded again, and its card is still redrawn later', async () => {
    const nextWindow = await cardsWaitingForBudget(3, 2_000);
    await cycle(); // the records just written are read once more, and remembered
    const waiting = await cycle();
    expect(waiting.report.quiet).toBe(3);
    expect(waiting.decoded).toBe(0);
    expect(world.fakeSlack.callsTo('chat.update')).toHaveLength(1);
    // Each later window redraws one more card, though none of them was decoded for it.
    for (let i = 0; i < 4 && world.fakeSlack.callsTo('chat.update').length < 3; i++) {
      nextWindow();
      await cycle();
    }
    expect(new Set(world.fakeSlack.callsTo('chat.update').map((c) => c.body.ts)).size).toBe(3);
    expect(waiting.report.events).toBe(0);
  });

  it('waiting in numbers, only the first few of a workspace are reached each pass, and all are redrawn', async () => {
    // One edit per window: a delivery pass is given 3 of the workspace's waiting cards.
    const nextWindow = await cardsWaitingForBudget(6, 1_200);
    await cycle();
    const deferred = rig.watcher.outbox.stats.editsDeferred;
    const waiting = await cycle();
    expect(waiting.report.quiet).toBe(6);
    expect(waiting.decoded).toBe(0);
    // 5 cards wait; reaching each of them would defer at least 4 in this cycle.
    expect(rig.watcher.outbox.stats.editsDeferred - deferred).toBeLessThanOrEqual(3);
    for (let i = 0; i < 8 && world.fakeSlack.callsTo('chat.update').length < 6; i++) {
      nextWindow();
      await cycle();
    }
    const edited = world.fakeSlack.callsTo('chat.update').map((c) => c.body.ts);
    expect(new Set(edited).size).toBe(6);
    expect(edited).toHaveLength(6);
  });

  it('is decoded again when something else wrote its record', async () => {
    const task = world.oms.addTask({ name: 'paused', status: 3 });
    const key = await watch(task.id);
    for (let i = 0; i < 3; i++) await cycle();
    expect((await cycle()).decoded).toBe(0);
    // As a button does: the record changes, the resource does not.
    await rig.watcher.store.update<WatchRecord>(key, (r) => (r ? cardDue(r, true) : SKIP));
    const next = await cycle();
    expect(next.decoded).toBe(1);
    expect(next.report.quiet).toBe(0);
    // Its card was redrawn, and it is quiet again afterwards (one cycle to be remembered).
    await cycle();
    expect(world.fakeSlack.callsTo('chat.update').length).toBeGreaterThan(0);
    expect((await cycle()).decoded).toBe(0);
  });
});
