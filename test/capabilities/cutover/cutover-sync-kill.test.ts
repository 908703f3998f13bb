import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_LEASE_MS } from '../../../src/capabilities/cutover/sync-record.js';
import { compileBot } from '../../harness/compiled-bot.js';
import { killingRedisProxy } from '../../harness/kill-proxy.js';
import {
  BOT_TOKEN,
  buttons,
  messageText,
  omsConnection,
  SIGNING_SECRET,
  TestBot,
} from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 76, keep in sync across a real kill -9. The schedule (every hour, 12 runs due before its
// end date) is asked and approved on a bot that runs no cycle; two replicas of the compiled bot
// (child processes, each through its own Redis proxy, on a clock the test moves) share its Redis,
// fake Slack and OMS simulator and run the schedule. At runs 3 and 10 both are killed (SIGKILL)
// the moment the simulator sees the run's `POST /tasks`; at run 6 the one that takes it is killed
// as Redis answers its claim (its clock alone moved to run 6, so it is the taker), the other cycling
// on. New replicas take over each time. Run 6 is left alone while its claim's lease lasts, then
// taken over by a living replica. Each run is created exactly once (counted at the simulator by run
// number), none after the end date.
const FIXTURE = path.join(import.meta.dirname, '..', '..', 'watcher', 'fixtures', 'replica.mjs');
const storeUrl = replicaRedisUrl();
const suffix = `s${Date.now().toString(36).slice(-6)}`;
const PREFIX = `sync-kill-${suffix}:`;
const CHANNEL = 'C0SYNCKIL';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0SYNCBOB';
const HOUR = 3_600_000;
const LEASE_MS = 800;
const RUNS = 12;
const KILL_AT = new Set([3, 10]);
/** The run whose claimer is killed as its claim is written. */
const CLAIM_KILL = 6;

type Replica = ChildProcess & { ready: Promise<boolean> };
let dist: string;
let movedMs = 0;
const clock = new TestClock();
const t = new TestBot();
const children = new Set<Replica>();
const proxies: Server[] = [];
const killers = new Map<ChildProcess, Awaited<ReturnType<typeof redisProxy>>>();

beforeAll(async () => {
  dist = compileBot();
  await t.start({
    env: { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' },
    watcher: { keyPrefix: PREFIX, clock },
  });
  await t.ask(`access grant <@${APPROVER}> approver`);
}, 300_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of proxies) p.close();
  await t.stop();
  await dropRedisKeys(storeUrl, suffix);
  await dropRedisKeys(storeUrl, 'cutover');
});

async function replica(): Promise<Replica> {
  const proxy = await redisProxy();
  const child = spawn(process.execPath, [FIXTURE], {
    env: {
      ...process.env,
      WATCHER_DIST: dist,
      REPLICA_CONFIG: JSON.stringify({
        env: {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: t.fakeSlack.apiUrl,
          STORE_URL: proxy.url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          POLL_INTERVAL_SECONDS: '0',
        },
        connections: [omsConnection('hw-prod', t.oms.url)],
        watcher: { keyPrefix: PREFIX, leaseMs: LEASE_MS, sendingStaleMs: LEASE_MS },
        movedClock: true,
        cycleMs: 30,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as Replica;
  child.ready = new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  child.stdin?.on('error', () => undefined);
  // A new replica's clock starts where the others' are.
  if (movedMs > 0) child.stdin?.write(`advance ${movedMs}\n`);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[replica ${child.pid}] ${chunk}`));
  children.add(child);
  killers.set(child, proxy);
  child.once('exit', () => {
    children.delete(child);
    killers.delete(child);
  });
  return child;
}

/** A proxy to the tests' Redis for one replica (`test/harness/kill-proxy.ts`). */
const redisProxy = () => killingRedisProxy(storeUrl, proxies);

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Moves the clock of one replica only (it sees a run due before the others). */
function advanceOne(c: ChildProcess, ms: number): void {
  c.stdin?.write(`advance ${ms}\n`);
}

/** Moves the clock of the test's bot and of every living replica by `ms`. */
function advance(ms: number): void {
  movedMs += ms;
  clock.advance(ms);
  for (const c of children) if (alive(c)) advanceOne(c, ms);
}

/** The simulator's tasks created per keep-in-sync run number of `name`. */
function createdPerRun(name: string): Map<number, number> {
  const per = new Map<number, number>();
  for (const task of t.oms.tasks.values()) {
    const n = Number(new RegExp(`^${name} · sync (\\d+)$`).exec(task.description)?.[1]);
    if (n > 0) per.set(n, (per.get(n) ?? 0) + 1);
  }
  return per;
}

async function approveSync(text: string) {
  const since = t.fakeSlack.calls.length;
  expect(messageText(await t.ask(text, { userId: REQUESTER, channelId: CHANNEL }))).toContain('is posted in');
  const request = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .find(
        (c) =>
          c.method === 'chat.postMessage' &&
          buttons(c.body).some((x) => x.action_id === 'cutover.sync.approve'),
      ),
  );
  const approve = buttons(request.body).find((x) => x.action_id === 'cutover.sync.approve')!;
  const ok = await (
    await t.click(approve.action_id, approve.value, { userId: APPROVER, channelId: CHANNEL })
  ).answer();
  expect(messageText(ok)).toContain('Approved by');
}

/**
 * Run `n` with its taker killed as Redis answers its claim: only the first replica's clock reaches
 * run n, so it takes it; once it is dead the others catch up and a new replica starts. Within the
 * claim's lease nobody takes the run; once it lapsed, a living replica takes it over and creates it.
 */
async function takenOver(pair: Replica[], n: number): Promise<Replica[]> {
  const [taker] = pair;
  // The claim's compare-and-set writes run n into the schedule with its taker.
  const marker = new RegExp(`"n":${n},"at":\\d+,"claim":\\{"holder":"run:`);
  let claimKilled = false;
  killers.get(taker!)!.killAt(marker, taker!, () => {
    claimKilled = true;
  });
  advanceOne(taker!, HOUR);
  await until(() => claimKilled && !alive(taker!), {
    what: `the replica that took run ${n} killed at its claim`,
    timeoutMs: 20_000,
  });
  advance(HOUR);
  const next = [...pair.filter(alive), await replica()];
  for (const r of next) expect(await r.ready).toBe(true);
  // The new replica has read the schedule (the other has been cycling all along): the claim holds.
  const schedule = /cutover:sync:[^:\r]+:[a-f0-9]{10}\r\n/;
  await until(() => killers.get(next.at(-1)!)?.named(schedule) ?? false, {
    what: `the new replica read the schedule of run ${n}`,
    timeoutMs: 20_000,
  });
  expect(createdPerRun('sync-kill').has(n)).toBe(false);
  advance(RUN_LEASE_MS + 60_000);
  await until(() => createdPerRun('sync-kill').has(n), {
    what: `run ${n} taken over and created (${JSON.stringify([...createdPerRun('sync-kill')])})`,
    timeoutMs: 20_000,
  });
  return next;
}

describe('keep in sync across a kill -9 of its replicas', () => {
  it('creates each run due exactly once, none after the end date', { timeout: 120_000 }, async () => {
    const task = t.oms.addTask({
      name: 'sync-kill',
      status: 5,
      progress: 1,
      totalSize: 10 * 1024 ** 3,
      totalNum: 3,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'sync-kill-src' },
      dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
    await t.bot.deps.watcher.runCycle();
    // Ends half an hour after run 12 is due: runs 1..12, none after.
    const end = new Date(clock.now() + RUNS * HOUR + HOUR / 2).toISOString();
    await approveSync(`keep-sync ${task.id} every 1h until ${end} max 40`);

    // Creates as the simulator serves them; at a chosen run, every living replica is killed at once.
    let creates = 0;
    const killed: number[] = [];
    let armed = 0;
    const stop = t.oms.server.onRequest((method, p) => {
      if (method !== 'POST' || !p.endsWith('/tasks')) return;
      creates++;
      if (!armed) return;
      killed.push(armed);
      armed = 0;
      for (const c of children) if (alive(c)) c.kill('SIGKILL');
    });
    try {
      let pair: Replica[] = await Promise.all([replica(), replica()]);
      for (const r of pair) expect(await r.ready).toBe(true);
      for (let n = 1; n <= RUNS; n++) {
        if (KILL_AT.has(n)) armed = n;
        if (n === CLAIM_KILL) {
          pair = await takenOver(pair, n);
          continue;
        }
        advance(HOUR);
        await until(() => createdPerRun('sync-kill').has(n), {
          what: `run ${n} created (${JSON.stringify([...createdPerRun('sync-kill')])})`,
          timeoutMs: 20_000,
        });
        if (!KILL_AT.has(n)) continue;
        await until(() => killed.includes(n) && pair.every((r) => !alive(r)), {
          what: `the replicas killed at run ${n}’s create`,
          timeoutMs: 10_000,
        });
        pair = await Promise.all([replica(), replica()]);
        for (const r of pair) expect(await r.ready).toBe(true);
      }
      // Past the end date: the schedule stops (said once in the thread), no run after.
      advance(3 * HOUR);
      await until(
        () =>
          t.fakeSlack.callsTo('chat.postMessage').some((c) => messageText(c.body).includes('its end date')),
        { what: 'the schedule stopped at its end date', timeoutMs: 20_000 },
      );
      advance(3 * HOUR);
      for (const r of pair) r.kill('SIGKILL');
    } finally {
      stop();
    }
    expect(killed).toEqual([...KILL_AT]);
    const per = createdPerRun('sync-kill');
    const due = Array.from({ length: RUNS }, (_, i) => i + 1);
    expect(
      [...per.keys()].sort((a, b) => a - b),
      JSON.stringify([...per]),
    ).toEqual(due);
    expect(
      [...per.values()].every((c) => c === 1),
      JSON.stringify([...per]),
    ).toBe(true);
    expect(creates).toBe(due.length);
  });
});
