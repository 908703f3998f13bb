import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlansState } from '../../../src/capabilities/plans/plan-service.js';
import { compileBot } from '../../harness/compiled-bot.js';
import { BOT_TOKEN, messageText, omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 60: a real kill -9 at a wave's gate. The plan is built through signed requests on a bot
// that runs no cycle; two replicas of the compiled bot (child processes) share its Redis, its fake
// Slack and its OMS simulator. The first replica is killed with SIGKILL the moment the simulator
// sees the first start of a wave-2 task (the wave has just opened, its starts under way); the
// second takes over once the lease lapses. Each wave-2 task is started exactly once, counted at
// the simulator, and the wave opened once.
const FIXTURE = path.join(import.meta.dirname, '..', '..', 'watcher', 'fixtures', 'replica.mjs');
const storeUrl = replicaRedisUrl();
const suffix = `k${Date.now().toString(36).slice(-6)}`;
const PREFIX = `plans-kill-${suffix}:`;
const CHANNEL = 'C0PLANKIL';
const here = { userId: 'U0ALICE01', channelId: CHANNEL };
const GiB = 1024 ** 3;
const LEASE_MS = 800;

let dist: string;
const t = new TestBot();
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dist = compileBot();
  await t.start({
    env: { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' },
    watcher: { keyPrefix: PREFIX },
  });
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
        cycleMs: 30,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { ready: Promise<boolean> };
  child.ready = new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[replica ${child.pid}] ${chunk}`));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

describe('kill -9 of a replica at a wave’s gate', () => {
  it('starts each of the wave’s migrations exactly once', { timeout: 120_000 }, async () => {
    const answer = messageText(await t.ask('plan new killed-gate', here));
    const plan = /`(p[0-9a-f]{6})`/.exec(answer)![1]!;
    const first = t.oms.addTask({ name: 'kill-first', status: 2, progress: 0.5, totalSize: 10 * GiB }).id;
    const wave2 = Array.from(
      { length: 4 },
      (_, i) => t.oms.addTask({ name: `kill-w2-${i}`, status: 3, progress: 0.1, totalSize: 10 * GiB }).id,
    );
    expect(messageText(await t.ask(`plan add killed-gate hw-prod:${first}`, here))).toContain('Added 1');
    expect(
      messageText(
        await t.ask(`plan add killed-gate ${wave2.map((id) => `hw-prod:${id}`).join(' ')} wave 2`, here),
      ),
    ).toContain('Added 4');
    expect(messageText(await t.ask('plan start killed-gate', here))).toContain('started');

    // Starts of wave 2's tasks, as the simulator serves them; the first kills the replica at once.
    const starts = new Map<string, number>();
    const one = replica();
    let killed = false;
    const stop = t.oms.server.onRequest((method, p) => {
      const id = /\/tasks\/(\d+)\/start$/.exec(p)?.[1];
      if (method !== 'POST' || !id || !wave2.includes(id)) return;
      starts.set(id, (starts.get(id) ?? 0) + 1);
      if (!killed) {
        killed = true;
        one.kill('SIGKILL');
      }
    });
    try {
      expect(await one.ready).toBe(true);
      const store = (t.bot.deps.capabilities.stateOf('plans') as PlansState).store;
      await until(async () => (await store.get('T0FAKE001', plan))?.waves['1']?.openedAt !== undefined, {
        what: 'wave 1 opened by the first replica',
        timeoutMs: 30_000,
      });
      const task = t.oms.task(first)!;
      Object.assign(task, { status: 5, completeSize: task.totalSize, successfulNum: task.totalNum });
      await until(() => killed && one.signalCode === 'SIGKILL', {
        what: 'the first replica killed at wave 2’s gate',
        timeoutMs: 30_000,
      });
      const two = replica();
      expect(await two.ready).toBe(true);
      await until(() => wave2.every((id) => (starts.get(id) ?? 0) >= 1), {
        what: `every wave-2 task started (${JSON.stringify([...starts])})`,
        timeoutMs: 30_000,
      });
      // A few more leases' worth of cycles: nothing is started a second time.
      await new Promise((resolve) => setTimeout(resolve, 4 * LEASE_MS));
      two.kill('SIGKILL');
    } finally {
      stop();
    }
    expect(wave2.map((id) => starts.get(id) ?? 0)).toEqual([1, 1, 1, 1]);
    const opened = (await t.bot.deps.audit.recent('T0FAKE001', 200)).filter(
      (e) => e.action === 'plan.wave' && e.target === `${plan} wave 2`,
    );
    expect(opened).toHaveLength(1);
  });
});
