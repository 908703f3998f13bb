import { afterAll, expect } from 'vitest';
import type { Connection } from '../../../src/connections/connection.js';
import { InvalidInputError } from '../../../src/errors.js';
import { PoolRegistry, type Transport } from '../../../src/providers/http/http-client.js';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import type {
  CreateSyncTaskReq,
  CreateTaskGroupReq,
  CreateTaskReq,
} from '../../../src/providers/huawei-oms/schemas.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// Request checks against the seed's documented limits, before anything is sent: the transport fails
// the file if a request gets through.

export const SECRET = 'a-very-secret-source-key-that-must-not-leak';

/**
 * An OMS client and provider for the calling file whose transport sends nothing: each request it is
 * handed is recorded, and the file fails after its last test unless none was.
 */
export function useRefusingOms() {
  const sent: string[] = [];
  const refuse: Transport = async (request) => {
    sent.push(`${request.method} ${request.url.pathname}`);
    return { status: 200, headers: {}, text: '{}' };
  };
  const pools = new PoolRegistry();
  const { logger } = captureLogger('fatal');
  const connection: Connection = {
    name: 'hw',
    provider: 'huawei-oms',
    endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
    projectId: 'p1',
    auth: { type: 'aksk', accessKey: 'AK', secretKey: 'SK' },
    storage: {
      source: { name: 's', accessKey: 'SRCAK', secretKey: SECRET },
      destination: { name: 'd', accessKey: 'DSTAK', secretKey: 'dst-secret' },
    },
  };
  const client = new OmsClient(connection, { pools, logger, transport: refuse });
  const provider = new HuaweiOmsProvider(connection, { pools, logger, transport: refuse });
  const deps = { pools, logger, transport: refuse };

  afterAll(async () => {
    expect(sent, 'no invalid request may be sent').toEqual([]);
    await pools.close();
  });
  return { connection, client, provider, deps };
}

export async function invalid(promise: Promise<unknown>, message: RegExp): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).toMatch(message);
  return (error as Error).message;
}

/** The source and destination of every task and group below (new objects each time). */
const nodes = () => ({
  src_node: {
    cloud_type: 'AWS' as const,
    region: 'us-east-1',
    bucket: 'src',
    ak: 'SRCAK',
    sk: 'srcsk',
    object_key: ['a/'],
  },
  dst_node: { region: 'cn-north-4', bucket: 'dst', ak: 'DSTAK', sk: 'dstsk' },
});

export const task = (overrides: Partial<CreateTaskReq> = {}): CreateTaskReq => ({
  task_type: 'object',
  ...nodes(),
  ...overrides,
});

export const group = (overrides: Partial<CreateTaskGroupReq> = {}): CreateTaskGroupReq => ({
  enable_kms: false,
  ...nodes(),
  ...overrides,
});

export const syncTask = (overrides: Partial<CreateSyncTaskReq> = {}): CreateSyncTaskReq => ({
  src_region: 'cn-beijing',
  src_bucket: 'src',
  src_ak: 'SRCAK',
  src_sk: 'srcsk',
  dst_ak: 'DSTAK',
  dst_sk: 'dstsk',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst',
  ...overrides,
});

export const w = (start: string, end: string, max_bandwidth = 10_485_760) => ({ start, end, max_bandwidth });
