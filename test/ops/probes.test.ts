import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackAuthCheck } from '../../src/slack/slack-auth-check.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { systemClock } from '../../src/watcher/clock.js';
import { Leases } from '../../src/watcher/records/lease.js';
import { TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * Readiness beyond the store: a bot token Slack refuses makes the replica unready (the check is one
 * cached `auth.test`, not a call per probe), a Slack outage does not, and liveness never depends on
 * either. With Redis, a lease mechanism that fails makes the replica unready too.
 */
const revoked = new TestBot();
const healthy = new TestBot();

beforeAll(async () => {
  await Promise.all([revoked.start(), healthy.start()]);
});
afterAll(async () => {
  await Promise.all([revoked.stop(), healthy.stop()]);
});

async function probe(bot: TestBot, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${bot.url}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

describe('/readyz and Slack auth', () => {
  it('answers 503 when Slack says the bot token is invalid, asking Slack once for several probes; /livez stays 200', async () => {
    const unready = {
      status: 503,
      body: { status: 'degraded', store: 'ok', slack: 'invalid', leases: 'n/a' },
    };
    // Bolt checks the token once at start (a call of its own): the revocation comes after it.
    await revoked.fakeSlack.waitFor(() =>
      revoked.fakeSlack.callsTo('auth.test').length > 0 ? true : undefined,
    );
    revoked.fakeSlack.revokeBotToken();
    const before = revoked.fakeSlack.callsTo('auth.test').length;
    expect(await probe(revoked, '/readyz')).toEqual(unready);
    expect(await probe(revoked, '/healthz')).toEqual(unready);
    expect(await probe(revoked, '/readyz')).toEqual(unready);
    expect(await probe(revoked, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(revoked.fakeSlack.callsTo('auth.test')).toHaveLength(before + 1);
  });

  it('stays ready through a Slack outage (only an auth answer makes it unready)', async () => {
    healthy.fakeSlack.setDown(true);
    try {
      expect(await probe(healthy, '/readyz')).toMatchObject({ status: 200, body: { slack: 'ok' } });
    } finally {
      healthy.fakeSlack.setDown(false);
    }
  });

  it('the cached auth.test result is asked again once its time is up', async () => {
    let now = 0;
    let answers = ['ok', 'invalid_auth'];
    let calls = 0;
    const check = new SlackAuthCheck(
      async () => {
        calls++;
        const answer = answers.shift();
        if (answer !== 'ok') throw Object.assign(new Error('platform error'), { data: { error: answer } });
      },
      new TestClock(() => now),
      60_000,
    );
    expect(await check.state()).toBe('ok');
    now = 59_999;
    expect(await check.state()).toBe('ok');
    expect(calls).toBe(1);
    now = 60_000;
    expect(await check.state()).toBe('invalid');
    expect(calls).toBe(2);
    answers = ['ok'];
    now = 120_000;
    expect(await check.state()).toBe('ok');
    expect(await new SlackAuthCheck(undefined, systemClock).state()).toBe('skipped');
  });
});

describe('/readyz and leases (replicas on Redis)', () => {
  it('Leases report a failing backend until an attempt succeeds again', async () => {
    const store = await createStore('memory://', captureLogger('fatal').logger);
    const backend = new LocalAtomicKv(store, 'lease-test:');
    const leases = new Leases(backend, 'replica-a', 30_000, systemClock);
    expect(leases.working).toBe(true);
    expect(await leases.hold('conn:a')).toBe(true);
    expect(leases.heldCount).toBe(1);
    const acquire = backend.acquireLease.bind(backend);
    backend.acquireLease = async () => {
      throw new Error('store unavailable');
    };
    await expect(leases.hold('conn:a')).rejects.toThrow('store unavailable');
    expect(leases.working).toBe(false);
    backend.acquireLease = acquire;
    expect(await leases.hold('conn:a')).toBe(true);
    expect(leases.working).toBe(true);
  });

  it('answers 503 on a Redis replica whose last lease attempt failed', async () => {
    const watcher = healthy.bot.deps.watcher;
    // Stand-ins for a Redis replica whose lease attempts fail (own properties over the class's getters).
    Object.defineProperty(watcher, 'backendKind', { get: () => 'redis', configurable: true });
    Object.defineProperty(watcher, 'leases', {
      get: () => ({ held: 0, working: false }),
      configurable: true,
    });
    try {
      expect(await probe(healthy, '/readyz')).toEqual({
        status: 503,
        body: { status: 'degraded', store: 'ok', slack: 'ok', leases: 'failing' },
      });
      expect(await probe(healthy, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
      Object.defineProperty(watcher, 'leases', {
        get: () => ({ held: 1, working: true }),
        configurable: true,
      });
      expect(await probe(healthy, '/readyz')).toMatchObject({ status: 200, body: { leases: 'ok' } });
    } finally {
      delete (watcher as unknown as Record<string, unknown>).backendKind;
      delete (watcher as unknown as Record<string, unknown>).leases;
    }
  });
});
