import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { WatchStore } from '../../src/watcher/records/watch-store.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { writeKeyvFile } from './keyv-file.js';

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

/** The store with its Keyv writes counted. */
function countingWrites(store: Store): { store: Store; writes: () => number } {
  let writes = 0;
  // Delegates (not a prototype copy): the store keeps its state in private fields.
  const counting: Store = {
    kind: store.kind,
    sets: store.sets,
    get: (key) => store.get(key),
    getMany: (keys) => store.getMany!(keys),
    set: async (key, value) => {
      writes++;
      return store.set(key, value);
    },
    add: async (key, value) => {
      writes++;
      return store.add(key, value);
    },
    delete: (key) => store.delete(key),
    healthy: () => store.healthy(),
    close: () => store.close(),
  };
  return { store: counting, writes: () => writes };
}

/** The shard the previous build kept a member in (FNV-1a of the member, 64 lists). */
function previousShard(member: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) {
    hash ^= member.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 64;
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

  it('writes one row per member added, never a list of members', async () => {
    const { store, writes } = countingWrites(await sqliteStore('writes'));
    const kv = new LocalAtomicKv(store, 'w:');
    const member = (i: number) => `w:T0TEAM:C0CHAN:hw-prod:task:${String(191297407830000 + i)}`;
    for (let i = 0; i < 2000; i++) await kv.setAdd('index', member(i));
    expect(await kv.setMembers('index')).toHaveLength(2000);
    // The members are rows of their own table: no Keyv record (a JSON list) is written for them.
    expect(writes()).toBe(0);
  }, 60_000);

  it('reads, after the upgrade, the watch index the previous build wrote in 64 lists, then drops the lists', async () => {
    const file = path.join(dir, 'previous-build.sqlite');
    const keys = Array.from({ length: 100 }, (_, i) => `w:T0TEAM:C0CHAN:hw-prod:task:${191297407830000 + i}`);
    const shards = new Map<number, string[]>();
    for (const key of keys) shards.set(previousShard(key), [...(shards.get(previousShard(key)) ?? []), key]);
    const written: Record<string, string> = {};
    for (const key of keys)
      written[`state:${key}`] = JSON.stringify({ watch: { id: key }, outbox: [], sent: [] });
    for (const [shard, members] of shards) written[`state:index#${shard}`] = JSON.stringify(members);
    // As the previous build wrote it: Keyv over @keyv/sqlite, namespace `migrate-bot`.
    writeKeyvFile(file, Object.entries(written));

    const store = await createStore(`sqlite://${file}`, logger);
    const watches = new WatchStore(new LocalAtomicKv(store, 'state:'));
    expect((await watches.loadAll()).map((w) => w.key)).toEqual([...keys].sort());
    await watches.remove(keys[3]!);
    await store.close();

    // Restarted: the removed watch stays removed, and the lists are gone from the Keyv table.
    const reopened = await sqliteStore('previous-build');
    const again = new WatchStore(new LocalAtomicKv(reopened, 'state:'));
    expect((await again.loadAll()).map((w) => w.key)).toEqual(keys.filter((_, i) => i !== 3).sort());
    for (const shard of shards.keys()) expect(await reopened.get(`state:index#${shard}`)).toBeUndefined();
  });

  it('looks for list forms only in the two sets earlier versions kept as lists', async () => {
    // Issue 47's per-resource sets (one per watched resource) each read 65 list keys on their first
    // add: adding 10,000 watches went from 2.2 s to 3.1 s on SQLite (bench store row).
    const store = await sqliteStore('list-forms');
    const read: string[] = [];
    const { get, getMany } = store;
    store.get = (async (key: string) => {
      read.push(key);
      return get.call(store, key);
    }) as typeof store.get;
    store.getMany = (async (keys: string[]) => {
      read.push(...keys);
      return getMany!.call(store, keys);
    }) as typeof store.getMany;
    const kv = new LocalAtomicKv(store, 'w:');
    for (let i = 0; i < 20; i++) await kv.setAdd(`resource-watches:T0TEAM:hw:task:${i}`, `w:${i}`);
    expect(await kv.setMembers('resource-watches:T0TEAM:hw:task:7')).toEqual(['w:7']);
    expect(read).toEqual([]);
    // The watch index and the subscriptions still move from their lists, once.
    await kv.setAdd('index', 'w:1');
    await kv.setAdd('subscriptions', 's:1');
    await kv.setAdd('index', 'w:2');
    expect(read.filter((k) => k.endsWith('#0'))).toEqual(['w:index#0', 'w:subscriptions#0']);
  });

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
