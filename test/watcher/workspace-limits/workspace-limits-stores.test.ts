import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionStore } from '../../../src/capabilities/subscriptions/subscriptions.js';
import { type AtomicKv, LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../../src/store/create-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { decodeRecord } from '../../../src/watcher/records/record-codec.js';
import { type WatchRecord, WatchStore, watchKey } from '../../../src/watcher/records/watch-store.js';
import { CapReachedError, type WorkspaceLimits } from '../../../src/watcher/records/workspace-limits.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { REDIS_URL } from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * Issue 36, item 4, at the store: adds racing for the last places of a workspace. On Redis, two
 * replicas each with its own connection (the place is taken in Redis in one step: a script for
 * watches, a compare-and-set for subscriptions); on SQLite and memory, one process (a lock per
 * set). Exactly the places left are taken, whichever replica asks. (Through signed requests:
 * workspace-limits.test.ts.)
 */
const { logger } = captureLogger('silent');
const prefix = `test:caps:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
const dir = mkdtempSync(path.join(tmpdir(), 'mb-caps-store-'));
const backends: Record<string, AtomicKv[]> = {};
const embedded: Store[] = [];
const TEAM = 'T0CAPS036';
const [fixtureKey, fixtureRaw] = Object.entries(
  JSON.parse(
    readFileSync(new URL('../fixtures/records-before-compact.json', import.meta.url), 'utf8'),
  ) as Record<string, string>,
)[0]!;
const base = decodeRecord<WatchRecord>(fixtureKey, fixtureRaw);

/** A watch of task `id` in the workspace's channel, as a subscription or a command makes one. */
function watchOf(id: string, teamId = TEAM): { key: string; record: WatchRecord } {
  const watch = { ...base.watch, teamId, channelId: 'C0CAPS036', connection: 'hw-prod', id };
  return { key: watchKey(watch), record: { ...base, watch, snapshot: { ...base.snapshot, id } } };
}

beforeAll(async () => {
  backends.redis = [
    await RedisAtomicKv.connect(REDIS_URL, prefix, logger),
    await RedisAtomicKv.connect(REDIS_URL, prefix, logger),
  ];
  for (const kind of ['sqlite', 'memory'] as const) {
    const store = await createStore(
      kind === 'sqlite' ? `sqlite://${path.join(dir, 'caps.sqlite')}` : 'memory://',
      logger,
    );
    embedded.push(store);
    const kv = new LocalAtomicKv(store, 'watch:');
    backends[kind] = [kv, kv];
  }
});
afterAll(async () => {
  for (const kv of backends.redis ?? []) await kv.close();
  for (const store of embedded) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['redis', 'sqlite', 'memory'])('caps per workspace, adds racing on %s', (kind) => {
  const replicas = () => backends[kind]!;
  it('20 watches added at once: exactly the 3 places are taken', async () => {
    const stores = replicas().map((kv) => new WatchStore(kv, { maxWatches: () => 3 }));
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const { key, record } = watchOf(`9100000000${String(i).padStart(4, '0')}`);
        return stores[i % 2]!.create(key, record).then(
          (created) => (created ? 'created' : 'existed'),
          (error: unknown) =>
            error instanceof CapReachedError ? `refused ${error.used}/${error.max}` : error,
        );
      }),
    );
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'refused 3/3')).toHaveLength(17);
    const keys = (await stores[0]!.watchKeys()).filter((k) => k.startsWith(`w:${TEAM}:`));
    expect(keys).toHaveLength(3);
    expect(await stores[1]!.watchesUsed(TEAM)).toEqual({ used: 3, max: 3 });

    // The same watch added again (a subscription finding it, a second `watch`) takes no new place.
    const again = (await stores[1]!.loadMany(keys))[0]!;
    expect(await stores[1]!.create(again.key, again.record)).toBe(false);
    expect(await stores[0]!.watchesUsed(TEAM)).toEqual({ used: 3, max: 3 });
    // A watch removed on one replica frees its place for the other.
    await stores[0]!.remove(keys[0]!);
    const next = watchOf('91000000009999');
    expect(await stores[1]!.create(next.key, next.record)).toBe(true);
    await expect(
      stores[0]!.create(watchOf('91000000009998').key, watchOf('91000000009998').record),
    ).rejects.toThrow('This workspace has 3 of 3 watches');
  });

  it('subscriptions added at once: the channels of a connection, then the subscriptions', async () => {
    const limits: WorkspaceLimits = { watches: 100, subscriptions: 4, channelsPerConnection: 2 };
    const stores = replicas().map((kv) => new SubscriptionStore(kv, () => limits));
    const sub = (connection: string, channelId: string) => ({
      teamId: TEAM,
      channelId,
      connection,
      mode: 'failures' as const,
      by: 'U0OPER036',
      createdAt: Date.now(),
    });
    const race = (subs: ReturnType<typeof sub>[]) =>
      Promise.all(
        subs.map((s, i) =>
          stores[i % 2]!.put(s).then(
            () => 'added',
            (error: unknown) => (error instanceof CapReachedError ? error.cap : error),
          ),
        ),
      );
    const channels = await race(Array.from({ length: 10 }, (_, i) => sub('hw-prod', `C0CH${i}`)));
    expect(channels.filter((o) => o === 'added')).toHaveLength(2);
    expect(channels.filter((o) => o === 'channels')).toHaveLength(8);

    const connections = await race(Array.from({ length: 10 }, (_, i) => sub(`conn-${i}`, 'C0CH0')));
    expect(connections.filter((o) => o === 'added')).toHaveLength(2);
    expect(connections.filter((o) => o === 'subscriptions')).toHaveLength(8);
    expect(await stores[0]!.list(TEAM)).toHaveLength(4);
    expect((await stores[1]!.use(TEAM)).subscriptions).toEqual({ used: 4, max: 4 });
  });
  it('an add between its count and its record write keeps its place', async () => {
    // Replica A has counted its watch and not yet written the record; replica B, at the cap,
    // cleans up counted keys without records. Dropping A's key there let B in: 2 watches, cap 1.
    const team = `T0GATE${kind.toUpperCase()}`;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = watchOf('91000000000001', team);
    const [kvA, kvB] = replicas();
    const held = new Proxy(kvA!, {
      get(target, name) {
        if (name === 'update')
          return async (...args: Parameters<AtomicKv['update']>) => {
            if (args[0] === first.key) await gate;
            return target.update(...args);
          };
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const a = new WatchStore(held, { maxWatches: () => 1 });
    const b = new WatchStore(kvB!, { maxWatches: () => 1 });
    const pending = a.create(first.key, first.record);
    await until(async () => (await b.watchesUsed(team)).used > 0, {
      what: 'the first watch counted',
      everyMs: 5,
    });
    const second = watchOf('91000000000002', team);
    await expect(b.create(second.key, second.record)).rejects.toThrow('This workspace has 1 of 1 watches');
    open();
    expect(await pending).toBe(true);
    expect((await b.watchKeys()).filter((k) => k.startsWith(`w:${team}:`))).toEqual([first.key]);
  });

  it('a place counted by a crashed add is given back at a later clean-up', async () => {
    const team = `T0CRASH${kind.toUpperCase()}`;
    const clock = new TestClock();
    const store = new WatchStore(replicas()[0]!, { maxWatches: () => 1, clock });
    const crashed = watchOf('91000000000003', team);
    await store.watchesUsed(team);
    await store.backend.setAdd(`team-watches:${team}`, crashed.key); // counted, never written
    const next = watchOf('91000000000004', team);
    // First sighting: it could be an add in flight on another replica, so nothing is dropped.
    await expect(store.create(next.key, next.record)).rejects.toThrow('1 of 1 watches');
    clock.advance(59_000);
    await expect(store.create(next.key, next.record)).rejects.toThrow('1 of 1 watches');
    clock.advance(2_000);
    expect(await store.create(next.key, next.record)).toBe(true);
    expect(await store.watchesUsed(team)).toEqual({ used: 1, max: 1 });
  });
});
