import nock from 'nock';
import type { Connection } from '../../../src/connections/connection.js';
import { fetchTransport, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useStrictNock } from '../../helpers/strict-nock.js';

/** Seed 002's endpoints and names, as nock answers them. */
export const OMS = 'https://oms.cn-north-4.myhuaweicloud.com';
export const IAM = 'https://iam.myhuaweicloud.com';
export const PROJECT = '0215ef11e49d4743be23dd97a156dddd';
export const TASK = '191297407830872';
/** StopTask (5.2.4) on TASK. */
export const STOP = `/v2/${PROJECT}/tasks/${TASK}/stop`;

export const tokenAuth: Connection['auth'] = {
  type: 'token',
  iamEndpoint: IAM,
  user: 'ops',
  password: 'iam-password-value',
  domain: 'acme',
};

/**
 * For a file of OMS answers from nock: strict nock (every request answered by a mock, the pools
 * closed after the file), the `nock` to mock with, and the provider on `auth` over real fetch.
 */
export function omsOverNock() {
  const pools = new PoolRegistry();
  const { logger } = captureLogger('fatal');
  useStrictNock({ afterAll: () => pools.close(), allowUnused: true });
  const provider = (auth: Connection['auth']): HuaweiOmsProvider =>
    new HuaweiOmsProvider(
      { name: 'hw', provider: 'huawei-oms', endpoint: OMS, projectId: PROJECT, auth, storage: {} },
      { pools, logger, transport: fetchTransport },
    );
  return { provider, nock };
}

/** IAM answers each token request with a new token (`token-1`, `token-2`…); how many were asked for. */
export function iam(times = 5): { requests: () => number } {
  let n = 0;
  nock(IAM)
    .post('/v3/auth/tokens')
    .query({ nocatalog: 'true' })
    .times(times)
    .reply(() => {
      n++;
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      return [201, { token: { expires_at: expires } }, { 'x-subject-token': `token-${n}` }];
    });
  return { requests: () => n };
}

/** OMS answers StopTask on TASK with `status` and `body`, three times at most; how often it was asked. */
export function stopRefused(status: number, body: object): { attempts: () => number } {
  let n = 0;
  nock(OMS)
    .post(STOP)
    .times(3)
    .reply(() => {
      n++;
      return [status, body];
    });
  return { attempts: () => n };
}
