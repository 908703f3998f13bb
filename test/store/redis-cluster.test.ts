import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createStore } from '../../src/store/create-store.js';
import { keySlot } from '../../src/store/key-slot.js';
import { openBotStore } from '../../src/store/open-bot-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { redisAdmin } from '../harness/redis-admin.js';
import { type RedisTopology, startCluster } from '../harness/redis-topology.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * A real 3-master Redis Cluster on loopback (test/harness/redis-topology.ts). Issue 50: 0.2.0 did
 * not work on one at all: an `MGET` of two watch records and the Slack pacing script over its slot
 * counters failed with CROSSSLOT, and STORE_URL pointed at one node started and then failed every
 * cycle with MOVED. The store, watcher and replica suites also run whole against a cluster in CI
 * (TEST_REDIS_URL=redis+cluster://…).
 */
const { logger } = captureLogger('silent');
let cluster: RedisTopology;
const kvs: RedisAtomicKv[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 30_000);
afterAll(async () => {
  await Promise.all(kvs.map((kv) => kv.close()));
  await cluster?.stop();
});

async function kv(prefix: string): Promise<RedisAtomicKv> {
  const opened = await RedisAtomicKv.connect(cluster.url, prefix, logger, { waitMs: 5_000 });
  kvs.push(opened);
  return opened;
}

describe('the store on a 3-master Redis Cluster', () => {
  it('works out each key’s slot as the cluster does (CLUSTER KEYSLOT), hash tags and UTF-8 included', async () => {
    const admin = await redisAdmin(cluster.url);
    try {
      const keys = [
        ...Array.from({ length: 60 }, (_, i) => `migrate-bot:watch:w:T${i}:C1:hw-prod:task:${i}`),
        'migrate-bot:watch:{workspace-posts:T1}:s123',
        '한국어-키:{태그}',
        '中文:{}:x',
        '{}',
        'a{b}c{d}',
      ];
      for (const key of keys)
        expect(Number(await admin.send(['CLUSTER', 'KEYSLOT', key])), key).toBe(keySlot(key));
    } finally {
      await admin.close();
    }
  });

  it('writes a record and its journal in one script, in the record slot, on every master', async () => {
    const store = await kv(`test:cluster:${randomBytes(4).toString('hex')}:`);
    const keys = Array.from({ length: 30 }, (_, i) => `w:T${i}:C1:hw-prod:task:${i}`);
    for (const key of keys)
      await store.update(
        key,
        () => 'v',
        undefined,
        () => [`line ${key}`],
      );
    expect(await store.journals(keys)).toEqual(keys.map((key) => `line ${key}\n`));
    for (const key of keys) await store.dropJournal(key, `line ${key}\n`);
    expect(await store.journals(keys)).toEqual(keys.map(() => ''));
  });

  it('reads many keys at once across every master, in their order (one MGET per slot)', async () => {
    const prefix = `test:cluster:${randomBytes(4).toString('hex')}:`;
    const store = await kv(prefix);
    const keys = Array.from({ length: 200 }, (_, i) => `w:T${i % 7}:C1:conn-${i}:task:${i}`);
    for (const [i, key] of keys.entries()) if (i % 3 !== 0) await store.update(key, () => `v${i}`);
    expect(new Set(keys.map((k) => keySlot(prefix + k))).size).toBeGreaterThan(150);
    const values = await store.getMany(keys);
    expect(values).toEqual(keys.map((_, i) => (i % 3 === 0 ? undefined : `v${i}`)));
  });

  it('keeps a sliding window’s slot counters in one slot: two replicas share the limit', async () => {
    const prefix = `test:cluster:${randomBytes(4).toString('hex')}:`;
    const [a, b] = [await kv(prefix), await kv(prefix)];
    const window = { spanMs: 60_000, slotMs: 2_000 };
    const start = Date.UTC(2026, 10, 23, 12, 0, 0, 500);
    let taken = 0;
    // 40 takes over 40 s (20 slots), alternating replicas: the 25 under the limit pass, no more.
    for (let i = 0; i < 40; i++)
      if ((await (i % 2 ? a : b).take('workspace-posts:T1', window, 25, start + i * 1_000)) === 0) taken++;
    expect(taken).toBe(25);
    const waitMs = await a.take('workspace-posts:T1', window, 25, start + 40_000);
    expect(waitMs).toBeGreaterThan(0);
  });

  it('holds leases, sets, claims and heartbeats on keys spread over the masters', async () => {
    const prefix = `test:cluster:${randomBytes(4).toString('hex')}:`;
    const [a, b] = [await kv(prefix), await kv(prefix)];
    expect(await a.acquireLease('lease:conn:x', 'a', 5_000)).toBe(true);
    expect(await b.acquireLease('lease:conn:x', 'b', 5_000)).toBe(false);
    expect(await b.claim('inbound:1', 5_000)).toBe(true);
    expect(await a.claim('inbound:1', 5_000)).toBe(false);
    expect(await a.setAddBounded('quota:T1', 'k1', 1)).toMatchObject({ in: true, added: true });
    expect(await b.setAddBounded('quota:T1', 'k2', 1)).toMatchObject({ in: false });
    expect(await b.heartbeat('replicas', 'b', 5_000)).toEqual(['b']);
    expect(await a.heartbeat('replicas', 'a', 5_000)).toEqual(['a', 'b']);
    expect(await a.check()).toBeUndefined();
  });

  it('keeps the bot’s Keyv store there too', async () => {
    const store = await createStore(cluster.url, logger);
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `test:keyv:${randomBytes(3).toString('hex')}:${i}`);
      for (const key of keys) await store.set(key, { key });
      for (const key of keys) expect(await store.get(key)).toEqual({ key });
      expect(await store.delete(keys[0]!)).toBe(true);
      expect(await store.healthy()).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('stops the start-up at once, saying "this is a cluster", when STORE_URL names one node as redis://', async () => {
    // Every node, the one that holds the health probe's key included: 0.2.0 started on that one.
    // "At once" is an order, not a measured time: the refusal comes with a wait of 60 s for Redis,
    // longer than the test's own timeout, so a start-up that retried until then would fail here.
    for (const port of cluster.ports) {
      const opening = openBotStore(`redis://127.0.0.1:${port}`, logger, 60_000);
      await expect(opening).rejects.toBeInstanceOf(ConfigError);
      await expect(opening).rejects.toThrow(
        new RegExp(
          `is one node of a Redis Cluster.*\\nFix: this is a cluster, set STORE_URL=redis\\+cluster://127\\.0\\.0\\.1:${port}`,
        ),
      );
    }
  });

  it('starts on the cluster URL and says which form to use when a cluster URL names one server', async () => {
    const bot = await openBotStore(cluster.url, logger, 8_000);
    try {
      expect(await bot.store.healthy()).toBe(true);
      expect(bot.store.problem?.()).toBeUndefined();
    } finally {
      await bot.close();
    }
    const single = process.env.TEST_REDIS_URL?.startsWith('redis://')
      ? process.env.TEST_REDIS_URL
      : 'redis://127.0.0.1:6379';
    const hostPort = new URL(single).host;
    await expect(openBotStore(`redis+cluster://${hostPort}`, logger, 5_000)).rejects.toThrow(
      new RegExp(`is not a Redis Cluster .*\\nFix: set STORE_URL=redis://${hostPort.replace('.', '\\.')}`),
    );
  });

  it('runs under the ACL user docs/deployment.md gives, plus cluster|slots, on every node', async () => {
    const docs = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
    const rules = /^ACL SETUSER migrate-bot on >PASSWORD (.+)$/m.exec(docs)?.[1]?.split(/\s+/) ?? [];
    expect(rules.length).toBeGreaterThan(10);
    expect(docs).toContain('On a cluster add `+cluster|slots`');
    for (const port of cluster.ports) {
      const answer = spawnSync(
        'redis-cli',
        ['-p', String(port), 'ACL', 'SETUSER', 'bot-acl', 'on', '>acl-pw', ...rules, '+cluster|slots'],
        { encoding: 'utf8' },
      );
      expect(answer.stdout.trim()).toBe('OK');
    }
    const url = cluster.url.replace('redis+cluster://', 'redis+cluster://bot-acl:acl-pw@');
    const bot = await openBotStore(url, logger, 8_000);
    try {
      expect(await bot.store.healthy()).toBe(true);
      expect(await bot.state.getMany(['a', 'b', 'c', 'd'])).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      // Records with journals (the audit log's, untagged): each journal under the prefix the user
      // may touch, in its record's slot, so the one script that writes both runs (issue 73).
      const keys = Array.from({ length: 30 }, (_, i) => `audit:T${i}-${randomBytes(2).toString('hex')}`);
      for (const key of keys)
        await bot.state.update(
          key,
          () => 'v',
          undefined,
          () => [`line ${key}`],
        );
      expect(await bot.state.journals(keys)).toEqual(keys.map((key) => `line ${key}\n`));
      for (const key of keys) await bot.state.dropJournal(key, `line ${key}\n`);
      expect(await bot.state.journals(keys)).toEqual(keys.map(() => ''));
    } finally {
      await bot.close();
    }
  });
});
