import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { SEED_LIST_TASKS } from '../../fixtures/oms-seed-responses.js';
import { OMS_API, OMS_PROJECT, omsSeedConnection } from '../../fixtures/seed-connections.js';
import { overNock } from '../nock-rig.js';

const ENDPOINT = OMS_API;
const PROJECT = OMS_PROJECT;
const { nock, deps } = overNock();
const provider = new HuaweiOmsProvider(omsSeedConnection(), deps);

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
      .reply(200, SEED_LIST_TASKS);
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
