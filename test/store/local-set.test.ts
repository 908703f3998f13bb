import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

const { logger } = captureLogger('silent');
const dir = mkdtempSync(path.join(tmpdir(), 'mb-local-set-'));
const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteStore(name: string): Promise<Store> {
  const store = await createStore(`sqlite://${path.join(dir, `${name}.sqlite`)}`, logger);
  stores.push(store);
  return store;
}

/** The store with every write's size recorded. */
function recordingWrites(store: Store): { store: Store; largestWrite: () => number } {
  let largest = 0;
  const recording: Store = Object.create(store);
  recording.set = async (key: string, value: unknown) => {
    largest = Math.max(largest, String(value).length);
    return store.set(key, value as never);
  };
  return { store: recording, largestWrite: () => largest };
}

// Issue #15: adding 10,000 watches on the embedded store rewrote the whole watch index per watch.
describe('a set on the embedded store', () => {
  it('keeps its members across processes, and forgets removed ones', async () => {
    const store = await sqliteStore('members');
    const first = new LocalAtomicKv(store, 'w:');
    for (let i = 0; i < 300; i++) await first.setAdd('index', `watch-${i}`);
    await first.setAdd('index', 'watch-7'); // twice: still one member
    await first.setRemove('index', 'watch-8');
    await first.setRemove('index', 'never-added');
    const later = new LocalAtomicKv(store, 'w:');
    const members = await later.setMembers('index');
    expect(members).toHaveLength(299);
    expect(new Set(members).size).toBe(299);
    expect(members).not.toContain('watch-8');
    expect(members).toContain('watch-7');
  });

  it('writes a small record per member added, never the whole set again', async () => {
    const { store, largestWrite } = recordingWrites(await sqliteStore('writes'));
    const kv = new LocalAtomicKv(store, 'w:');
    const member = (i: number) => `w:T0TEAM:C0CHAN:hw-prod:task:${String(191297407830000 + i)}`;
    for (let i = 0; i < 4000; i++) await kv.setAdd('index', member(i));
    expect(await kv.setMembers('index')).toHaveLength(4000);
    // The whole set is about 4,000 × 45 characters = 180 KB; one shard about 1/64 of it.
    const wholeSet = 4000 * member(0).length;
    expect(largestWrite()).toBeLessThan(wholeSet / 16);
  }, 60_000);

  it('moves a set written by an earlier version as one list into the new form, once', async () => {
    const store = await sqliteStore('legacy');
    await store.set('w:index', JSON.stringify(['a', 'b', 'c']));
    const kv = new LocalAtomicKv(store, 'w:');
    await kv.setRemove('index', 'b');
    expect((await kv.setMembers('index')).sort()).toEqual(['a', 'c']);
    expect(await store.get('w:index')).toBeUndefined();
    const restarted = new LocalAtomicKv(store, 'w:');
    await restarted.setAdd('index', 'd');
    expect((await restarted.setMembers('index')).sort()).toEqual(['a', 'c', 'd']);
  });
});
