import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { FaultInjector, type ScriptedFault, SimClock, seededRandom } from '../../dev/simulators/kit.js';
import { createConfig } from '../../src/config.js';
import type { Connection } from '../../src/connections/connection.js';
import { ConnectionRegistry } from '../../src/connections/connection-registry.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/providers/http/retry-policy.js';
import { SecretRegistry } from '../../src/secrets.js';
import { SlackClients } from '../../src/slack/slack-clients.js';
import { watchSlackFor } from '../../src/slack/watch-slack.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { healthKey } from '../../src/watcher/records/watch-store.js';
import { Watcher } from '../../src/watcher/watcher.js';
import { BOT_TOKEN, HW_AK, HW_SK, omsConnection, PROJECT_ID, SIGNING_SECRET } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { GiB, MiB, notifications, postsPerKey, TEAM, TEST_POST_PACE } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * Provider faults by the thousand (`PROVIDER_FAULTS`, 1,000 in `npm run test:reliability`, 150 in
 * `npm test`): 429 with Retry-After, 5xx, timeouts, hang-ups, malformed JSON, expired IAM tokens
 * and signatures refused for a skewed clock, plus outages long enough to take a connection down.
 * Two OMS connections (AK/SK and IAM token) on one simulator; every fault injected is counted.
 * Nothing may crash, no migration may be reported failed that did not fail, and each outage and its
 * recovery are reported once.
 */
const FAULTS = Number(process.env.PROVIDER_FAULTS ?? 150);
const IAM_USER = { name: 'ops', password: 'iam-password-0000000000000001', domain: 'acme' };
const CHANNELS = { 'hw-aksk': 'C0FAULTS1', 'hw-token': 'C0FAULTS2' } as const;

type Kind = '429' | '5xx' | 'timeout' | 'hang-up' | 'malformed' | 'expired-token' | 'skewed-clock' | 'outage';

/** Counts every scripted fault a request actually got. */
class CountingFaults extends FaultInjector {
  readonly injected = new Map<Kind, number>();
  readonly #kinds: Kind[] = [];
  scripted = 0;
  consumed = 0;

  add(kind: Kind, ...faults: ScriptedFault[]): void {
    for (const f of faults) {
      this.#kinds.push(kind);
      this.script(f);
    }
    this.scripted += faults.length;
  }

  override next(method: string, path: string): ScriptedFault | undefined {
    const fault = super.next(method, path);
    if (fault && this.consumed < this.scripted) {
      const kind = this.#kinds[this.consumed++]!;
      this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    }
    return fault;
  }
}

const random = seededRandom(Number(process.env.PROVIDER_FAULTS_SEED ?? 6006));
const faults = new CountingFaults(seededRandom(1));
const clock = new SimClock();
clock.freeze(Date.now());
const fakeSlack = new FakeSlack({ botToken: BOT_TOKEN });
const oms = new OmsSimulator({
  projectId: PROJECT_ID,
  keys: { [HW_AK]: HW_SK },
  users: [IAM_USER],
  clock,
  faults,
  timings: { scheduleDelayMs: 1_000 },
});
let store: Store;
let watcher: Watcher;
// The default retries (3 after the first) with a tenth of the backoff: a retry's wait is real time
// (the watcher's clock here is the simulator's), and at the default a thousand faults spend about
// 40 s asleep between attempts. How long the backoff is is not what this test checks.
const pools = new PoolRegistry({ connectMs: 500, readMs: 300 }, undefined, {
  retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 20, maxDelayMs: 500 },
});
const { logger } = captureLogger('fatal');

beforeAll(async () => {
  await Promise.all([fakeSlack.start(), oms.start()]);
  const config = createConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fakeSlack.apiUrl,
    STORE_URL: 'memory://',
    POLL_INTERVAL_SECONDS: '0',
  });
  const connections: Connection[] = [
    omsConnection('hw-aksk', oms.url),
    omsConnection('hw-token', oms.url, {
      auth: {
        type: 'token',
        iamEndpoint: oms.url,
        user: IAM_USER.name,
        password: IAM_USER.password,
        domain: IAM_USER.domain,
      },
    }),
  ];
  const secrets = new SecretRegistry();
  store = await createStore(config.storeUrl, logger);
  watcher = await Watcher.create(
    {
      config,
      logger,
      store,
      connections: new ConnectionRegistry(connections, { pools, logger }),
      slack: watchSlackFor(new SlackClients(config, logger), secrets),
    },
    { clock: new TestClock(() => clock.now()), slackBackoffMs: 50, leaseMs: 5_000, postPace: TEST_POST_PACE },
  );
});
afterAll(async () => {
  await watcher?.stop();
  await pools.close();
  await store?.close();
  await Promise.all([fakeSlack.stop(), oms.stop()]);
});

/** One random fault, as the gateway or the network would produce it (GETs only: lists and gets). */
function randomFault(): [Kind, ScriptedFault] {
  const r = random();
  const GET = { method: 'GET', path: '/tasks' };
  if (r < 0.25) return ['429', { ...GET, status: 429, retryAfterSeconds: 0 }];
  if (r < 0.45) return ['5xx', { ...GET, status: [500, 502, 503, 504][Math.floor(random() * 4)]! }];
  if (r < 0.58) return ['timeout', { ...GET, delayMs: 400 }];
  if (r < 0.68) return ['hang-up', { ...GET, hangUp: true }];
  if (r < 0.83) return ['malformed', { ...GET, malformed: true }];
  if (r < 0.93)
    return [
      'expired-token',
      { ...GET, status: 401, body: { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' } },
    ];
  return [
    'skewed-clock',
    {
      ...GET,
      status: 401,
      body: {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information: x-sdk-date expired or invalid',
      },
    },
  ];
}

describe(`${FAULTS.toLocaleString('en-US')} injected provider faults`, () => {
  it('no crash, no false failure, each outage and its recovery reported once, nothing posted twice', async () => {
    const started = Date.now();
    // 2 GiB at 20 MiB/s: ~100 simulated seconds, spread over the faults; one per connection fails.
    const tasks = Array.from({ length: 8 }, (_, i) =>
      oms.addTask({
        name: `faulty-${i}`,
        status: 1,
        totalSize: 2 * GiB,
        speed: 20 * MiB,
        ...(i % 4 === 3 ? { failAt: 0.5, failCode: 'TRF.0004' } : {}),
      }),
    );
    const connectionOf = (i: number) => (i < 4 ? 'hw-aksk' : 'hw-token');
    for (const [i, t] of tasks.entries())
      await watcher.watch({
        teamId: TEAM,
        channelId: CHANNELS[connectionOf(i)],
        connection: connectionOf(i),
        kind: 'task',
        id: t.id,
        by: 'U0ALICE01',
      });

    let crashes = 0;
    let cycles = 0;
    let failedConnectionCycles = 0;
    const cycle = async () => {
      cycles++;
      try {
        failedConnectionCycles += (await watcher.runCycle())?.failedConnections ?? 0;
      } catch {
        crashes++;
      }
    };
    const spanMs = 100_000;
    let movedMs = 0;
    let nextOutageAt = 100;
    while (faults.consumed < FAULTS && cycles < FAULTS * 4) {
      if (faults.consumed === faults.scripted && faults.scripted < FAULTS) {
        if (faults.scripted >= nextOutageAt) {
          // Enough failures in a row to take both connections down (3 cycles × 4 attempts each).
          faults.add('outage', ...Array.from({ length: 26 }, () => ({ method: 'GET', status: 503 })));
          nextOutageAt += 250;
        } else {
          const batch = 1 + Math.floor(random() * 5);
          for (let i = 0; i < batch; i++) faults.add(...randomFault());
        }
      }
      // The migrations move in proportion to the faults consumed, so they end during the faults.
      const due = Math.round((Math.min(faults.consumed, FAULTS) / FAULTS) * spanMs * 0.9);
      if (due > movedMs) {
        clock.advance(due - movedMs);
        movedMs = due;
      }
      await cycle();
    }
    // Faults over: the provider answers again; cycles until everything ended and was told (bounded).
    faults.reset();
    const settled = async () => {
      const records = await watcher.store.loadAll();
      const health = await Promise.all(
        ['hw-aksk', 'hw-token'].map((c) => watcher.store.read<{ down: boolean }>(healthKey(`*/${c}`))),
      );
      return records.every((r) => r.record.outbox.length === 0) && health.every((h) => !h?.down);
    };
    for (
      let i = 0;
      i < 80 && !((await settled()) && tasks.every((t) => [4, 5].includes(oms.task(t.id)!.status)));
      i++
    ) {
      clock.advance(10_000);
      await cycle();
    }
    await cycle();

    const posted = notifications(fakeSlack);
    const events = posted.map((n) => `${String(n.body.channel)} ${n.event}`);
    const falseFailures = posted.filter(
      (n) => n.event === 'failed' && !tasks.some((t, i) => i % 4 === 3 && n.key.includes(t.id)),
    );
    const downs = posted.filter((n) => n.event === 'down');
    const ups = posted.filter((n) => n.event === 'up');
    const duplicates = [...postsPerKey(fakeSlack)].filter(([, n]) => n > 1);
    const injected = [...faults.injected].map(([k, n]) => `${n} ${k}`).join(', ');
    console.log(
      `[reliability] provider faults: ${faults.consumed} injected (${injected}) over ${cycles} cycles in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s; ${crashes} crashes, ${failedConnectionCycles} connection-level failures, ` +
        `${falseFailures.length} false failure posts, ${downs.length} outages reported, ${ups.length} recoveries reported, ` +
        `${duplicates.length} duplicates`,
    );
    expect(faults.consumed).toBeGreaterThanOrEqual(FAULTS);
    expect(crashes).toBe(0);
    expect(falseFailures).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(events.filter((e) => e.endsWith(' vanished') || e.endsWith(' paused'))).toEqual([]);
    // Every migration ended as it really did, told once each.
    expect(events.filter((e) => e.endsWith(' failed')).length).toBe(2);
    expect(events.filter((e) => e.endsWith(' succeeded')).length).toBe(6);
    // Each outage reported once per channel, and its recovery once: as many recoveries as outages.
    expect(downs.length).toBeGreaterThan(0);
    for (const channel of Object.values(CHANNELS))
      expect(ups.filter((n) => n.body.channel === channel).length).toBe(
        downs.filter((n) => n.body.channel === channel).length,
      );
  }, 900_000);
});
