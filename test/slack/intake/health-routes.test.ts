import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../../harness/test-bot.js';

/**
 * The probes the Kubernetes manifests use (deploy/kustomize): liveness on `/livez`, readiness and
 * start-up on `/readyz`, with `/healthz` kept as readiness's older name.
 */
const t = new TestBot();

beforeAll(async () => {
  await t.start();
});
afterAll(async () => {
  await t.stop();
});

async function probe(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

describe('health routes', () => {
  it('answer 200 on /livez, /readyz and /healthz while the store is reachable', async () => {
    expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = { status: 200, body: { status: 'ok', store: 'ok', slack: 'ok', leases: 'n/a' } };
    expect(await probe('/readyz')).toEqual(ready);
    expect(await probe('/healthz')).toEqual(ready);
  });

  it('keep /livez at 200 while the store is unreachable, so an outage restarts no replica; readiness says 503', async () => {
    const store = t.bot.deps.store;
    const healthy = store.healthy;
    let storeChecks = 0;
    store.healthy = async () => {
      storeChecks += 1;
      return false;
    };
    try {
      expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(storeChecks).toBe(0);
      const unreachable = {
        status: 503,
        body: { status: 'degraded', store: 'unreachable', slack: 'ok', leases: 'n/a' },
      };
      expect(await probe('/readyz')).toEqual(unreachable);
      expect(await probe('/healthz')).toEqual(unreachable);
      expect(storeChecks).toBe(2);
    } finally {
      store.healthy = healthy;
    }
  });
});
