import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store/create-store.js';
import { TEST_REDIS_URL } from '../harness/redis-admin.js';
import { captureLogger } from '../helpers/capture-logger.js';

// `Store.add`, the write only if absent a stalled replica's save goes through (an admitted
// request's record): one atomic step on each store, read back by `get` as any value `set` wrote.
const dir = mkdtempSync(path.join(tmpdir(), 'store-add-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});
const marker = `store-add-${Date.now().toString(36)}`;

describe.each(['memory://', `sqlite://${path.join(dir, 'store.sqlite')}`, TEST_REDIS_URL])('on %s', (url) => {
  async function open(): Promise<Store> {
    const store = await createStore(url, captureLogger('fatal').logger);
    stores.push(store);
    return store;
  }

  it('writes only where no value is, and `get` reads what it wrote', async () => {
    const store = await open();
    const key = `${marker}:one`;
    expect(await store.add(key, { n: 1, at: 'first' }, 60_000)).toBe(true);
    expect(await store.add(key, { n: 2 }, 60_000)).toBe(false);
    expect(await store.get(key)).toEqual({ n: 1, at: 'first' });
    // A value `set` wrote is there too; a string without a TTL as well.
    await store.set(`${marker}:set`, { n: 3 }, 60_000);
    expect(await store.add(`${marker}:set`, { n: 4 }, 60_000)).toBe(false);
    expect(await store.get(`${marker}:set`)).toEqual({ n: 3 });
    expect(await store.add(`${marker}:plain`, 'a')).toBe(true);
    expect(await store.add(`${marker}:plain`, 'b')).toBe(false);
    expect(await store.get(`${marker}:plain`)).toBe('a');
    await store.delete(`${marker}:plain`);
  });

  it('one of twelve adds at once wins, and its value is the one kept', async () => {
    const store = await open();
    const key = `${marker}:race`;
    const won = await Promise.all(Array.from({ length: 12 }, (_, i) => store.add(key, { i }, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await store.get(key)).toEqual({ i: won.indexOf(true) });
  });
});
