import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { ProviderError } from '../../src/errors.js';
import { fetchTransport, PoolRegistry } from '../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { useStrictNock } from '../helpers/strict-nock.js';

// Example response of "5.2.1 Listing Migration Tasks" (seed 002), as printed.
const SEED_LIST_EXAMPLE = {
  tasks: [
    {
      bandwidth_policy: [{ end: '23:59', max_bandwidth: 0, start: '00:00' }],
      complete_size: 0,
      description: 'test log',
      dst_node: { bucket: 'dst_bucket', region: 'cn-north-1' },
      enable_failed_object_recording: true,
      enable_kms: true,
      enable_restore: false,
      error_reason: { error_code: 'string', error_msg: 'string' },
      failed_num: 0,
      failed_object_record: { result: true, list_file_key: 'string', error_code: 'string' },
      group_id: 'string',
      id: 0,
      is_query_over: true,
      left_time: 0,
      migrate_since: 0,
      migrate_speed: 0,
      name: 'string',
      progress: 0,
      real_size: 0,
      skipped_num: 0,
      src_node: {
        bucket: 'src_bucket',
        cloud_type: 'AWS',
        region: 'cn-north-1',
        app_id: 'string',
        object_key: ['string', 'string'],
        list_file: { list_file_key: 'object_list_file.txt', obs_bucket: 'obs_bucket' },
      },
      start_time: 0,
      status: 0,
      successful_num: 0,
      task_type: 'list',
      total_num: 0,
      total_size: 0,
      total_time: 0,
      smn_info: { notify_result: true, notify_error_message: 'string', topic_name: 'string' },
      source_cdn: { domain: 'xxx.xxx.xxx', protocol: 'http', authentication_type: 'string' },
    },
  ],
  count: 1,
};

const ENDPOINT = 'https://oms.cn-north-1.myhuaweicloud.com';
const PROJECT = '2c0689c860ad4728a497c91ec0844383';
const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');
const connection: Connection = {
  name: 'hw',
  provider: 'huawei-oms',
  endpoint: ENDPOINT,
  projectId: PROJECT,
  auth: {
    type: 'aksk',
    accessKey: 'QTWAOYTTINDUT2QVKYUC',
    secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc',
  },
  storage: {},
};
const provider = new HuaweiOmsProvider(connection, { pools, logger, transport: fetchTransport });

useStrictNock({
  afterAll: async () => {
    await pools.close();
  },
});

describe('Huawei OMS against the seed example responses', () => {
  it('parses the documented ListTasks example and signs the request', async () => {
    nock(ENDPOINT)
      .get(`/v2/${PROJECT}/tasks`)
      .query({ limit: '10', offset: '0', status: '4' })
      .matchHeader(
        'authorization',
        /^SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/,
      )
      .matchHeader('x-sdk-date', /^\d{8}T\d{6}Z$/)
      .reply(200, SEED_LIST_EXAMPLE);
    const page = await provider.list({ kind: 'task', states: ['failed'], limit: 10, offset: 0 });
    expect(page.total).toBe(1);
    const [task] = page.resources;
    expect(task).toMatchObject({
      id: '0',
      name: 'string',
      // The example prints status 0, which is not a documented value: shown as unknown, not guessed.
      state: 'unknown',
      rawStatus: '0',
      source: { cloud: 'AWS', region: 'cn-north-1', bucket: 'src_bucket' },
      destination: { region: 'cn-north-1', bucket: 'dst_bucket' },
      lastError: { code: 'string', message: 'string' },
    });
  });

  it('turns the documented error body into a typed error', async () => {
    nock(ENDPOINT)
      .delete(`/v2/${PROJECT}/tasks/191297407830872`)
      .reply(
        400,
        { error_code: 'OMS.0063', error_msg: 'The task is in progress.' },
        { 'x-request-id': 'req-1' },
      );
    const error = await provider.delete('task', '191297407830872').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ httpStatus: 400, errorCode: 'OMS.0063', requestId: 'req-1' });
  });
});
