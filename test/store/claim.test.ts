import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { REDIS_URL } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * `AtomicKv.claim`, the inbound dedupe's seen-keys: the first claim of a key wins while it lives,
 * on every backend. On the local stores a claim's row is never read again, so expired rows are
 * swept once per TTL instead of being kept for ever.
 */
const { logger } = captureLogger('silent');
const dir = mkdtempSync(path.join(tmpdir(), 'mb-claim-'));
const stores: Store[] = [];
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Store> {
  const store = await createStore(url, logger);
  stores.push(store);
  return store;
}

const TTL_MS = 60_000;

describe.each([
  ['sqlite', () => open(`sqlite://${path.join(dir, 'claims.sqlite')}`)],
  ['memory', () => open('memory://')],
])('on %s', (_name, make) => {
  it('the first claim wins until the TTL passes; expired claims are swept once per TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = await make();
    const kv = new LocalAtomicKv(store, 'state:');
    const swept = vi.spyOn(store, 'deleteExpired');
    const claims = await Promise.all([kv.claim('a', TTL_MS), kv.claim('a', TTL_MS), kv.claim('b', TTL_MS)]);
    expect(claims).toEqual([true, false, true]);
    expect(swept).not.toHaveBeenCalled();

    vi.setSystemTime(Date.now() + TTL_MS + 1);
    // The next claim sweeps both expired rows (a and b) before anyone reads them again.
    expect(await kv.claim('c', TTL_MS)).toBe(true);
    expect(swept).toHaveBeenCalledTimes(1);
    expect(await swept.mock.results[0]!.value).toBe(2);
    expect(await kv.claim('a', TTL_MS)).toBe(true);
    expect(await kv.claim('c', TTL_MS)).toBe(false);
    expect(swept).toHaveBeenCalledTimes(1);
  });
});

describe('on Redis', () => {
  it('the first claim wins, across connections, until the TTL passes', async () => {
    const prefix = `test:claim:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
    const [one, two] = await Promise.all([
      RedisAtomicKv.connect(REDIS_URL, prefix, logger),
      RedisAtomicKv.connect(REDIS_URL, prefix, logger),
    ]);
    try {
      const claims = await Promise.all([one.claim('k', 200), two.claim('k', 200), two.claim('other', 200)]);
      expect(claims.filter(Boolean)).toHaveLength(2);
      expect(claims[2]).toBe(true);
      // Redis expires the key itself (PX): polled, bounded.
      await expect.poll(() => one.claim('k', 200), { timeout: 3_000, interval: 100 }).toBe(true);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
