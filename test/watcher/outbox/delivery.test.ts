import { describe, expect, it } from 'vitest';
import { DEFAULT_POST_PACE } from '../../../src/watcher/watcher.js';
import {
  CHANNEL,
  drainAll,
  GiB,
  MiB,
  notifications,
  postsPerKey,
  trace,
  watchTask,
} from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

const { world, rig, restartRig } = worldPerTest({ rig: {} });

const watch = (id: string, channelId = CHANNEL) => watchTask(rig, id, { channelId });

describe('Slack delivery through the outbox', () => {
  it('paces posts per channel: replies ending together in one channel stay within Slack’s tier, none lost', async () => {
    // The production pace (1 post per second per channel) against the fake enforcing Slack's tiers.
    await restartRig({ watcher: { postPace: DEFAULT_POST_PACE } });
    const tasks = Array.from({ length: 5 }, (_, i) =>
      world.oms.addTask({ name: `together-${i}`, status: 1, totalSize: GiB, speed: 100 * MiB }),
    );
    for (const task of tasks) await watch(task.id);
    world.fakeSlack.setTierLimits(true);
    world.clock.advance(2_000); // every task starts in the same cycle…
    await rig.watcher.runCycle();
    await drainAll(world, rig);
    world.clock.advance(60_000); // …and finishes in the same cycle
    await rig.watcher.runCycle();
    await drainAll(world, rig);
    expect(notifications(world.fakeSlack).filter((n) => n.event === 'started')).toHaveLength(5);
    const replies = notifications(world.fakeSlack).filter((n) => n.event === 'succeeded');
    expect(replies).toHaveLength(5);
    expect(world.fakeSlack.throttled.filter((t) => t.method === 'chat.postMessage')).toEqual([]);
    expect(rig.watcher.outbox.stats.postsPaced).toBeGreaterThan(0);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  }, 60_000);

  it('a 429 delays a reply until Retry-After, never loses or repeats it', async () => {
    const task = world.oms.addTask({ name: 'rate-limited', status: 1, speed: 10 * MiB });
    await watch(task.id);
    world.fakeSlack.rateLimit('chat.postMessage', 1, 1);
    world.clock.advance(2_000);
    await rig.watcher.runCycle(); // started: 429, stays in the outbox
    expect(notifications(world.fakeSlack).map((n) => n.event)).toEqual(['parent']);
    await rig.watcher.runCycle(); // within Retry-After: the workspace waits, nothing is tried
    expect(rig.watcher.outbox.stats.rateLimited).toBe(1);
    expect(world.fakeSlack.calls.length).toBe(1);
    world.watcherClock.advance(999);
    await rig.watcher.runCycle(); // Retry-After (1 s) is not over yet
    expect(world.fakeSlack.calls.length).toBe(1);
    world.watcherClock.advance(1);
    await rig.watcher.runCycle();
    expect(trace(world.fakeSlack)).toEqual(['post parent', 'reply started', 'edit Migrating 0%']);
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  });

  it('a Slack outage holds every notification, then delivers them in order, once', async () => {
    const task = world.oms.addTask({ name: 'outage', status: 1, totalSize: GiB, speed: 10 * MiB });
    world.fakeSlack.setDown(true);
    const result = await watch(task.id);
    expect(result.posted).toBe(false); // the card waits in the outbox
    world.clock.advance(2_000);
    await rig.watcher.runCycle(); // started
    await world.provider.pause('task', task.id);
    world.clock.advance(1_500);
    await rig.watcher.runCycle(); // paused
    await world.provider.resume('task', task.id);
    world.clock.advance(2_000);
    await rig.watcher.runCycle(); // resumed
    expect(world.fakeSlack.calls.length).toBe(0);
    const record = (await rig.watcher.store.loadAll())[0]!.record;
    expect(record.outbox.map((e) => e.key.split(':').pop())).toEqual([
      'parent',
      'started',
      'paused',
      'resumed',
    ]);

    world.fakeSlack.setDown(false);
    await drainAll(world, rig);
    // The card is drawn from the latest snapshot when it is finally posted: no edit needed.
    expect(trace(world.fakeSlack)).toEqual(['post parent', 'reply started', 'reply paused', 'reply resumed']);
    expect([...postsPerKey(world.fakeSlack).values()]).toEqual([1, 1, 1, 1]);
    const replies = notifications(world.fakeSlack).filter((n) => n.thread);
    expect(new Set(replies.map((r) => r.body.thread_ts))).toEqual(new Set(['1700000000.000001']));
  });

  it('keeps card edits within the workspace budget and catches up later', async () => {
    await restartRig({ watcher: { editBudget: { windowMs: 1_000, max: 3 } } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const task = world.oms.addTask({ name: `bulk-${i}`, status: 2, totalSize: 10 * GiB, speed: 100 * MiB });
      ids.push(task.id);
    }
    for (const id of ids) await watch(id);
    world.fakeSlack.clear();
    world.clock.advance(20_000); // every card moves ~20 points
    await rig.watcher.runCycle();
    // The cycle takes no time on the watcher's clock: its burst is one window's, whatever the machine.
    expect(world.fakeSlack.callsTo('chat.update')).toHaveLength(3);
    expect(rig.watcher.outbox.stats.editsDeferred).toBe(5);
    await drainAll(world, rig);
    expect(world.fakeSlack.callsTo('chat.update').length).toBe(8); // each card once, none lost
    // Fake Slack stamps calls on the watcher's clock: never more than 3 in one of the budget's windows.
    const perWindow = new Map<number, number>();
    for (const { at } of world.fakeSlack.callsTo('chat.update'))
      perWindow.set(Math.floor(at / 1_000), (perWindow.get(Math.floor(at / 1_000)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(3);
  });

  it('does not read the cards left for a later edit window, and edits each of them later', async () => {
    await restartRig({ watcher: { editBudget: { windowMs: 2_000, max: 3 } } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(world.oms.addTask({ name: `wait-${i}`, status: 2, totalSize: 10 * GiB, speed: 100 * MiB }).id);
    for (const id of ids) await watch(id);
    await drainAll(world, rig);
    world.fakeSlack.clear();
    const store = rig.watcher.store;
    const read = store.read.bind(store);
    const readKeys = new Set<string>();
    store.read = <T>(key: string) => {
      if (key.startsWith('w:')) readKeys.add(key);
      return read<T>(key);
    };
    // Out of the window that posted the cards: each edit below is the budget's, not the setup's.
    world.watcherClock.toNextWindow(2_000);
    world.clock.advance(20_000); // every card moves ~20 points: all 8 dirty, nothing to post
    await rig.watcher.runCycle();
    expect(world.fakeSlack.callsTo('chat.update')).toHaveLength(3);
    // The 3 edited, and the one that found the budget spent; the other 4 were not read at all.
    expect(readKeys.size).toBe(4);
    expect(rig.watcher.outbox.stats.editsDeferred).toBe(5);
    store.read = read;
    await drainAll(world, rig);
    expect(new Set(world.fakeSlack.callsTo('chat.update').map((c) => c.body.ts)).size).toBe(8);
  });

  it('shares the edit budget fairly: busy cards do not starve the others', async () => {
    await restartRig({ watcher: { editBudget: { windowMs: 500, max: 2 } } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(
        world.oms.addTask({ name: `busy-${i}`, status: 2, totalSize: 100 * GiB, speed: 500 * MiB }).id,
      );
    for (const id of ids) await watch(id);
    world.fakeSlack.clear();
    // Each cycle is in a window of its own (the clock moves 20 s): 2 edits each, so 4 cycles reach
    // all 8 cards only if each cycle edits the longest-unedited ones.
    for (let i = 0; i < 4; i++) {
      world.clock.advance(20_000); // every card moves ~10 points per cycle
      await rig.watcher.runCycle();
    }
    const edited = new Set(world.fakeSlack.callsTo('chat.update').map((c) => c.body.ts));
    expect(edited.size).toBe(8);
  });

  it('a chat.update 429 leaves the card dirty and edits it on a later cycle', async () => {
    const task = world.oms.addTask({ name: 'edit-429', status: 2, totalSize: 10 * GiB, speed: 100 * MiB });
    await watch(task.id);
    world.fakeSlack.rateLimit('chat.update', 1, 1);
    world.clock.advance(20_000);
    await rig.watcher.runCycle();
    expect(world.fakeSlack.callsTo('chat.update').length).toBe(0);
    world.watcherClock.advance(999);
    await rig.watcher.runCycle(); // Retry-After (1 s) is not over yet
    expect(world.fakeSlack.callsTo('chat.update').length).toBe(0);
    world.watcherClock.advance(1);
    await rig.watcher.runCycle();
    expect(world.fakeSlack.callsTo('chat.update').length).toBe(1);
  });
});
