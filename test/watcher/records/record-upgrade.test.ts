import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../src/store/create-store.js';
import { cardOf } from '../../../src/watcher/outbox/living-posts.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import {
  GiB,
  MiB,
  postsPerKey,
  REDIS_URL,
  type Rig,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
  watchedKey,
  watchTask,
} from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * Issue 47: a watch record keeps its card as the first of its posts. Records written before that
 * keep the card as `parentTs` + `card`: 0.2.0's as plain JSON (written here by hand, field by field
 * as 0.2.0 has them), the build before issue 47's compact (what this build still stores, byte for
 * byte: record-codec.test.ts). This build starts on a store holding both and goes on: nothing is
 * posted twice, the replies stay in each card's thread, and every card keeps being edited.
 */
const { logger } = captureLogger('silent');
let world: WatchWorld;
const dir = mkdtempSync(path.join(tmpdir(), 'mb-upgrade-'));

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The record as 0.2.0 wrote it (plain JSON): the card as `parentTs` + `card`, no card post. */
function as020(record: WatchRecord): string {
  const card = cardOf(record)!;
  const { posts, ...rest } = record;
  const others = posts!.slice(1);
  return JSON.stringify({
    ...rest,
    parentTs: card.ts,
    card: {
      dirty: card.dirty,
      shownState: card.shown.state,
      shownProgress: card.shown.progress,
      editedAt: card.shown.at,
    },
    ...(others.length > 0 ? { posts: others } : {}),
  });
}

const stores: [string, () => string][] = [
  ['memory', () => 'memory://'],
  ['SQLite', () => `sqlite://${path.join(dir, `${Math.random().toString(36).slice(2)}.sqlite`)}`],
  ['Redis', () => REDIS_URL],
];

describe.each(stores)('upgrading a %s store written before cards were posts', (_name, urlOf) => {
  it('posts nothing twice and keeps editing every card', async () => {
    const url = urlOf();
    const store: Store = await createStore(url, logger);
    const keyPrefix = url.startsWith('redis') ? uniquePrefix() : 'watch:';
    const rig = (): Promise<Rig> => startRig(world, { storeUrl: url, store, watcher: { keyPrefix } });
    const [old, today] = ['from-0.2.0', 'from-today'].map((name) =>
      world.oms.addTask({ name, status: 1, totalSize: 10 * GiB, speed: 100 * MiB }),
    );
    const before = await rig();
    for (const task of [old!, today!]) await watchTask(before, task.id);
    world.clock.advance(2_000);
    await before.watcher.runCycle(); // started
    const backend = before.watcher.store.backend;
    const cards = new Map<string, string>();
    for (const task of [old!, today!]) {
      const record = (await before.watcher.store.read<WatchRecord>(watchedKey(task.id)))!;
      cards.set(task.id, cardOf(record)!.ts);
    }
    // One as 0.2.0 stored it; the other as stored: the previous build's compact form, card and all.
    const oldKey = watchedKey(old!.id);
    const stored = as020((await before.watcher.store.read<WatchRecord>(oldKey))!);
    await backend.update(oldKey, () => stored);
    expect(await backend.get(watchedKey(today!.id))).toMatch(/"pt":"[^"]+","c":\{/);
    await before.stop();

    const after = await rig();
    try {
      const editsBefore = world.fakeSlack.callsTo('chat.update').length;
      for (const task of [old!, today!]) await world.provider.pause('task', task.id);
      world.clock.advance(1_500);
      await after.watcher.runCycle(); // paused
      for (const task of [old!, today!]) await world.provider.resume('task', task.id);
      world.clock.advance(2_000);
      await after.watcher.runCycle(); // resumed
      world.clock.advance(200_000);
      await after.watcher.runCycle(); // succeeded
      await after.watcher.runCycle();

      const posts = postsPerKey(world.fakeSlack);
      expect([...posts.values()].filter((n) => n !== 1)).toEqual([]);
      const edits = world.fakeSlack.callsTo('chat.update').slice(editsBefore);
      for (const task of [old!, today!]) {
        const ts = cards.get(task.id)!;
        const mine = [...posts.keys()].filter((key) => key.includes(task.id));
        for (const event of ['parent', 'r1.1:started', 'r1.2:paused', 'r1.3:resumed', 'r1.4:succeeded'])
          expect(
            mine.filter((key) => key.endsWith(`:${event}`)),
            `${task.id} ${event}`,
          ).toHaveLength(1);
        // The replies after the upgrade are in the card's thread; the card itself is edited.
        const replies = world.fakeSlack
          .callsTo('chat.postMessage')
          .filter((c) => JSON.stringify(c.body.metadata ?? '').includes(task.id) && c.body.thread_ts);
        expect(replies.every((c) => c.body.thread_ts === ts)).toBe(true);
        const cardEdits = edits.filter((c) => c.body.ts === ts);
        expect(cardEdits.length, task.id).toBeGreaterThan(0);
        const record = (await after.watcher.store.read<WatchRecord>(watchedKey(task.id))) ?? undefined;
        if (record) expect(cardOf(record)).toMatchObject({ ts, dirty: false, shown: { state: 'succeeded' } });
      }
    } finally {
      await after.stop();
      await store.close();
    }
  }, 60_000);
});
