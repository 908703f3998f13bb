import { describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ErrorCode, InvalidInputError } from '../../../src/errors.js';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { failure as rejection } from '../../helpers/provider-failure.js';
import { omsSimConnection, useSimulator } from '../simulator-rig.js';

const PROJECT = '0215ef11e49d4743be23dd97a156aaaa';
const AK = 'HWSIMACCESSKEY000001';
const SK = 'hw-sim-secret-key-0000000000000000000001';

const sim = new OmsSimulator({
  projectId: PROJECT,
  keys: { [AK]: SK },
  users: [{ name: 'ops', password: 'ops-password-123', domain: 'acme' }],
  timings: { scheduleDelayMs: 1_000, pauseDelayMs: 1_000, speedBytesPerSecond: 1024 ** 3 },
});
const pools = useSimulator(sim, {
  freeze: 'once',
  reset: () => sim.tasks.clear(),
});
const { logger, lines } = captureLogger();

function connection(overrides: Partial<Connection> = {}): Connection {
  return omsSimConnection(
    sim,
    PROJECT,
    { type: 'aksk', accessKey: AK, secretKey: SK },
    {
      storage: {
        source: { name: 'src', accessKey: 'SRCAK000000', secretKey: 'src-secret-000000' },
        destination: { name: 'dst', accessKey: 'DSTAK000000', secretKey: 'dst-secret-000000' },
      },
      ...overrides,
    },
  );
}

/** The user the simulator knows, signing in at its IAM endpoint. */
const iamAuth = (): Connection['auth'] => ({
  type: 'token',
  iamEndpoint: sim.url,
  user: 'ops',
  password: 'ops-password-123',
  domain: 'acme',
});

describe('OmsClient against the simulator', () => {
  it('lists and shows tasks with AK/SK signing', async () => {
    const a = sim.addTask({ name: 'photos', status: 2, progress: 0.25 });
    sim.addTask({ name: 'logs', status: 4, failCode: 'TRF.0015' });
    const client = new OmsClient(connection(), { pools, logger });
    const page = await client.listTasks({ limit: 10, offset: 0 });
    expect(page.count).toBe(2);
    expect(page.tasks.map((t) => t.name).sort()).toEqual(['logs', 'photos']);
    const failed = await client.listTasks({ status: 4 });
    expect(failed.tasks.map((t) => t.name)).toEqual(['logs']);
    const shown = await client.showTask(a.id);
    expect(shown.id).toBe(a.id);
    expect(shown.status).toBe(2);
    expect(shown.progress).toBeGreaterThanOrEqual(0.25);
  });

  it('authenticates with an IAM token and caches it', async () => {
    sim.addTask({ name: 'one', status: 3 });
    const client = new OmsClient(connection({ auth: iamAuth() }), { pools, logger });
    sim.server.resetRequestCount();
    await client.listTasks();
    await client.listTasks();
    // One token request, two list requests.
    expect(sim.server.requestCount).toBe(3);
  });

  it('fetches a new token when the old one expired', async () => {
    const client = new OmsClient(connection({ auth: iamAuth() }), { pools, logger });
    await client.listTasks();
    sim.auth.expireAllTokens();
    await expect(client.listTasks()).resolves.toBeDefined();
  });

  it('rejects a wrong secret key with the gateway error and canonical request', async () => {
    const client = new OmsClient(
      connection({ auth: { type: 'aksk', accessKey: AK, secretKey: 'wrong-secret' } }),
      {
        pools,
        logger,
      },
    );
    const error = await rejection(client.listTasks());
    expect(error.code).toBe(ErrorCode.ProviderAuth);
    expect(error.httpStatus).toBe(401);
    expect(error.errorCode).toBe('APIGW.0301');
    expect(error.errorMessage).toContain('canonicalRequest:GET|/v2/');
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects a wrong IAM password', async () => {
    const client = new OmsClient(
      connection({
        auth: { type: 'token', iamEndpoint: sim.url, user: 'ops', password: 'nope', domain: 'acme' },
      }),
      { pools, logger },
    );
    const error = await rejection(client.listTasks());
    expect(error.httpStatus).toBe(401);
    expect(error.provider).toBe('huawei-iam');
  });

  it('validates limit before sending and the simulator validates it too', async () => {
    const client = new OmsClient(connection(), { pools, logger });
    await expect(client.listTasks({ limit: 101 })).rejects.toThrow(InvalidInputError);
    await expect(client.showTask('12ab')).rejects.toThrow(/not an OMS task id/);
  });

  it('pauses, resumes and deletes following the documented state rules', async () => {
    const task = sim.addTask({ name: 'move', status: 2 });
    const client = new OmsClient(connection(), { pools, logger });
    const running = await rejection(client.deleteTask(task.id));
    expect(running.errorCode).toBe('OMS.0063');
    expect(running.httpStatus).toBe(400);
    await client.stopTask(task.id);
    expect((await client.showTask(task.id)).status).toBe(7);
    sim.clock.advance(1_000);
    expect((await client.showTask(task.id)).status).toBe(3);
    const again = await rejection(client.stopTask(task.id));
    expect(again.errorCode).toBe('OMS.0066');
    await client.startTask(task.id, { src_ak: 'a', src_sk: 'b', dst_ak: 'c', dst_sk: 'd' });
    expect((await client.showTask(task.id)).status).toBe(1);
    const started = await rejection(
      client.startTask(task.id, { src_ak: 'a', src_sk: 'b', dst_ak: 'c', dst_sk: 'd' }),
    );
    expect(started.errorCode).toBe('OMS.0065');
    // Only a migrating task can be paused (seed 002 §2, OMS.0066): wait for it to be scheduled.
    sim.clock.advance(1_000);
    expect((await client.showTask(task.id)).status).toBe(2);
    await client.stopTask(task.id);
    sim.clock.advance(1_000);
    await client.deleteTask(task.id);
    const gone = await rejection(client.showTask(task.id));
    expect(gone.httpStatus).toBe(404);
  });

  it('moves a task from waiting to migrating to succeeded over time', async () => {
    const task = sim.addTask({ name: 'grow', status: 1, totalSize: 2 * 1024 ** 3 });
    const client = new OmsClient(connection(), { pools, logger });
    expect((await client.showTask(task.id)).status).toBe(1);
    sim.clock.advance(1_000);
    expect((await client.showTask(task.id)).status).toBe(2);
    sim.clock.advance(1_000);
    const half = await client.showTask(task.id);
    expect(half.progress).toBeCloseTo(0.5, 2);
    sim.clock.advance(1_000);
    expect((await client.showTask(task.id)).status).toBe(5);
  });

  it('fails a task with its TRF code', async () => {
    const task = sim.addTask({
      name: 'doomed',
      status: 2,
      failAt: 0.3,
      failCode: 'TRF.0015',
      failMessage: 'bad AK',
    });
    const client = new OmsClient(connection(), { pools, logger });
    sim.clock.advance(10_000);
    const shown = await client.showTask(task.id);
    expect(shown.status).toBe(4);
    expect(shown.error_reason).toEqual({ error_code: 'TRF.0015', error_msg: 'bad AK' });
  });

  it('retries idempotent calls on 429 (honouring Retry-After) and 5xx, but not POSTs', async () => {
    sim.addTask({ name: 'x', status: 2 });
    const client = new OmsClient(connection(), { pools, logger });
    sim.faults.script({ status: 429, retryAfterSeconds: 0 }, { status: 503 });
    sim.server.resetRequestCount();
    await expect(client.listTasks()).resolves.toMatchObject({ count: 1 });
    expect(sim.server.requestCount).toBe(3);

    const task = sim.addTask({ name: 'y', status: 2 });
    sim.faults.script({ status: 503 });
    sim.server.resetRequestCount();
    const error = await rejection(client.stopTask(task.id));
    expect(error.code).toBe(ErrorCode.ProviderUnavailable);
    expect(sim.server.requestCount).toBe(1);
  });

  it('does not wait for a Retry-After longer than the policy allows', async () => {
    const client = new OmsClient(connection(), { pools, logger });
    sim.faults.script({ status: 429, retryAfterSeconds: 120 });
    sim.server.resetRequestCount();
    const error = await rejection(client.listTasks());
    expect(error.httpStatus).toBe(429);
    expect(error.retryable).toBe(true);
    expect(sim.server.requestCount).toBe(1);
  });

  it('retries a malformed body on reads', async () => {
    sim.addTask({ name: 'z', status: 2 });
    const client = new OmsClient(connection(), { pools, logger });
    sim.faults.script({ malformed: true });
    await expect(client.listTasks()).resolves.toMatchObject({ count: 1 });
  });

  it('never logs the secret key or the storage keys', async () => {
    const task = sim.addTask({ name: 'secret', status: 3 });
    const provider = new HuaweiOmsProvider(connection(), { pools, logger });
    await provider.resume('task', task.id);
    const all = lines.join('\n');
    expect(all).toContain('StartTask');
    for (const secret of [SK, 'src-secret-000000', 'dst-secret-000000', 'ops-password-123']) {
      expect(all).not.toContain(secret);
    }
  });
});
