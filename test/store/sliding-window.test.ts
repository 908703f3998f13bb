import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtomicKv, LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { waitForSlot } from '../../src/store/sliding-window.js';
import { captureLogger } from '../helpers/capture-logger.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { logger } = captureLogger('silent');
const WINDOW = { spanMs: 60_000, slotMs: 2_000 };

let memory: Store;
let redis: RedisAtomicKv;
const backends: [string, () => AtomicKv][] = [
  ['local store', () => new LocalAtomicKv(memory, `test:${Math.random()}:`)],
  ['Redis', () => redis],
];

beforeAll(async () => {
  memory = await createStore('memory://', logger);
  redis = await RedisAtomicKv.connect(REDIS_URL, `test:sliding:${Date.now()}:`, logger);
});
afterAll(async () => {
  await redis.close();
  await memory.close();
});
/** The callers' clock, moved by hand: each take is given its time. */
function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe.each(backends)('sliding-window takes (%s)', (_name, backendOf) => {
  it('holds the limit over every interval of the span, and a refused take counts nothing', async () => {
    const kv = backendOf();
    const key = `posts:${Math.random()}`;
    const { now: at, advance } = clock(Date.UTC(2026, 10, 23, 12, 0, 0, 500));
    // A pseudo-random but fixed walk: bursts, quiet spells, both limits.
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const taken: { at: number; max: number }[] = [];
    let refused = 0;
    for (let step = 0; step < 1_500; step++) {
      const now = advance(random() < 0.8 ? Math.floor(random() * 300) : Math.floor(random() * 20_000));
      const max = random() < 0.3 ? 29 : 25;
      const waitMs = await kv.take(key, WINDOW, max, at());
      if (waitMs === 0) taken.push({ at: now, max });
      else {
        refused++;
        expect(waitMs).toBeGreaterThan(0);
        expect(waitMs).toBeLessThanOrEqual(WINDOW.spanMs + WINDOW.slotMs);
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(taken.length).toBeGreaterThan(300);
    for (const [i, take] of taken.entries()) {
      // Every take so far inside the span ending at this one, this one included.
      const inSpan = taken.slice(0, i + 1).filter((t) => t.at > take.at - WINDOW.spanMs).length;
      expect(inSpan).toBeLessThanOrEqual(take.max);
    }
  });

  it('tells how long until a take fits, and one fits then', async () => {
    const kv = backendOf();
    const key = `posts:${Math.random()}`;
    const { now, advance } = clock(Date.UTC(2026, 10, 23, 12, 0, 0, 0));
    for (let i = 0; i < 3; i++) expect(await kv.take(key, WINDOW, 3, now())).toBe(0);
    advance(10_000);
    const waitMs = await kv.take(key, WINDOW, 3, now());
    // The three takes of slot 0 leave when the slot 31 slots later begins: 62 s after they were made.
    expect(waitMs).toBe(62_000 - 10_000);
    // Failures' headroom is still there for a higher limit.
    expect(await kv.take(key, WINDOW, 4, now())).toBe(0);
    advance(waitMs - 1);
    expect(await kv.take(key, WINDOW, 3, now())).toBeGreaterThan(0);
    advance(1);
    expect(await kv.take(key, WINDOW, 3, now())).toBe(0);
  });
});

describe('waitForSlot', () => {
  it('counts slots leaving oldest first', () => {
    const window = { spanMs: 4_000, slotMs: 1_000 };
    // Slots 6..10 at now = 10,500: 2 + 0 + 1 + 0 + 2 = 5.
    expect(waitForSlot([2, 0, 1, 0, 2], 6, window, 10_500)).toBe(0);
    expect(waitForSlot([2, 0, 1, 0, 2], 5, window, 10_500)).toBe(500);
    expect(waitForSlot([2, 0, 1, 0, 2], 3, window, 10_500)).toBe(2_500);
    expect(waitForSlot([0, 0, 0, 0, 9], 3, window, 10_500)).toBe(4_500);
  });
});
