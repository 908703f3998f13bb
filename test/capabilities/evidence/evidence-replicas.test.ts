import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { type TrustedKey, verifyBundle } from '../../../src/capabilities/evidence/bundle-format.js';
import type { Connection } from '../../../src/connections/connection.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 78: two replicas on one Redis build the same evidence bundle, byte for byte, for the same
// migration: it is read from the shared store only, its times are the stored ones, and Ed25519
// signs deterministically. Each replica's clock is elsewhere when it is asked.

const storeUrl = replicaRedisUrl();
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const CHANNEL = `C0EVR${suffix}`;
const SERVICE = '1200ecde-db95-4d1d-9c2c-0000000e7878';
const UC_TOKEN = 'ucat_01EVREPLICA78TOKEN0000000000001';
const KEYS = `k1:${randomBytes(32).toString('base64')}`;
const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [UC_TOKEN] });
const clockA = new TestClock();
const clockB = new TestClock(() => clockA.now() + 3_600_000);
const a = new TestBot();
const b = new TestBot();

const connections = (): Connection[] => [
  {
    name: `up-ev-${suffix.toLowerCase()}`,
    provider: 'upcloud',
    endpoint: upcloud.url,
    serviceId: SERVICE,
    auth: { type: 'bearer', token: UC_TOKEN },
    storage: {},
  },
];

beforeAll(async () => {
  await upcloud.start();
  upcloud.clock.freeze();
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_EVIDENCE_KEYS: KEYS };
  const watcher = { keyPrefix: `evr-${suffix}:`, leaseMs: 1_500 };
  await a.start({ env, connections, watcher: { ...watcher, clock: clockA } });
  await b.start({
    env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
    connections,
    watcher: { ...watcher, clock: clockB },
  });
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await upcloud.stop();
  await dropRedisKeys(storeUrl, suffix);
});

async function bundleFrom(bot: TestBot, token: string, ref: string): Promise<string> {
  const response = await fetch(`${bot.url}/api/v1/evidence/${encodeURIComponent(ref)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { text?: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.text!;
}

describe('two replicas', { timeout: 90_000 }, () => {
  it('build the same bytes for the same migration, and both verify', async () => {
    const connection = connections()[0]!.name;
    const job = upcloud.addJob({ name: 'ev-replicas', serviceId: SERVICE, status: 'running', progress: 0.5 });
    await a.ask(`watch ${connection}:${job.uuid} <#${CHANNEL}|ev>`, { channelId: CHANNEL });
    await until(
      async () => {
        const ended = (await a.bot.deps.watcher.list('T0FAKE001')).find(
          (r) => r.watch.id === job.uuid && (r.facts as { evidence?: unknown } | undefined)?.evidence,
        );
        if (ended) return ended;
        upcloud.clock.advance(3_600_000);
        clockA.advance(30_000);
        await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
        return undefined;
      },
      { what: 'the job’s ending kept', timeoutMs: 60_000, everyMs: 50 },
    );
    const answer = messageText(
      await a.ask(`token add ev-replicas viewer <#${CHANNEL}|ev>`, { channelId: CHANNEL }),
    );
    const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)![1]!;
    const ref = `${connection}:${job.uuid}`;
    const fromA = await bundleFrom(a, token, ref);
    clockA.advance(600_000);
    const fromB = await bundleFrom(b, token, ref);
    expect(fromB).toBe(fromA);
    const keys = ((await (await fetch(`${b.url}/api/v1/evidence-keys`)).json()) as { keys: TrustedKey[] })
      .keys;
    expect(verifyBundle(fromA, keys)).toMatchObject({ ok: true, keyId: 'k1' });
  });
});
