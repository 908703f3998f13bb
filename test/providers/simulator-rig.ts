import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';
import type { Simulator } from '../../dev/simulators/kit.js';
import type { Connection } from '../../src/connections/connection.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';

/**
 * Runs `sim` for the test file that calls this, and gives the pools its clients share: the
 * simulator starts before the first test and stops, with the pools, after the last. `freeze` stops
 * its clock before the start (`once`) or before each test (`each`), so progress moves only when a
 * test moves it, never with how fast the machine runs. After each test its faults are cleared, and
 * `reset` clears what else the test left.
 */
export function useSimulator(
  sim: Simulator,
  options: { freeze?: 'once' | 'each'; reset?: () => void } = {},
): PoolRegistry {
  const pools = new PoolRegistry();
  beforeAll(async () => {
    if (options.freeze === 'once') sim.clock.freeze();
    await sim.start();
  });
  if (options.freeze === 'each') beforeEach(() => sim.clock.freeze());
  afterAll(async () => {
    await sim.stop();
    await pools.close();
  });
  afterEach(() => {
    sim.faults.reset();
    options.reset?.();
  });
  return pools;
}

/** A connection named `hw` to the OMS simulator `sim` for `projectId`; no storage keys unless `rest` has them. */
export function omsSimConnection(
  sim: Simulator,
  projectId: string,
  auth: Connection['auth'],
  rest: Partial<Connection> = {},
): Connection {
  return { name: 'hw', provider: 'huawei-oms', endpoint: sim.url, projectId, auth, storage: {}, ...rest };
}

/** OMS timings for a test that moves the clock by seconds: each step is done a second later at most. */
export const OMS_SECOND_TIMINGS = {
  scheduleDelayMs: 1_000,
  pauseDelayMs: 1_000,
  speedBytesPerSecond: GiB,
  groupCreateDelayMs: 500,
  groupDeleteDelayMs: 500,
  syncDelayMs: 1_000,
};

/** An IAM token from the OMS simulator at `url`, asked for with the password of `user`. */
export async function omsPasswordToken(
  url: string,
  projectId: string,
  user = { name: 'ops', password: 'ops-password-123', domain: 'acme' },
): Promise<string> {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user.name, password: user.password, domain: { name: user.domain } } },
        },
        scope: { project: { id: projectId } },
      },
    }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token') ?? '';
}
