import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLocks, LockWaitError } from '../../src/store/lease-lock.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { cleanRedis } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { logger } = captureLogger('silent');
const prefix = `test:lease-lock:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
let replicaA: RedisAtomicKv;
let replicaB: RedisAtomicKv;

beforeAll(async () => {
  replicaA = await RedisAtomicKv.connect(REDIS_URL, prefix, logger);
  replicaB = await RedisAtomicKv.connect(REDIS_URL, prefix, logger);
});
afterAll(async () => {
  await replicaA.close();
  await replicaB.close();
  await cleanRedis(prefix);
});

/** Two replicas, each with its own Redis connection and its own locks, on one name. */
describe('LeaseLocks across replicas', () => {
  it('never runs two holders of one name at once, in one process or across two', async () => {
    const a = new LeaseLocks(replicaA, { pollMs: 5 });
    const b = new LeaseLocks(replicaB, { pollMs: 5 });
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? a : b).run('installation:team:T0MUTEX1', async () => {
          most = Math.max(most, ++inside);
          // Work that takes a round trip to Redis, as the others' waits for the lock do.
          await (i % 2 === 0 ? replicaA : replicaB).get('lease-lock-work');
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(16);
  });

  it('a holder that died frees the name when its lease runs out; a waiter gives up after its wait', async () => {
    // Another replica took the lease and stopped (no release, no extension).
    await replicaB.acquireLease('lease:lock:installation:team:T0DEAD01', 'dead-replica', 300);
    const impatient = new LeaseLocks(replicaA, { pollMs: 5, waitMs: 100 });
    await expect(impatient.run('installation:team:T0DEAD01', async () => 'ran')).rejects.toBeInstanceOf(
      LockWaitError,
    );
    // Taken once the dead holder's lease ran out on Redis's clock: an order, not a measured time
    // (a waiter that did not try again would give up after its wait, as the impatient one did).
    const patient = new LeaseLocks(replicaA, { pollMs: 5, waitMs: 2_000 });
    expect(await patient.run('installation:team:T0DEAD01', async () => 'ran')).toBe('ran');
  });

  it('a holder whose work outlasts the lease keeps it by extending it', async () => {
    const a = new LeaseLocks(replicaA, { pollMs: 5, ttlMs: 150 });
    const b = new LeaseLocks(replicaB, { pollMs: 5, waitMs: 200 });
    let release!: () => void;
    let taken!: () => void;
    const held = new Promise<void>((resolve) => (taken = resolve));
    const holding = a.run('installation:team:T0LONG01', () => {
      taken();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await held;
    await expect(b.run('installation:team:T0LONG01', async () => 'ran')).rejects.toBeInstanceOf(
      LockWaitError,
    );
    release();
    await holding;
    expect(await b.run('installation:team:T0LONG01', async () => 'ran')).toBe('ran');
  });
});
