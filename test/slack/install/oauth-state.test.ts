import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOT_SCOPES } from '../../../src/config.js';
import { OAUTH_STATE_TTL_MS, SignedStateStore } from '../../../src/slack/oauth-state-store.js';
import { LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { finishInstall, OAUTH_STATE_SECRET, oauthEnv, startInstall } from '../../harness/oauth-install.js';
import { TestBot } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * OAuth states (issue #36 review): opening /slack/install costs the bot no store write (a state is
 * signed, not stored), and a state is spent once when its redirect comes back. Every write to the
 * bot's memory store is seen here: the spy is on the store's class, set before the bot starts, so
 * the store, the shared state built over it and their timing wrappers all call it.
 */
const storeWrites = vi.spyOn(MemoryStore.prototype, 'set');
const t = new TestBot();
/** A state store as another replica would hold it: same secret, its own view of the shared state. */
const replica = (secret = OAUTH_STATE_SECRET) =>
  new SignedStateStore(secret, new LocalAtomicKv(new MemoryStore(), 'state:'));
const installOptions = { scopes: [...BOT_SCOPES] };

beforeAll(async () => {
  await t.start({ env: { ...oauthEnv(t.fakeSlack), POLL_INTERVAL_SECONDS: '0' }, connections: () => [] });
});
afterAll(async () => {
  await t.stop();
  storeWrites.mockRestore();
});

/** Slack's redirect with `state` (and the browser's cookie holding the same, as an attacker's would). */
async function redirectWith(state: string, teamId: string) {
  const code = t.fakeSlack.oauth.grant({ teamId, userId: 'U0ALICE01' });
  const result = await finishInstall(t.url, { state, cookie: `slack-app-oauth-state=${state}` }, code);
  return {
    status: result.status,
    installed: (await t.bot.deps.store.get(`installation:team:${teamId}`)) !== undefined,
  };
}

describe('OAuth state', () => {
  it('200 anonymous GETs of /slack/install write nothing to the store', async () => {
    const N = 200;
    const before = storeWrites.mock.calls.length;
    const states = new Set<string>();
    const started = performance.now();
    for (let i = 0; i < N; i++) states.add((await startInstall(t.url)).state);
    const ms = performance.now() - started;
    const written = storeWrites.mock.calls.slice(before).map(([key]) => key);
    console.info(`${N} GETs of /slack/install in ${ms.toFixed(0)} ms: ${written.length} store writes`);
    expect(states.size).toBe(N);
    expect(written).toEqual([]);
  });

  it('a state comes back once: signed by this app, unexpired, not used before', async () => {
    // Issued by another replica (same secret): valid here.
    const state = await replica().generateStateParam(installOptions, new Date());
    expect(await redirectWith(state, 'T0STATEOK1')).toEqual({ status: 200, installed: true });
    expect(await redirectWith(state, 'T0STATEOK2')).toEqual({ status: 400, installed: false });
  });

  it('a forged, an expired or a tampered state is refused with 400 and installs nothing', async () => {
    const issued = (await startInstall(t.url)).state;
    const [payload, mac] = issued.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused: Record<string, string> = {
      'signed with another secret': await replica('another-state-secret-0123456789').generateStateParam(
        installOptions,
        new Date(),
      ),
      'expired a second ago': await replica().generateStateParam(
        installOptions,
        new Date(Date.now() - OAUTH_STATE_TTL_MS - 1_000),
      ),
      'expiry pushed a day later': `${reencode({ ...decoded, e: decoded.e + 86_400_000 })}.${mac}`,
      'scopes changed': `${reencode({ ...decoded, o: { ...decoded.o, scopes: ['admin'] } })}.${mac}`,
      'signature cut short': `${payload}.${mac.slice(0, -4)}`,
      'no signature': payload,
      'made up': 'forged',
    };
    for (const [i, [name, state]] of Object.entries(refused).entries()) {
      const teamId = `T0FORGED${i}`;
      expect({ name, ...(await redirectWith(state, teamId)) }).toEqual({
        name,
        status: 400,
        installed: false,
      });
    }
    // The untouched state still works: what was refused was the change, not the state.
    expect(await redirectWith(issued, 'T0UNTOUCH1')).toEqual({ status: 200, installed: true });
  });
});

describe('OAuth state on Redis', () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `test:oauth-state:${Date.now().toString(36)}:`;
  const logger = captureLogger('silent').logger;

  it('two replicas racing with one state: one claims it, the other is refused; the claim expires with the state', async () => {
    const [a, b] = await Promise.all([
      RedisAtomicKv.connect(url, prefix, logger),
      RedisAtomicKv.connect(url, prefix, logger),
    ]);
    try {
      const ttlMs = 1_500;
      const replicaA = new SignedStateStore(OAUTH_STATE_SECRET, a, ttlMs);
      const replicaB = new SignedStateStore(OAUTH_STATE_SECRET, b, ttlMs);
      const now = new Date();
      const state = await replicaA.generateStateParam(installOptions, now);
      const racing = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).verifyStateParam(now, state)),
      );
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const nonce = JSON.parse(Buffer.from(state.split('.')[0]!, 'base64url').toString('utf8')).n;
      expect(await a.get(`oauth-state:${nonce}`)).toBe('1');
      await expect.poll(() => a.get(`oauth-state:${nonce}`), { timeout: 3_000 }).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
