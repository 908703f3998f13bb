import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { compileBot } from '../../harness/compiled-bot.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { killingRedisProxy } from '../../harness/kill-proxy.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
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
import { notifications } from '../../harness/watcher-rig.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Events out under a real kill -9. Two replicas of the compiled bot share Redis, the fake Slack
// and the OMS simulator, and deliver to a receiver on loopback that checks every signature as
// docs/events.md says a receiver should. Each replica reaches Redis through a proxy of its own:
// the moment Redis answers the write that keeps a `migration.paused` event in a record's journal,
// the replica that sent it is killed before it hears the answer, so before it could take the
// event into the webhook's queue. The survivor must deliver it (the journal's sweep) once its
// clock passes the sweep's interval, and everything after it, each id's bytes the same on every
// delivery, in order per resource: the task that then fails is retried from its failure post's
// Retry button on the survivor, and the receiver hears it fail, be retried and succeed.
const FIXTURE = path.join(import.meta.dirname, '..', '..', 'watcher', 'fixtures', 'replica.mjs');
const storeUrl = replicaRedisUrl();
const suffix = `e${Date.now().toString(36).slice(-6)}`;
const PREFIX = `events-kill-${suffix}:`;
const CHANNEL = 'C0EVKILL1';
const LEASE_MS = 800;
/** The journal's sweep and the retry job run on these periods of the bot's clock (src/capabilities/events). */
const SWEEP_MS = 60_000;
const FIRST_RETRY_MS = 30_000;
const KEYS = `k1:${generateKey()}`;
/** A workspace admin (fake Slack's), so an operator: presses Retry. */
const ADMIN = 'U0ALICE01';

let dist: string;
/** What the test moved the replicas' clocks by: the receiver's clock is moved alike. */
let movedMs = 0;
const receiver = new WebhookReceiver(() => Date.now() + movedMs);
// The observer answers the commands on a clock of its own, so it runs no timed work (no third replica).
const t = new TestBot();
const children = new Set<Replica>();
const proxies: Server[] = [];

/** A replica process; `url` is its HTTP receiver's, once it said `ready <port>`. */
type Replica = ChildProcess & { ready: Promise<boolean>; name: string; url?: string };

beforeAll(async () => {
  dist = compileBot();
  await receiver.start();
  await t.start({
    clock: new TestClock(),
    env: {
      STORE_URL: storeUrl,
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_ENCRYPTION_KEYS: KEYS,
      MIGRATE_BOT_ALLOWED_ENDPOINTS: receiver.url,
    },
    watcher: { keyPrefix: PREFIX },
  });
}, 300_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of proxies) p.close();
  await removeHooks();
  await t.stop();
  await receiver.stop();
  await dropRedisKeys(storeUrl, suffix);
});

/** The webhooks are the workspace's, outside the test's key prefix: removed with their queues. */
async function removeHooks(): Promise<void> {
  const list = messageText(await t.ask('webhook list', { channelId: CHANNEL }));
  for (const [, hook] of list.matchAll(/`(h[0-9a-f]{6})`/g))
    await t.ask(`webhook remove ${hook}`, { channelId: CHANNEL });
}

/** A proxy to the tests' Redis for one replica (`test/harness/kill-proxy.ts`). */
const redisProxy = () => killingRedisProxy(storeUrl, proxies);

function replica(name: string, store: string): Replica {
  const child = spawn(process.execPath, [FIXTURE], {
    env: {
      ...process.env,
      WATCHER_DIST: dist,
      REPLICA_CONFIG: JSON.stringify({
        env: {
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: t.fakeSlack.apiUrl,
          STORE_URL: store,
          PORT: '0',
          HOST: '127.0.0.1',
          METRICS_PORT: '0',
          LOG_LEVEL: 'silent',
          POLL_INTERVAL_SECONDS: '0',
          MIGRATE_BOT_ENCRYPTION_KEYS: KEYS,
          MIGRATE_BOT_ALLOWED_ENDPOINTS: receiver.url,
        },
        connections: [omsConnection('hw-prod', t.oms.url)],
        watcher: { keyPrefix: PREFIX, leaseMs: LEASE_MS, sendingStaleMs: LEASE_MS },
        movedClock: true,
        cycleMs: 30,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as Replica;
  child.name = name;
  child.ready = new Promise((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /ready (\d+)/.exec(chunk.toString())?.[1];
      if (!port) return;
      child.url = `http://127.0.0.1:${port}`;
      resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  child.stdin?.on('error', () => undefined);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[replica ${name}] ${chunk}`));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Moves every living replica's clock (and the receiver's) by `ms`. */
function advance(ms: number): void {
  movedMs += ms;
  for (const c of children)
    if (c.exitCode === null && c.signalCode === null) c.stdin?.write(`advance ${ms}\n`);
}

/**
 * The migration event a notification key names (`…:r1.2:paused` → `migration.paused`, run 1), if
 * it is one.
 */
function eventOfKey(key: string): { subject: string; type: string; run?: number } | undefined {
  const m = /^T0FAKE001:C0EVKILL1:(hw-prod):(task):(\d+):(.*:)?([a-z-]+)$/.exec(key);
  if (!m) return undefined;
  const [, connection, kind, id, middle, said] = m;
  const run = /^r(\d+)\./.exec(middle ?? '')?.[1];
  const type =
    said === 'report'
      ? 'migration.completed'
      : said === 'verification'
        ? 'migration.verified'
        : ['parent', 'failures', 'digest'].includes(said!)
          ? undefined
          : `migration.${said}`;
  if (!type) return undefined;
  return { subject: `${connection}:${kind}:${id}`, type, ...(run ? { run: Number(run) } : {}) };
}

describe('kill -9 of the replica that stored an event, before it took it', () => {
  it('delivers every event of tasks that pause, resume, fail, are retried and succeed', {
    timeout: 240_000,
  }, async () => {
    // The heavy project retries once: a retry starts from no replica, no webhook and nothing received.
    for (const c of children) c.kill('SIGKILL');
    await removeHooks();
    receiver.received.splice(0);
    const added = messageText(await t.ask(`webhook add ${receiver.url}/hook`, { channelId: CHANNEL }));
    receiver.secrets.set('/hook', /(whsec_[A-Za-z0-9_-]+)/.exec(added)![1]!);
    // A failure is answered 500 the first time: it comes again, byte for byte, after its backoff.
    receiver.failOnce.add('migration.failed');

    const tasks = Array.from({ length: 3 }, (_, i) =>
      t.oms.addTask({ name: `evkill-${i}`, status: 2, progress: 0.1, totalSize: 1024 ** 4 }),
    );
    for (const task of tasks) await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });

    const pa = await redisProxy();
    const pb = await redisProxy();
    const a = replica('a', pa.url);
    const b = replica('b', pb.url);
    expect(await a.ready).toBe(true);
    expect(await b.ready).toBe(true);
    // Each card posted: the replicas poll the tasks.
    await until(() => notifications(t.fakeSlack).filter((n) => n.event === 'parent').length >= 3, {
      what: 'the three cards posted',
      timeoutMs: 30_000,
    });

    // Whichever replica stores the first pause is killed as Redis answers that write.
    let killed: Replica | undefined;
    const marker = /events\t\{[^\n]*"type":"migration\.paused"/;
    // Only the first: the other replica is the survivor.
    const once = (r: Replica) => () => {
      killed ??= r;
      pa.disarm();
      pb.disarm();
    };
    pa.killAt(marker, a, once(a));
    pb.killAt(marker, b, once(b));
    for (const task of tasks) Object.assign(t.oms.task(task.id)!, { status: 3 });
    await until(() => killed && killed.signalCode === 'SIGKILL', {
      what: 'the replica that stored the first pause killed',
      timeoutMs: 30_000,
    });
    const killedAt = performance.now();
    const survivor = killed === a ? b : a;
    const journaled = await pausedJournals();
    // The kill landed between the write and its take: the event is in a record's journal only.
    expect(journaled.length, 'a pause kept in a journal, untaken').toBeGreaterThanOrEqual(1);

    // The survivor takes the connection over after the lease and polls the pauses; the journal's
    // sweep runs once its clock passes the sweep's period.
    const paused = () =>
      new Set(
        receiver
          .unique('/hook')
          .filter((r) => r.type === 'migration.paused')
          .map((r) => r.body.subject),
      ).size;
    advance(SWEEP_MS);
    await until(() => paused() === 3, {
      what: `every pause delivered by the survivor (${paused()} of 3; received ${receiver.received.map((r) => r.type)})`,
      timeoutMs: LEASE_MS + 15_000,
    });
    const tookOverMs = performance.now() - killedAt;

    // Then more: resumed, and the endings (one fails) with their reports and verifications.
    for (const task of tasks) Object.assign(t.oms.task(task.id)!, { status: 2 });
    await until(() => receiver.unique('/hook').filter((r) => r.type === 'migration.resumed').length === 3, {
      what: 'every resume delivered',
      timeoutMs: 30_000,
    });
    const [failing, ...succeeding] = tasks;
    Object.assign(t.oms.task(failing!.id)!, {
      status: 4,
      errorReason: { error_code: 'TRF.0003', error_msg: 'Waiting for task execution timed out.' },
    });
    for (const task of succeeding) {
      const sim = t.oms.task(task.id)!;
      Object.assign(sim, { status: 5, completeSize: sim.totalSize, successfulNum: sim.totalNum });
    }
    // Every notification Slack took is an event the receiver must hold, as often as Slack took it
    // (a retried task ends twice); the failure's redelivery waits for its backoff on the survivor's clock.
    const expected = () =>
      notifications(t.fakeSlack)
        .map((n) => eventOfKey(n.key))
        .filter((e) => e !== undefined)
        .filter((e) => tasks.some((task) => e.subject === `hw-prod:task:${task.id}`));
    const key = (e: { subject: unknown; type: string }) => `${String(e.subject)} ${e.type}`;
    const missing = () => {
      const held = receiver.unique('/hook').map((r) => key({ subject: r.body.subject, type: r.type }));
      return expected().filter((e) => {
        const at = held.indexOf(key(e));
        if (at >= 0) held.splice(at, 1);
        return at < 0;
      });
    };
    await until(
      () => {
        const done = missing().length === 0;
        if (!done) advance(FIRST_RETRY_MS);
        return done && expected().filter((e) => e.type === 'migration.verified').length === 3;
      },
      { what: 'every event Slack heard of delivered', timeoutMs: 60_000, everyMs: 500 },
    );

    // The failure is retried from its post's Retry button, pressed on the survivor (a signed click).
    const failingSubject = `hw-prod:task:${failing!.id}`;
    const failurePost = notifications(t.fakeSlack).find(
      (n) => n.event === 'failed' && eventOfKey(n.key)?.subject === failingSubject,
    );
    const retry = failurePost && buttons(failurePost.body).find((b) => b.action_id === 'resource.retry');
    expect(retry, 'a Retry button on the failure post').toBeDefined();
    const omsCalls = t.oms.server.requests.length;
    const pressed = await postSigned(
      `${survivor.url}/slack/events`,
      SIGNING_SECRET,
      messageButtonBody(
        {
          actionId: 'resource.retry',
          value: retry!.value,
          channelId: CHANNEL,
          messageTs: failurePost!.ts!,
          responseUrl: t.fakeSlack.responseUrl('evkill-retry'),
        },
        { userId: ADMIN },
      ),
      FORM,
    );
    expect(pressed.status).toBe(200);
    const retrying = () =>
      receiver
        .unique('/hook')
        .find((r) => r.type === 'migration.retrying' && r.body.subject === failingSubject);
    await until(() => retrying() !== undefined, {
      what: 'the retry delivered',
      timeoutMs: 30_000,
    });
    // The survivor asked OMS to start the task again: queued, then running on the simulator's clock.
    expect(
      t.oms.server.requests.slice(omsCalls).map((r) => `${r.method} ${r.path.replace(/^\/v2\/\w+/, '')}`),
    ).toContain(`POST /tasks/${failing!.id}/start`);
    t.oms.clock.advance(t.oms.timings.scheduleDelayMs);
    const rerun = t.oms.task(failing!.id)!;
    expect(rerun.status, 'the retried task migrating').toBe(2);
    // It moves the rest of its bytes in a second of the simulator's clock (a clock moved by the
    // quarter of an hour its usual speed needs would refuse the bot's signatures as skewed).
    rerun.speed = rerun.totalSize - rerun.completeSize;
    t.oms.clock.advance(1_000);
    expect(t.oms.task(failing!.id)!.status, 'the retried task succeeded').toBe(5);
    await until(
      () => {
        const done = missing().length === 0;
        if (!done) advance(FIRST_RETRY_MS);
        return (
          done &&
          expected().some(
            (e) => e.subject === failingSubject && e.type === 'migration.verified' && e.run === 2,
          )
        );
      },
      {
        what: "the retried run's events delivered, its verification last",
        timeoutMs: 60_000,
        everyMs: 500,
      },
    );
    survivor.kill('SIGKILL');

    const got = receiver.at('/hook');
    const unique = receiver.unique('/hook');
    const want = expected();
    console.log(
      `[events] kill -9 of replica ${killed!.name} at a pause's write; ${journaled.length} journal(s) swept; ` +
        `${want.length} events expected, ${unique.length} delivered (${got.length} deliveries); ` +
        `the survivor delivered the pauses ${Math.round(tookOverMs)} ms after the kill; ` +
        `the retry's event names ${(retrying()!.body.data as { by?: string }).by ?? 'nobody'} as asking`,
    );
    // Signed, and fresh on the receiver's clock.
    expect(got.every((r) => r.valid && r.fresh)).toBe(true);
    // None lost, none unexpected: the receiver's events after deduplication are Slack's, each once.
    expect(unique.map((r) => key({ subject: r.body.subject, type: r.type })).sort()).toEqual(
      want.map(key).sort(),
    );
    // At least once: the failure came twice, and every duplicate is the same bytes as the first.
    expect(got.filter((r) => r.type === 'migration.failed').length).toBeGreaterThanOrEqual(2);
    for (const r of got) expect(r.raw, r.id).toBe(unique.find((u) => u.id === r.id)!.raw);
    // In order per resource, as Slack's thread has them.
    for (const task of tasks) {
      const subject = `hw-prod:task:${task.id}`;
      expect(
        unique.filter((r) => r.body.subject === subject).map((r) => r.type),
        subject,
      ).toEqual(want.filter((e) => e.subject === subject).map((e) => e.type));
    }
    // The retried task failed in its first run, was retried and succeeded in its second, in that order.
    const lifecycle = unique
      .filter((r) => r.body.subject === failingSubject)
      .filter((r) => ['migration.failed', 'migration.retrying', 'migration.succeeded'].includes(r.type))
      .map((r) => `${r.type} run ${(r.body.data as { run?: number }).run}`);
    expect(lifecycle).toEqual([
      'migration.failed run 1',
      'migration.retrying run 2',
      'migration.succeeded run 2',
    ]);
  });
});

/** The watch records' journals that still hold a `migration.paused` event no replica took. */
async function pausedJournals(): Promise<string[]> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url: storeUrl });
  await client.connect();
  try {
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `*${PREFIX}*journal*`, COUNT: 500 }))
      for (const k of batch)
        if (/"type":"migration\.paused"/.test((await client.get(k)) ?? '')) found.push(k);
    return found;
  } finally {
    await client.close();
  }
}
