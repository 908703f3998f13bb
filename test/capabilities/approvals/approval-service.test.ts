import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../../src/audit/audit-log.js';
import {
  type ApprovalMessenger,
  ApprovalService,
} from '../../../src/capabilities/approvals/approval-service.js';
import { ApprovalStore } from '../../../src/capabilities/approvals/approval-store.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ForbiddenError, ProviderError } from '../../../src/errors.js';
import { SecretRegistry } from '../../../src/secrets.js';
import { SettingsStore } from '../../../src/settings/workspace-settings.js';
import { type AtomicKv, LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../../src/store/create-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { latency } from '../../harness/latency.js';
import { TestClock } from '../../harness/test-clock.js';
import { captureLogger } from '../../helpers/capture-logger.js';

const TEAM = 'T0FAKE001';
const SOURCE_SECRET = 'source-secret-value-0000000000001';
const HOUR = 3_600_000;

const connection: Connection = {
  name: 'ncp-kr',
  provider: 'ncp',
  endpoint: 'http://127.0.0.1:1',
  region: 'KR',
  auth: { type: 'aksk', accessKey: 'AK', secretKey: 'ncp-secret-key-000000000001' },
  storage: { source: { name: 'src', accessKey: 'SRCAK', secretKey: SOURCE_SECRET } },
};

const POLICY = {
  title: 'photos',
  sourceCspType: 'AWS',
  sourceRegion: 'ap-northeast-2',
  sourceBucket: 'photos',
  targetBucket: 'ncp-photos',
};

interface Rig {
  service: ApprovalService;
  store: Store;
  settings: SettingsStore;
  sent: { what: string; record: ApprovalRecord }[];
  created: unknown[];
  clock: TestClock;
  failPost: boolean;
  createError?: Error;
}

let rig: Rig;

async function makeRig(
  sweepIntervalMs = 60_000,
  shared: { storeUrl: string; atomic?: AtomicKv } = { storeUrl: 'memory://' },
): Promise<Rig> {
  const { logger } = captureLogger('silent');
  const store = await createStore(shared.storeUrl, logger);
  if (shared.storeUrl !== 'memory://') {
    // Replicas read over the network: a slow read opens the window in which both see "pending".
    const get = store.get.bind(store);
    store.get = async <T>(key: string) => {
      const value = await get<T>(key);
      await latency(30);
      return value;
    };
  }
  const state = shared.atomic ?? new LocalAtomicKv(store, 'state:');
  const settings = new SettingsStore(state);
  const secrets = new SecretRegistry();
  secrets.add(SOURCE_SECRET);
  const r = {
    sent: [],
    created: [],
    clock: new TestClock(() => Date.parse('2025-03-01T00:00:00Z')),
    failPost: false,
  } as unknown as Rig;
  const messenger: ApprovalMessenger = {
    async postRequest(record, channel) {
      if (r.failPost) throw new Error('not_in_channel');
      r.sent.push({ what: `post:${channel}`, record });
      return { channel, ts: '1700000000.000001' };
    },
    async notifyApprovers(record, approvers) {
      r.sent.push({ what: `dm:${approvers.join(',')}`, record });
      return approvers.map((user, i) => ({ user, channel: `D${i}`, ts: `1700000000.00010${i}` }));
    },
    async updateRequest(record) {
      r.sent.push({ what: 'update', record });
    },
    async updateApproverMessages(record, messages) {
      r.sent.push({ what: `update-dms:${messages.map((m) => m.user).join(',')}`, record });
    },
    async tellRequester(record) {
      r.sent.push({ what: 'tell', record });
    },
    async postCreated(record) {
      r.sent.push({ what: 'card', record });
    },
  };
  const provider = {
    id: 'ncp',
    async create(_kind: string, request: unknown) {
      if (r.createError) throw r.createError;
      r.created.push(request);
      await latency(20);
      return { id: 'photos', name: 'photos' };
    },
    async get() {
      throw new Error('not needed');
    },
    actionsFor: () => [],
  };
  const approvers = new Set(['U0APPR001', 'U0APPR002']);
  r.store = store;
  r.settings = settings;
  r.service = new ApprovalService({
    store,
    settings,
    connections: { get: () => connection, provider: () => provider } as never,
    resolver: { index: { remember: async () => {} } } as never,
    access: {
      grants: { list: async () => [] },
      async require(who: { userId: string }) {
        if (!approvers.has(who.userId)) throw new ForbiddenError('You need the approver role');
        return 'approver';
      },
    } as never,
    audit: new AuditLog(state, settings, async () => {}, logger, r.clock),
    messenger,
    secrets,
    logger,
    clock: r.clock,
    sweepIntervalMs,
    atomic: state,
  });
  return r;
}

function ask(requester = 'U0OPER001', request: unknown = POLICY) {
  return rig.service.request({
    team: TEAM,
    requester,
    channel: 'C0FAKE001',
    connection: 'ncp-kr',
    kind: 'policy',
    request,
    op: 'op1',
  });
}

beforeEach(async () => {
  rig = await makeRig(15);
});
afterEach(async () => {
  await rig.service.stop();
  await rig.store.close();
});

describe('ApprovalService', () => {
  it('refuses a request that carries a key, before storing or posting anything', async () => {
    await expect(ask('U0OPER001', { ...POLICY, secretKey: 'typed-in-a-modal' })).rejects.toThrow(
      /Invalid NCP migration policy request: .*unrecognized key/i,
    );
    expect(rig.sent).toEqual([]);
    expect(await rig.service.records.pending()).toEqual([]);
  });

  it('uses the workspace’s approval TTL and approvals channel', async () => {
    await rig.settings.update(TEAM, { approvalTtlHours: 2, approvalsChannel: 'C0APPROVE' });
    const record = await ask();
    expect(Date.parse(record.expiresAt) - Date.parse(record.createdAt)).toBe(2 * HOUR);
    expect(rig.sent.map((s) => s.what)).toEqual(['post:C0APPROVE', 'tell']);
    expect(record.message).toEqual({ channel: 'C0APPROVE', ts: '1700000000.000001' });
  });

  it('fails a request nobody could see, and tells the requester', async () => {
    rig.failPost = true;
    const record = await ask();
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toBe('Something went wrong on our side.');
    expect(rig.sent.map((s) => s.what)).toEqual(['tell']);
    expect(await rig.service.records.pending()).toEqual([]);
  });

  it('the periodic sweep expires due requests (interval configurable, stopped with the app)', async () => {
    // The sweep's schedule is a real timer (src/clock.ts): faked here, so its ticks are moved, not waited for.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let sweeps = 0;
      const expireDue = rig.service.expireDue.bind(rig.service);
      rig.service.expireDue = (now) => expireDue(now).finally(() => sweeps++);
      /** Ticks the sweep's interval (15 ms) until `done`, each sweep to its end; at most 50 ticks. */
      const tick = async (done: () => Promise<boolean>) => {
        for (let i = 0; i < 50 && !(await done()); i++) {
          await vi.advanceTimersByTimeAsync(15);
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const record = await ask();
      rig.service.start();
      await tick(async () => sweeps >= 4);
      expect(sweeps).toBeGreaterThanOrEqual(4);
      expect((await rig.service.get(TEAM, record.id)).status).toBe('pending');
      rig.clock.advance(24 * HOUR);
      await tick(async () => (await rig.service.get(TEAM, record.id)).status !== 'pending');
      const expired = await rig.service.get(TEAM, record.id);
      expect(expired).toMatchObject({
        status: 'expired',
        decidedAt: new Date(rig.clock.now()).toISOString(),
      });
      expect(rig.sent.filter((s) => s.record.status === 'expired').map((s) => s.what)).toEqual([
        'update',
        'tell',
      ]);
      await rig.service.stop();
      const again = await ask();
      rig.clock.advance(48 * HOUR);
      const stoppedAt = sweeps;
      await tick(async () => false);
      expect(sweeps).toBe(stoppedAt);
      expect((await rig.service.get(TEAM, again.id)).status).toBe('pending');
    } finally {
      vi.useRealTimers();
    }
  });

  it('approve and reject racing: one decision, the other told who decided; one creation', async () => {
    const record = await ask();
    const input = { team: TEAM, id: record.id, channel: 'C0APPROVE', op: 'op2' };
    const [a, b] = await Promise.all([
      rig.service.approve({ ...input, by: 'U0APPR001' }),
      rig.service.reject({ ...input, by: 'U0APPR002' }),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['already-decided', 'created']);
    expect(rig.created).toHaveLength(1);
    const stored = await rig.service.get(TEAM, record.id);
    expect(stored).toMatchObject({ status: 'approved', decidedBy: 'U0APPR001', resourceId: 'photos' });
    expect(b.record.decidedBy).toBe('U0APPR001');
  });

  it('refuses self-approval and non-approvers; the request stays pending', async () => {
    const record = await ask('U0APPR001');
    const input = { team: TEAM, id: record.id, op: 'op3' };
    await expect(rig.service.approve({ ...input, by: 'U0APPR001' })).rejects.toThrow(
      /asked for this migration yourself/,
    );
    await expect(rig.service.approve({ ...input, by: 'U0OPER002' })).rejects.toThrow(/approver role/);
    await expect(rig.service.reject({ ...input, by: 'U0OPER002' })).rejects.toThrow(/approver role/);
    expect((await rig.service.get(TEAM, record.id)).status).toBe('pending');
    expect(rig.created).toEqual([]);
  });

  it('finds requests pending in the list an older version kept, and expires them', async () => {
    const record = await ask();
    // 0.2.0 kept the index as one JSON list in the Keyv store: a request known only there.
    const older = { ...record, id: 'a1b2c3d4e5', message: undefined };
    await rig.store.set(`approval:${TEAM}:${older.id}`, older);
    await rig.store.set('approvals:pending', [{ team: TEAM, id: older.id, expiresAt: older.expiresAt }]);
    const upgraded = new ApprovalStore(rig.store, new LocalAtomicKv(rig.store, 'state:'), {
      clock: rig.clock,
    });
    expect((await upgraded.pending()).map((e) => e.id).sort()).toEqual([older.id, record.id].sort());
    expect(await rig.store.get('approvals:pending')).toBeUndefined();
    rig.clock.advance(25 * HOUR);
    expect((await rig.service.expireDue(rig.clock.now())).map((r) => r.id).sort()).toEqual(
      [older.id, record.id].sort(),
    );
  });

  it('stores a provider failure scrubbed of secrets, with its code for the explanation', async () => {
    rig.createError = new ProviderError('provider_request' as never, {
      provider: 'ncp',
      operation: 'CreateMigrationJob',
      httpStatus: 400,
      errorCode: '100',
      errorMessage: `bad key ${SOURCE_SECRET}`,
    });
    const record = await ask();
    const decision = await rig.service.approve({ team: TEAM, id: record.id, by: 'U0APPR002', op: 'op4' });
    expect(decision.outcome).toBe('failed');
    const stored = await rig.service.get(TEAM, record.id);
    expect(stored.failure).toMatchObject({ provider: 'ncp', httpStatus: 400, errorCode: '100' });
    expect(JSON.stringify(stored)).not.toContain(SOURCE_SECRET);
    expect(rig.sent.filter((s) => s.record.status === 'failed').map((s) => s.what)).toEqual([
      'update',
      'tell',
    ]);
  });
});

describe('ApprovalService on two replicas sharing Redis', () => {
  it('one decision wins when two approvers click on different replicas at the same instant', async () => {
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `test:approvals:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
    const { logger } = captureLogger('silent');
    const atomicA = await RedisAtomicKv.connect(url, prefix, logger);
    const atomicB = await RedisAtomicKv.connect(url, prefix, logger);
    const a = await makeRig(60_000, { storeUrl: url, atomic: atomicA });
    const b = await makeRig(60_000, { storeUrl: url, atomic: atomicB });
    try {
      const previous = rig;
      rig = a;
      const record = await ask();
      rig = previous;
      const input = { team: TEAM, id: record.id, channel: 'C0APPROVE', op: 'op3' };
      const [first, second] = await Promise.all([
        a.service.approve({ ...input, by: 'U0APPR001' }),
        b.service.approve({ ...input, by: 'U0APPR002' }),
      ]);
      expect([first.outcome, second.outcome].sort()).toEqual(['already-decided', 'created']);
      expect(a.created.length + b.created.length).toBe(1);
      const winner = first.outcome === 'created' ? 'U0APPR001' : 'U0APPR002';
      expect((first.outcome === 'created' ? second : first).record.decidedBy).toBe(winner);
    } finally {
      for (const r of [a, b]) {
        await r.service.stop();
        await r.store.close();
      }
      await atomicA.close();
      await atomicB.close();
    }
  });

  it('keeps every pending request in the index when 16 are made 8 at a time on two replicas, and expires them all', async () => {
    // Issue 46 item 2: the index was one list read, changed and written back under a lock of each
    // process: 14 of 16 were left (two replicas, a read 30 ms away), and the rest never expired.
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `test:approvals:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
    const { logger } = captureLogger('silent');
    const atomicA = await RedisAtomicKv.connect(url, prefix, logger);
    const atomicB = await RedisAtomicKv.connect(url, prefix, logger);
    const a = await makeRig(60_000, { storeUrl: url, atomic: atomicA });
    const b = await makeRig(60_000, { storeUrl: url, atomic: atomicB });
    const team = `T0IDX${Date.now().toString(36).toUpperCase()}`;
    const make = (r: Rig, i: number) =>
      r.service.request({
        team,
        requester: `U0REQ${String(i).padStart(4, '0')}`,
        channel: 'C0FAKE001',
        connection: 'ncp-kr',
        kind: 'policy',
        request: POLICY,
        op: `op-index-${i}`,
      });
    try {
      const made = [];
      for (let batch = 0; batch < 2; batch++)
        made.push(
          ...(await Promise.all(
            Array.from({ length: 8 }, (_, i) => make(i % 2 === 0 ? a : b, batch * 8 + i)),
          )),
        );
      const ids = made.map((r) => r.id).sort();
      expect(new Set(ids).size).toBe(16);
      for (const r of [a, b]) {
        expect(
          (await r.service.records.pending())
            .filter((e) => e.team === team)
            .map((e) => e.id)
            .sort(),
        ).toEqual(ids);
        expect((await r.service.records.pendingOf(team, 50)).map((p) => p.id).sort()).toEqual(ids);
      }
      // Past their expiry, one sweep on either replica finds every one of them.
      a.clock.advance(25 * 3_600_000);
      const expired = await a.service.expireDue(a.clock.now());
      expect(expired.map((r) => r.id).sort()).toEqual(ids);
      expect((await b.service.records.pending()).filter((e) => e.team === team)).toEqual([]);
      expect(a.sent.filter((s) => s.what === 'tell' && s.record.status === 'expired')).toHaveLength(16);
    } finally {
      for (const r of [a, b]) {
        await r.service.stop();
        await r.store.close();
      }
      await atomicA.close();
      await atomicB.close();
    }
  });
});
