import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtomicKv, LocalAtomicKv, SKIP } from '../../../src/store/atomic-kv.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { cardOf, withCardPost } from '../../../src/watcher/outbox/living-posts.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { WatchStore } from '../../../src/watcher/records/watch-store.js';
import { REDIS_URL } from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * A poll cycle writes a watch's successor from the record it loaded: while the stored text is still
 * the one it loaded, the update starts from that very record (not decoded again) and, on Redis,
 * compares against it without reading first. A record changed in between (a button, another
 * replica's delivery) is read and the change kept.
 */

const [KEY, RAW] = Object.entries(
  JSON.parse(
    readFileSync(new URL('../fixtures/records-before-compact.json', import.meta.url), 'utf8'),
  ) as Record<string, string>,
)[0]!;
const { logger } = captureLogger('silent');
const prefix = `test:known:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
const redis: RedisAtomicKv[] = [];

beforeAll(async () => {
  redis.push(await RedisAtomicKv.connect(REDIS_URL, prefix, logger));
  redis.push(await RedisAtomicKv.connect(REDIS_URL, prefix, logger));
});
afterAll(async () => {
  await redis[0]!.update(KEY, () => undefined);
  for (const kv of redis) await kv.close();
});

/** Counts the reads of one record a backend makes (outside `getMany`). */
function countReads(kv: AtomicKv): { reads: number } {
  const counter = { reads: 0 };
  const get = kv.get.bind(kv);
  kv.get = (key) => {
    counter.reads++;
    return get(key);
  };
  return counter;
}

const withCard = (r: WatchRecord, by: string): WatchRecord =>
  withCardPost(r, { ...cardOf(r)!, dirty: true, shown: { ...cardOf(r)!.shown, state: by } });

/** The record stored as the fixture has it, then loaded as a poll cycle loads it. */
async function loadFresh(backend: AtomicKv) {
  const store = new WatchStore(backend);
  await backend.update(KEY, () => RAW);
  const [loaded] = await store.loadMany([KEY]);
  return { backend, store, loaded };
}

/** Each backend, and where another replica's write comes from (the same process on memory). */
const backends: [string, () => AtomicKv, () => AtomicKv | undefined][] = [
  ['memory', () => new LocalAtomicKv(new MemoryStore(), 'w:'), () => undefined],
  ['Redis', () => redis[0]!, () => redis[1]!],
];

describe.each(backends)('writing a loaded watch record (%s)', (name, backendOf, otherReplicaOf) => {
  it('starts from the loaded record itself and, on Redis, reads nothing more', async () => {
    const { backend, store, loaded } = await loadFresh(backendOf());
    expect(loaded?.raw).toBe(RAW);
    const counter = countReads(backend);
    let given: WatchRecord | undefined;
    let returned: WatchRecord | undefined;
    const written = await store.update<WatchRecord>(
      KEY,
      (current) => {
        given = current;
        returned = withCard(current!, 'poll');
        return returned;
      },
      loaded,
    );
    expect(given).toBe(loaded!.record);
    // The record as written, not the stored text decoded once more.
    expect(written).toBe(returned);
    expect(written && cardOf(written)?.shown.state).toBe('poll');
    // Redis: the compare-and-set against the loaded text is the only round trip.
    if (name === 'Redis') expect(counter.reads).toBe(0);
    expect(cardOf((await store.read<WatchRecord>(KEY))!)?.shown.state).toBe('poll');
  });

  it('reads the record again when it changed after it was loaded, and keeps that change', async () => {
    const { backend, store, loaded } = await loadFresh(backendOf());
    // Meanwhile someone else writes it (another replica on Redis).
    const other = new WatchStore(otherReplicaOf() ?? backend);
    await other.update<WatchRecord>(KEY, (r) => ({
      ...r!,
      requested: { action: 'pause', by: 'U0BOB', at: 1 },
    }));
    const calls: WatchRecord[] = [];
    const written = await store.update<WatchRecord>(
      KEY,
      (current) => {
        calls.push(current!);
        return withCard(current!, 'poll');
      },
      loaded,
    );
    expect(calls.at(-1)).not.toBe(loaded!.record);
    expect(calls.at(-1)?.requested?.by).toBe('U0BOB');
    expect(written?.requested?.by).toBe('U0BOB');
    expect(written && cardOf(written)?.shown.state).toBe('poll');
  });

  it('leaves the record as it is only on what is stored, not on what was loaded', async () => {
    const { backend, store, loaded } = await loadFresh(backendOf());
    const other = new WatchStore(otherReplicaOf() ?? backend);
    await other.update<WatchRecord>(KEY, (r) => ({ ...r!, ended: true }));
    // "Skip unless ended": the loaded record is not ended, the stored one is.
    const written = await store.update<WatchRecord>(
      KEY,
      (current) => (current?.ended ? withCard(current, 'ended') : SKIP),
      loaded,
    );
    expect(written && cardOf(written)?.shown.state).toBe('ended');
  });
});
