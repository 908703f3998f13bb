import { expect } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ProviderError } from '../../../src/errors.js';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { OMS_SECOND_TIMINGS, omsPasswordToken, omsSimConnection, useSimulator } from '../simulator-rig.js';

// The simulator, clients and bodies of the huawei-oms-endpoints-*.test.ts files: every one of the 33
// operations of seed 002 §5 over loopback, one success and at least one documented error each.

const PROJECT = '0215ef11e49d4743be23dd97a156cccc';
const AK = 'HWSIMACCESSKEY000010';
const SK = 'hw-sim-secret-key-0000000000000000000010';
const READONLY_AK = 'HWSIMREADONLYKEY0001';
const NOACCESS_AK = 'HWSIMNOACCESSKEY0001';
export const SRC = { ak: 'SRCSTORAGEAK0001', sk: 'src-storage-secret-0001' };
export const DST = { ak: 'DSTSTORAGEAK0001', sk: 'dst-storage-secret-0001' };

/**
 * An OMS simulator for the calling file (its clock frozen, its state reset after each test), the
 * clients of a full, a read-only and a no-access user, and `raw` for requests the client would refuse.
 */
export function useEndpointsSimulator() {
  const sim = new OmsSimulator({
    projectId: PROJECT,
    keys: { [AK]: SK, [READONLY_AK]: 'readonly-secret', [NOACCESS_AK]: 'noaccess-secret' },
    users: [{ name: 'ops', password: 'ops-password-123', domain: 'acme' }],
    permissions: { [READONLY_AK]: 'readonly', [NOACCESS_AK]: 'none' },
    storageKeys: { [SRC.ak]: SRC.sk },
    limits: { taskGroupsPerDay: 3, syncTasks: 2, tasksPerDay: 4 },
    timings: OMS_SECOND_TIMINGS,
  });
  const pools = useSimulator(sim, {
    freeze: 'once',
    reset: () => sim.reset(),
  });
  const { logger } = captureLogger('fatal');

  function connection(accessKey = AK, secretKey = SK, projectId = PROJECT): Connection {
    return omsSimConnection(sim, projectId, { type: 'aksk', accessKey, secretKey });
  }

  /** Signed with the simulator's clock, so tests may move it by hours. */
  const client = () => new OmsClient(connection(), { pools, logger }, () => new Date(sim.clock.now()));
  const readonlyClient = () =>
    new OmsClient(
      connection(READONLY_AK, 'readonly-secret'),
      { pools, logger },
      () => new Date(sim.clock.now()),
    );
  const noAccessClient = () =>
    new OmsClient(
      connection(NOACCESS_AK, 'noaccess-secret'),
      { pools, logger },
      () => new Date(sim.clock.now()),
    );

  /** The full user's keys on another project's path. */
  const projectClient = (projectId: string) =>
    new OmsClient(connection(AK, SK, projectId), { pools, logger });

  let token: string | undefined;

  /** A request the client would refuse to send: straight to the simulator with an IAM token. */
  async function raw(
    method: string,
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<{
    status: number;
    body: { error_code?: string; error_msg?: string } & Record<string, unknown>;
  }> {
    token ||= await omsPasswordToken(sim.url, PROJECT);
    const url = new URL(path.startsWith('/v2') || path === '/' ? path : `/v2/${PROJECT}${path}`, sim.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  }

  return { sim, client, readonlyClient, noAccessClient, projectClient, raw };
}

export async function omsError(
  promise: Promise<unknown>,
  httpStatus: number,
  code: string,
): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ httpStatus, errorCode: code });
  return error as ProviderError;
}

/** The source and destination of every task and group created here: AWS into OBS, with keys. */
const nodes = (object_key: string[]) => ({
  src_node: {
    cloud_type: 'AWS' as const,
    region: 'us-east-1',
    bucket: 'src-bucket',
    ak: SRC.ak,
    sk: SRC.sk,
    object_key,
  },
  dst_node: { region: 'cn-north-4', bucket: 'dst-bucket', ak: DST.ak, sk: DST.sk },
});

export const taskBody = (overrides: Record<string, unknown> = {}) => ({
  task_type: 'prefix' as const,
  ...nodes(['photos/']),
  ...overrides,
});

export const groupBody = () => ({
  task_type: 'PREFIX' as const,
  enable_kms: false,
  ...nodes(['photos/', 'logs/']),
});

export const syncBody = () => ({
  src_cloud_type: 'Aliyun' as const,
  src_region: 'cn-beijing',
  src_bucket: 'api-auto-test1',
  src_ak: SRC.ak,
  src_sk: SRC.sk,
  dst_ak: DST.ak,
  dst_sk: DST.sk,
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
});

export const startKeys = { src_ak: SRC.ak, src_sk: SRC.sk, dst_ak: DST.ak, dst_sk: DST.sk };
export const window50 = [{ start: '00:00', end: '12:00', max_bandwidth: 50_000_000 }];
