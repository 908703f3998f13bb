import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { retryFactOf } from '../../../src/capabilities/auto-retry/retry-fact.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { compileBot } from '../../harness/compiled-bot.js';
import {
  BOT_TOKEN,
  messageText,
  mrkdwnTexts,
  ncpConnection,
  omsConnection,
  SIGNING_SECRET,
  TestBot,
  upcloudConnection,
} from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 77, fault injection (heavy): 100 failures over the three simulators, two replicas of the
// compiled bot on one Redis, the first killed (SIGKILL) at the first automatic retry. OMS fails by
// code (retried, never-retried, partial, a budget of 1, a freeze, Don't retry); NCP's ERROR has no
// code (unknown) and UpCloud's jobs fail with its own never-retried codes. >=80 % of transient and
// network end succeeded, quietly; the rest get 0 retries; nothing is started twice.
const FIXTURE = path.join(import.meta.dirname, '..', '..', 'watcher', 'fixtures', 'replica.mjs');
const storeUrl = replicaRedisUrl();
const suffix = `r${Date.now().toString(36).slice(-6)}`;
const PREFIX = `auto-retry-kill-${suffix}:`;
const CHANNELS = Array.from({ length: 10 }, (_, i) => `C0ARKIL${i}0`);
const GiB = 1024 ** 3;
const LEASE_MS = 800;
const MIN = 60_000;
/** OMS on hw-prod (max 3, budget 500): what is retried, and what never is. */
const RETRIED = [...Array(36).fill('TRF.0001'), ...Array(18).fill('OMS.0161')] as string[];
const NEVER = ['CMM.0154', 'OMS.0053', 'OMS.0001', 'OMS.0054', 'OMS.0077'].flatMap(
  (c) => Array(3).fill(c) as string[],
);
/** Partial, on a policy that does not name it (the default classes): told as today. */
const PARTIAL = Array(3).fill('TRF.0004') as string[];
/** UpCloud's own codes: credentials, permissions, configuration, not-found, quota. */
const UPCLOUD_CODES = [
  'AUTHENTICATION_FAILED',
  'FORBIDDEN',
  'INVALID_PARAMETERS',
  'RESOURCE_NOT_FOUND',
  'INSUFFICIENT_CREDITS',
];
const NCP_AK = 'NCPARKILLACCESSKEY001';
const NCP_SK = 'ncp-arkill-secret-key-0000000000000001';
const SERVICE = '1200ecde-db95-4d1d-9c2c-0000000a4e77';
const UC_TOKEN = 'ucat_01ARKILL00TOKEN000000000000001';
const source = { name: 'ark-src', accessKey: 'ARKILLSOURCEKEY00001', secretKey: 'arkill-source-secret-01' };
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [UC_TOKEN] });
const connections = (omsUrl: string) => [
  omsConnection('hw-prod', omsUrl),
  omsConnection('hw-tight', omsUrl),
  omsConnection('hw-cold', omsUrl),
  ncpConnection(ncp.url, { accessKey: NCP_AK, secretKey: NCP_SK }, source),
  upcloudConnection(upcloud.url, SERVICE, UC_TOKEN, source),
];

let dist: string;
// The test's own bot (signed requests only): on a clock of its own, it runs no job by itself.
const t = new TestBot();
const children = new Set<ChildProcess>();
/** The attempt (vitest retries a heavy test once): its runs are named apart from the last one's. */
let round = 0;
const posts: RecordedCall[] = [];

beforeAll(async () => {
  dist = compileBot();
  await Promise.all([ncp.start(), upcloud.start()]);
  await t.start({
    connections,
    env: { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' },
    watcher: { keyPrefix: PREFIX },
    clock: new TestClock(),
  });
  t.fakeSlack.observe((call) => {
    if (call.method === 'chat.postMessage') posts.push(call);
  });
  for (const c of ['hw-prod', 'ncp-kr', 'up-fi'])
    expect(messageText(await t.ask(`settings retry ${c} on max 3 after 1 budget 500`))).toContain('updated');
  expect(messageText(await t.ask('settings retry hw-tight on max 3 after 1 budget 1'))).toContain('updated');
  expect(messageText(await t.ask('settings retry hw-cold on max 3 after 1'))).toContain('updated');
  // A freeze on hw-cold over the whole test, on any replica's moved clock.
  const day = 86_400_000;
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  const frozen = await t.ask(
    `policy add ice-ark freeze=${at(Date.now() - day)}..${at(Date.now() + day)}@UTC connections=hw-cold`,
  );
  expect(messageText(frozen)).toContain('Added guardrail');
  await t.ask('settings escalation remind 2');
}, 300_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await t.stop();
  await Promise.all([ncp.stop(), upcloud.stop()]);
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
        connections: connections(t.oms.url),
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

describe('100 failures over three clouds, two replicas on one Redis, a kill -9 among them', () => {
  it('retries the transient and network ones quietly, each at most once, and never the others', {
    timeout: 280_000,
  }, async () => {
    // A retried attempt starts from two fresh replicas: the last one's survivor runs ahead in time.
    for (const c of children) c.kill('SIGKILL');
    round++;
    const a = replica();
    const b = replica();
    expect(await a.ready).toBe(true);
    expect(await b.ready).toBe(true);
    let n = 0;
    const channel = () => CHANNELS[n++ % CHANNELS.length]!;
    const omsTask = async (connection: string, code: string, i: number) => {
      const id = t.oms.addTask({
        name: `arkill${round}-${connection}-${code}-${i}`,
        status: 2,
        progress: 0.1,
        totalSize: 40 * GiB,
        failAt: 0.9,
        failCode: code,
      }).id;
      await t.ask(`watch ${connection}:${id} <#${channel()}|ops>`);
      return id;
    };
    const retried: string[] = [];
    for (const [i, code] of RETRIED.entries()) retried.push(await omsTask('hw-prod', code, i));
    const never: string[] = [];
    for (const [i, code] of [...NEVER, ...PARTIAL].entries()) never.push(await omsTask('hw-prod', code, i));
    const tight: string[] = [];
    for (const i of [0, 1, 2]) tight.push(await omsTask('hw-tight', 'TRF.0001', i));
    const cold: string[] = [];
    for (const i of [0, 1]) cold.push(await omsTask('hw-cold', 'OMS.0161', i));
    const stopped: string[] = [];
    for (const i of [0, 1]) stopped.push(await omsTask('hw-prod', 'TRF.0001', 100 + i));
    // NCP: a policy that turns ERROR (no code in its API: unknown, never retried).
    const policies: string[] = [];
    for (let i = 0; i < 10; i++) {
      const title = `arkill${round}-ncp-${i}`;
      ncp.addPolicy({
        title,
        jobState: 'STARTED',
        listed: true,
        totalSize: 10 * GiB,
        speed: GiB,
        failAt: 0.5,
      });
      policies.push(title);
      await t.ask(`watch ncp-kr:${title} <#${channel()}|ops>`);
    }
    // UpCloud: jobs failing with its own codes (never retried; it offers no retry anyway).
    const jobs: string[] = [];
    for (let i = 0; i < 11; i++) {
      const job = upcloud.addJob({
        name: `arkill${round}-up-${i}`,
        status: 'running',
        totalBytes: 10 * GiB,
        speed: GiB,
        failAt: 0.5,
        failMessage: 'The job failed.',
        failCode: UPCLOUD_CODES[i % UPCLOUD_CODES.length]!,
      });
      jobs.push(job.uuid);
      await t.ask(`watch up-fi:${job.uuid} <#${channel()}|ops>`);
    }
    const oms = [...retried, ...never, ...tight, ...cold, ...stopped];
    expect(oms.length + policies.length + jobs.length).toBe(100);
    // Every run fails (OMS past 36 GiB at 1 GiB/s; NCP and UpCloud past 5 GiB, in small steps:
    // NCP's gateway refuses a request stamped minutes off its clock). The replicas see it.
    t.oms.clock.advance(40_000);
    ncp.clock.advance(10_000);
    upcloud.clock.advance(10_000);
    await until(
      async () => {
        const r = await records();
        return [...oms, ...policies, ...jobs].every((id) => r.get(id)?.state === 'failed');
      },
      { what: 'all 100 seen failed', timeoutMs: 60_000, everyMs: 250 },
    );
    // Don't retry, pressed by an operator before the first retry is due.
    for (const id of stopped) {
      const value = JSON.stringify({ c: 'hw-prod', k: 'task', id });
      const channelId = (await records()).get(id)!.watch.channelId;
      const pressed = await t.click('auto-retry.stop', value, { userId: 'U0ALICE01', channelId });
      expect(messageText(await pressed.answer())).toContain('are off for this failure');
    }

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
    const ncpStarts = () =>
      ncp.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/start')).length;
    const upcloudWrites = () => upcloud.server.requests.filter((r) => r.method !== 'GET').length;
    const ncpBefore = ncpStarts();
    const upcloudBefore = upcloudWrites();
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
      const transientOrNetwork = [...retried, ...tight, ...cold, ...stopped];
      const ended = () => transientOrNetwork.filter((id) => t.oms.task(id)?.status === 5);
      await until(() => ended().length >= 0.8 * transientOrNetwork.length, {
        what: 'at least 80 % of the transient and network ones succeeded',
        timeoutMs: 60_000,
        everyMs: 250,
      });
      // A few more leases of cycles: nothing is started a second time.
      await new Promise((resolve) => setTimeout(resolve, 4 * LEASE_MS));
    } finally {
      stop();
    }
    for (const id of oms) expect(starts.get(id) ?? 0, id).toBeLessThanOrEqual(1);
    // 0 automatic retries of what a person must fix, of what was stopped, of what is frozen.
    for (const id of [...never, ...stopped, ...cold]) expect(starts.get(id) ?? 0, id).toBe(0);
    expect(ncpStarts() - ncpBefore).toBe(0);
    expect(upcloudWrites() - upcloudBefore).toBe(0);
    // The day's budget of 1 on hw-tight: at most one of its three retried.
    expect(tight.filter((id) => starts.has(id)).length).toBeLessThanOrEqual(1);
    const succeeded = retried.filter((id) => t.oms.task(id)?.status === 5);
    const transientOrNetwork = retried.length + tight.length + cold.length + stopped.length;
    expect(succeeded.length).toBeGreaterThanOrEqual(Math.ceil(0.8 * transientOrNetwork));
    const keyed = (id: string, end: string) =>
      posts.filter((c) => keyOf(c).includes(id) && keyOf(c).endsWith(end));
    for (const id of succeeded) {
      expect(keyed(id, ':failed'), id).toEqual([]);
      expect(keyed(id, ':unclaimed'), id).toEqual([]);
    }
    const r = await records();
    for (const id of [...never, ...policies, ...jobs])
      expect(retryFactOf(r.get(id) ?? ({} as WatchRecord)), id).toBeUndefined();
    for (const id of stopped) expect(retryFactOf(r.get(id)!), id).toMatchObject({ status: 'stopped' });
    // Told as today: each never-retried failure's reply reaches its thread (paced per channel; one
    // the dead replica was sending is delivered by the survivor); a spent budget and a freeze are
    // told once each, with the history, and the freeze named.
    const told = (id: string) => keyed(id, ':failed').length > 0;
    const budgetSpent = tight.filter((id) => retryFactOf(r.get(id)!)?.reason === 'budget');
    expect(budgetSpent.length).toBeGreaterThanOrEqual(2);
    await until(() => [...never, ...policies, ...jobs, ...budgetSpent, ...cold].every(told), {
      what: `every failure not retried told (${[...never, ...policies, ...jobs, ...budgetSpent, ...cold].filter((id) => !told(id)).join(', ')})`,
      timeoutMs: 30_000,
      everyMs: 250,
    });
    // The thread's note of the series' end (the report, which keeps the runs too, aside).
    const note = (id: string, text: string) =>
      posts.filter(
        (c) => keyOf(c).includes(id) && !keyOf(c).endsWith(':report') && mrkdwnTexts(c.body).includes(text),
      );
    // Sent after the failure's reply and its report, in each channel's pace.
    await until(
      () =>
        budgetSpent.every((id) => note(id, 'retries for today are all spent').length > 0) &&
        cold.every((id) => note(id, 'the retry was refused').length > 0),
      { what: 'the notes of a spent budget and of the freeze', timeoutMs: 60_000, everyMs: 250 },
    );
    for (const id of budgetSpent) {
      expect(keyed(id, ':failed'), id).toHaveLength(1);
      const told = note(id, 'retries for today are all spent');
      expect(told, id).toHaveLength(1);
      expect(mrkdwnTexts(told[0]!.body)).toContain('First failure');
    }
    for (const id of cold) {
      expect(retryFactOf(r.get(id)!), id).toMatchObject({ status: 'gave-up', reason: 'refused' });
      expect(keyed(id, ':failed'), id).toHaveLength(1);
      const told = note(id, 'the retry was refused');
      expect(told, id).toHaveLength(1);
      expect(mrkdwnTexts(told[0]!.body)).toContain('ice-ark');
    }
  });
});
