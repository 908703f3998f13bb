import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrantStore } from '../../src/access/grant-store.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { systemClock } from '../../src/clock.js';
import { SettingsStore } from '../../src/settings/workspace-settings.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { captureLogger } from '../helpers/capture-logger.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { logger } = captureLogger('silent');
const prefix = `test:state:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
let replicaA: RedisAtomicKv;
let replicaB: RedisAtomicKv;

beforeAll(async () => {
  replicaA = await RedisAtomicKv.connect(REDIS_URL, prefix, logger);
  replicaB = await RedisAtomicKv.connect(REDIS_URL, prefix, logger);
});
afterAll(async () => {
  await replicaA.close();
  await replicaB.close();
});

/** Two replicas, each with its own Redis connection, changing the same workspace's state at once. */
describe('shared state written by two replicas at once', () => {
  it('keeps every grant', async () => {
    const a = new GrantStore(replicaA);
    const b = new GrantStore(replicaB);
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).grant('T0RACE001', {
          subject: { kind: 'user', id: `U0RACE${String(i).padStart(3, '0')}` },
          role: 'operator',
          grantedBy: 'U0ADMIN01',
          grantedAt: at,
        }),
      ),
    );
    expect(await a.list('T0RACE001')).toHaveLength(20);
    expect(await b.revoke('T0RACE001', { subject: { kind: 'user', id: 'U0RACE000' } })).toBe(true);
    expect(await a.revoke('T0RACE001', { subject: { kind: 'user', id: 'U0RACE000' } })).toBe(false);
  });

  it('keeps every audit entry and every settings change', async () => {
    const settingsA = new SettingsStore(replicaA);
    const settingsB = new SettingsStore(replicaB);
    const a = new AuditLog(replicaA, settingsA, async () => {}, logger, systemClock);
    const b = new AuditLog(replicaB, settingsB, async () => {}, logger, systemClock);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).record({
          team: 'T0RACE002',
          user: 'U0X',
          action: `act-${i}`,
          result: 'ok',
          op: `op${i}`,
        }),
      ),
    );
    const actions = (await a.recent('T0RACE002', 100)).map((e) => e.action).sort();
    expect(actions).toEqual(Array.from({ length: 30 }, (_, i) => `act-${i}`).sort());
    await Promise.all([
      settingsA.update('T0RACE002', { auditChannel: 'C0AUDIT01' }),
      settingsB.update('T0RACE002', { approvalsChannel: 'C0APPR001' }),
    ]);
    expect(await settingsA.get('T0RACE002')).toEqual({
      auditChannel: 'C0AUDIT01',
      approvalsChannel: 'C0APPR001',
    });
  });
});
