import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { openBotStore } from '../../src/store/open-bot-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { type SentinelTopology, startSentinel } from '../harness/redis-topology.js';
import { until } from '../harness/until.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * A master, its replica and a Sentinel on loopback (test/harness/redis-topology.ts). Issue 50:
 * `redis+sentinel://` was refused, and bots pointed at the master through a `SENTINEL FAILOVER`
 * ended on a read-only replica (`READONLY`) until restarted. Through the Sentinel they follow the
 * new master; pointed at one server, they say READONLY and what to set. The store, watcher and
 * replica suites also run whole through a Sentinel in CI (TEST_REDIS_URL=redis+sentinel://…).
 */
const { logger } = captureLogger('silent');
let sentinel: SentinelTopology;
const opened: RedisAtomicKv[] = [];

beforeAll(async () => {
  sentinel = await startSentinel();
}, 30_000);
afterAll(async () => {
  await Promise.all(opened.map((kv) => kv.close()));
  await sentinel?.stop();
});

async function connect(url: string, prefix: string): Promise<RedisAtomicKv> {
  const kv = await RedisAtomicKv.connect(url, prefix, logger, { waitMs: 5_000 });
  opened.push(kv);
  return kv;
}

/** Retries `work` every 50 ms until it resolves (bounded); how long that took. */
async function within<T>(limitMs: number, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let failure: unknown;
  const done = () =>
    work().then(
      (value) => ({ value }),
      (error: unknown) => {
        failure = error;
        return undefined;
      },
    );
  const { value } = await until(done, { what: 'the work', timeoutMs: limitMs }).catch((error: Error) => {
    throw failure ?? error;
  });
  return { value, ms: Date.now() - started };
}

describe('the store through Redis Sentinel', () => {
  it('says, at once, what to set when STORE_URL names the Sentinel as one server, or a master it does not know', async () => {
    const asServer = openBotStore(`redis://127.0.0.1:${sentinel.sentinelPort}`, logger, 8_000);
    await expect(asServer).rejects.toBeInstanceOf(ConfigError);
    await expect(asServer).rejects.toThrow(
      `is a Sentinel, not a data server.\nFix: set STORE_URL=redis+sentinel://127.0.0.1:${sentinel.sentinelPort}/<master name>`,
    );
    // At once, as an order: told with a wait of 60 s for Redis, longer than the test's own timeout.
    await expect(
      openBotStore(`redis+sentinel://127.0.0.1:${sentinel.sentinelPort}/no-such-master`, logger, 60_000),
    ).rejects.toThrow(/cannot be used: the Sentinels .* monitor no master named "no-such-master"/);
  });

  it('follows a SENTINEL FAILOVER to the new master; a bot on the old master as redis:// is told READONLY', async () => {
    const prefix = `test:sentinel:${randomBytes(4).toString('hex')}:`;
    const bot = await openBotStore(sentinel.url, logger, 8_000);
    const viaSentinel = await connect(sentinel.url, prefix);
    const onMaster = await connect(`redis://127.0.0.1:${sentinel.masterPort}`, prefix);
    try {
      await viaSentinel.update('record', () => 'before');
      expect(await viaSentinel.acquireLease('lease:conn:a', 'replica-1', 30_000)).toBe(true);
      expect(await onMaster.check()).toBeUndefined();

      await sentinel.failover();

      // Through the Sentinel: writes reach the new master after the switch (a bounded wait).
      const { ms } = await within(15_000, () => viaSentinel.update('record', () => 'after'));
      console.info(`[sentinel] a write reached the new master ${ms} ms after the switch`);
      expect(await viaSentinel.get('record')).toBe('after');
      // What the old master had was replicated before it stepped down: the lease is still held.
      expect(await viaSentinel.acquireLease('lease:conn:a', 'replica-2', 30_000)).toBe(false);
      const ready = await within(15_000, async () => {
        if (!(await bot.store.healthy())) throw new Error('not ready yet');
        return true;
      });
      expect(ready.value).toBe(true);

      // Pinned to the old master, now a replica: refused, named, with the fix.
      const refused = await within(15_000, async () => {
        // The switch drops its connections first ('failed', reconnecting), then it refuses writes.
        const problem = await onMaster.check();
        if (problem?.cause !== 'readonly') throw new Error(`not refused yet: ${problem?.message}`);
        return problem;
      });
      expect(refused.value.cause).toBe('readonly');
      expect(refused.value.message).toMatch(
        /is a read-only replica \(READONLY .*\): point STORE_URL at the primary, or at the Sentinels with redis\+sentinel:\/\//,
      );
      await expect(onMaster.update('record', () => 'x')).rejects.toThrow(
        /Redis refused update: .*read-only replica/,
      );
    } finally {
      await bot.close();
    }
  });

  it('refuses a start-up on the replica at once, naming it, and starts on the master', async () => {
    const outcomes = await Promise.all(
      [sentinel.masterPort, sentinel.replicaPort].map((port) =>
        openBotStore(`redis://127.0.0.1:${port}`, logger, 5_000).then(
          (bot) => bot.close().then(() => 'started'),
          (error: Error) => error.message,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'started')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'started')).toMatch(
      /cannot be used: Redis at 127\.0\.0\.1:\d+ is a read-only replica\.\nFix: point STORE_URL at the primary, or at the Sentinels/,
    );
  });

  it('runs under the ACL user docs/deployment.md gives, on the master and its replica', async () => {
    const docs = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
    const rules = /^ACL SETUSER migrate-bot on >PASSWORD (.+)$/m.exec(docs)?.[1]?.split(/\s+/) ?? [];
    expect(rules.length).toBeGreaterThan(10);
    // ACLs are each server's own (not replicated): the user is made on both, as a failover needs.
    for (const port of [sentinel.masterPort, sentinel.replicaPort]) {
      const answer = spawnSync(
        'redis-cli',
        ['-p', String(port), 'ACL', 'SETUSER', 'bot-acl', 'on', '>acl-pw', ...rules],
        {
          encoding: 'utf8',
        },
      );
      expect(answer.stdout.trim()).toBe('OK');
    }
    const url = sentinel.url.replace('redis+sentinel://', 'redis+sentinel://bot-acl:acl-pw@');
    const bot = await openBotStore(url, logger, 8_000);
    try {
      expect(await bot.store.healthy()).toBe(true);
      await bot.state.update('acl:probe', () => 'ok');
      expect(await bot.state.get('acl:probe')).toBe('ok');
    } finally {
      await bot.close();
    }
  });
});
