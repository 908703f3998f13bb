import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import { retryFactOf } from '../../src/capabilities/auto-retry/retry-fact.js';
import type { WatchRecord } from '../../src/watcher/records/watch-store.js';
import { compileBot } from '../harness/compiled-bot.js';
import { BOT_TOKEN, messageText, omsConnection, SIGNING_SECRET, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../security/replica-redis.js';

// Issue 77, the fault injection at full count (heavy): 100 failures seeded across the classes on
// the OMS simulator, watched by two replicas of the compiled bot on one Redis; the first replica
// is killed with SIGKILL the moment the simulator sees the first automatic retry. At least 80 % of
// the transient and network ones end succeeded with no failure reply, no listing and nobody
// reminded; credentials, permissions, configuration, not-found and quota get 0 retries; no task is
// started twice (an attempt the dead replica had claimed is counted after 5 minutes, never made
// again). The replicas' clocks are moved through stdin (`movedClock`), the simulator's by the test.
// NCP and UpCloud are not in it: their simulators fail runs by scripted faults, not by code.
const FIXTURE = path.join(import.meta.dirname, '..', 'watcher', 'fixtures', 'replica.mjs');
const storeUrl = replicaRedisUrl();
const suffix = `r${Date.now().toString(36).slice(-6)}`;
const PREFIX = `auto-retry-kill-${suffix}:`;
const CHANNELS = Array.from({ length: 10 }, (_, i) => `C0ARKIL${i}0`);
const GiB = 1024 ** 3;
const LEASE_MS = 800;
const MIN = 60_000;
const RETRIED = [...Array(40).fill('TRF.0001'), ...Array(20).fill('OMS.0161')] as string[];
const NEVER = ['CMM.0154', 'OMS.0053', 'OMS.0001', 'OMS.0054', 'OMS.0077'].flatMap(
  (c) => Array(8).fill(c) as string[],
);

let dist: string;
// The test's own bot (signed requests only): on a clock of its own, it runs no job by itself.
const t = new TestBot();
const children = new Set<ChildProcess>();
const posts: RecordedCall[] = [];

beforeAll(async () => {
  dist = compileBot();
  await t.start({
    env: { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' },
    watcher: { keyPrefix: PREFIX },
    clock: new TestClock(),
  });
  t.fakeSlack.observe((call) => {
    if (call.method === 'chat.postMessage') posts.push(call);
  });
  expect(messageText(await t.ask('settings retry hw-prod on max 3 after 1 budget 500'))).toContain('updated');
  await t.ask('settings escalation remind 2');
}, 300_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await t.stop();
  await dropRedisKeys(storeUrl, suffix);
});

function replica(): ChildProcess & { ready: Promise<boolean> } {
  const child = spawn(process.execPath, [FIXTURE], {
    env: {
      ...process.env,
      WATCHER_DIST: dist,
      REPLICA_CONFIG: JSON.stringify({
        env: {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: t.fakeSlack.apiUrl,
          STORE_URL: storeUrl,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          POLL_INTERVAL_SECONDS: '0',
        },
        connections: [omsConnection('hw-prod', t.oms.url)],
        watcher: { keyPrefix: PREFIX, leaseMs: LEASE_MS, sendingStaleMs: LEASE_MS },
        cycleMs: 50,
        movedClock: true,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcess & { ready: Promise<boolean> };
  child.ready = new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  child.stdin?.on('error', () => undefined);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[replica ${child.pid}] ${chunk}`));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Moves every live replica's clock (the backoff, a stale claim). */
function advance(ms: number): void {
  for (const c of children)
    if (c.exitCode === null && c.signalCode === null) c.stdin?.write(`advance ${ms}\n`);
}

async function records(): Promise<Map<string, WatchRecord>> {
  const store = t.bot.deps.watcher.store;
  const loaded = await store.loadMany(await store.watchKeys());
  return new Map(loaded.map((l) => [l.record.watch.id, l.record]));
}

const keyOf = (c: RecordedCall) =>
  (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';

describe('100 failures, two replicas on one Redis, a kill -9 among them', () => {
  it('retries the transient and network ones quietly, each at most once, and never the others', {
    timeout: 280_000,
  }, async () => {
    const a = replica();
    const b = replica();
    expect(await a.ready).toBe(true);
    expect(await b.ready).toBe(true);
    const retried: string[] = [];
    const never: string[] = [];
    for (const [list, codes] of [
      [retried, RETRIED],
      [never, NEVER],
    ] as const)
      for (const [i, code] of codes.entries()) {
        const id = t.oms.addTask({
          name: `arkill-${code}-${i}`,
          status: 2,
          progress: 0.1,
          totalSize: 40 * GiB,
          failAt: 0.9,
          failCode: code,
        }).id;
        list.push(id);
        await t.ask(`watch hw-prod:${id} <#${CHANNELS[(list.length + i) % CHANNELS.length]}|ops>`);
      }
    // Every task fails (the simulator's clock past 32 GiB at 1 GiB/s); the replicas see it.
    t.oms.clock.advance(40_000);
    await until(
      async () => {
        const r = await records();
        return [...retried, ...never].every((id) => r.get(id)?.state === 'failed');
      },
      { what: 'all 100 seen failed', timeoutMs: 60_000, everyMs: 250 },
    );

    const starts = new Map<string, number>();
    let killed = false;
    const stop = t.oms.server.onRequest((method, p) => {
      const id = /\/tasks\/(\d+)\/start$/.exec(p)?.[1];
      if (method !== 'POST' || !id) return;
      starts.set(id, (starts.get(id) ?? 0) + 1);
      if (!killed) {
        killed = true;
        a.kill('SIGKILL');
      }
    });
    try {
      advance(MIN + 1_000);
      await until(() => killed && a.signalCode === 'SIGKILL', {
        what: 'the first replica killed',
        timeoutMs: 30_000,
      });
      // The survivor takes the job's lease and makes the rest; an attempt the dead one had claimed
      // and not made is counted once its claim is 5 minutes old, then made after its backoff.
      await until(() => retried.filter((id) => starts.has(id)).length >= retried.length - 2, {
        what: 'the survivor retried the rest',
        timeoutMs: 90_000,
        everyMs: 250,
      });
      advance(5 * MIN + 1_000);
      // The survivor counts the dead one's claim, then makes it after its backoff: the clock moves
      // a minute at each look until every retriable one was started (at most 60 looks).
      await until(
        () => {
          if (retried.every((id) => starts.has(id))) return true;
          advance(MIN);
          return false;
        },
        { what: 'every retriable one retried', timeoutMs: 60_000, everyMs: LEASE_MS },
      ).catch(() => undefined);
      // The retried runs finish on the simulator's clock.
      t.oms.clock.advance(20_000);
      await until(() => retried.filter((id) => t.oms.task(id)?.status === 5).length >= 0.8 * retried.length, {
        what: 'at least 80 % of the retried succeeded',
        timeoutMs: 60_000,
        everyMs: 250,
      });
      // A few more leases of cycles: nothing is started a second time.
      await new Promise((resolve) => setTimeout(resolve, 4 * LEASE_MS));
    } finally {
      stop();
    }
    for (const id of [...retried, ...never]) expect(starts.get(id) ?? 0, id).toBeLessThanOrEqual(1);
    for (const id of never) expect(starts.get(id) ?? 0, id).toBe(0);
    const succeeded = retried.filter((id) => t.oms.task(id)?.status === 5);
    expect(succeeded.length).toBeGreaterThanOrEqual(48);
    for (const id of succeeded) {
      expect(
        posts.filter((c) => keyOf(c).includes(id) && keyOf(c).endsWith(':failed')),
        id,
      ).toEqual([]);
      expect(
        posts.filter((c) => keyOf(c).includes(id) && keyOf(c).endsWith(':unclaimed')),
        id,
      ).toEqual([]);
    }
    const r = await records();
    for (const id of never) expect(retryFactOf(r.get(id) ?? ({} as WatchRecord)), id).toBeUndefined();
    // Told as today: each never-retried failure's reply reaches its thread (paced per channel; one
    // the dead replica was sending is delivered by the survivor).
    const told = (id: string) => posts.some((c) => keyOf(c).includes(id) && keyOf(c).endsWith(':failed'));
    await until(() => never.every(told), {
      what: `every never-retried failure told (${never.filter((id) => !told(id)).join(', ')})`,
      timeoutMs: 30_000,
      everyMs: 250,
    });
  });
});
