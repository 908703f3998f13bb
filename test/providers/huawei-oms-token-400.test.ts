import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { ErrorCode, ProviderError } from '../../src/errors.js';
import { fetchTransport, PoolRegistry } from '../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { renderError } from '../../src/slack/blocks/error-message.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { useStrictNock } from '../helpers/strict-nock.js';

// Issue 37 item 2 covered the 401s. Seed 002 §6.2 also files token failures under 400:
//   400 S3M.0068 "Token authentication failed." — solution "Obtain a new token and try again."
//   400 OMS.0068 "Token authentication failed."
//   400 S3M.1005 "Token authentication failed." — "Check the authorization information."
//   400 CMM.0154 "Illegal token" — "Invalid token. Check the authorization information.")
// On a token connection each must drop the cached token and try once more with a new one (else every
// call fails until the token nears expires_at, up to 24 h); a second one is the credentials.

const OMS = 'https://oms.cn-north-4.myhuaweicloud.com';
const IAM = 'https://iam.myhuaweicloud.com';
const PROJECT = '0215ef11e49d4743be23dd97a156dddd';
const TASK = '191297407830872';
const STOP = `/v2/${PROJECT}/tasks/${TASK}/stop`;
const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');

const tokenAuth: Connection['auth'] = {
  type: 'token',
  iamEndpoint: IAM,
  user: 'ops',
  password: 'iam-password-value',
  domain: 'acme',
};

function provider(): HuaweiOmsProvider {
  return new HuaweiOmsProvider(
    { name: 'hw', provider: 'huawei-oms', endpoint: OMS, projectId: PROJECT, auth: tokenAuth, storage: {} },
    { pools, logger, transport: fetchTransport },
  );
}

/** IAM answers each token request with a new token (`token-1`, `token-2`…). */
function iam(times = 5): { requests: () => number } {
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

useStrictNock({
  afterAll: async () => {
    await pools.close();
  },
  allowUnused: true,
});

const TOKEN_400 = [
  ['S3M.0068', 'Token authentication failed.'],
  ['OMS.0068', 'Token authentication failed.'],
  ['S3M.1005', 'Token authentication failed.'],
  ['CMM.0154', 'Illegal token'],
] as const;

describe('400 token codes of seed 002 §6.2 drop the IAM token once, as a 401 does', () => {
  it.each(TOKEN_400)('400 %s ("%s"): one new token, the call goes through', async (code, message) => {
    const tokens = iam();
    nock(OMS)
      .post(STOP)
      .matchHeader('x-auth-token', 'token-1')
      .reply(400, { error_code: code, error_msg: message });
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-2').reply(200);
    await provider().pause('task', TASK);
    expect(tokens.requests()).toBe(2);
  });

  it.each(TOKEN_400)('400 %s twice is the credentials, headlined as such', async (code, message) => {
    const tokens = iam();
    let attempts = 0;
    nock(OMS)
      .post(STOP)
      .times(3)
      .reply(() => {
        attempts++;
        return [400, { error_code: code, error_msg: message }];
      });
    const error = await provider()
      .pause('task', TASK)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: ErrorCode.ProviderAuth, httpStatus: 400, errorCode: code });
    expect(renderError(error as ProviderError, 'op-1').text).toMatch(/credentials/);
    expect(attempts).toBe(2);
    expect(tokens.requests()).toBe(2);
  });

  it('a 400 that is not about the token (OMS.0066, the task is not in progress) keeps it', async () => {
    const tokens = iam();
    nock(OMS)
      .post(STOP)
      .matchHeader('x-auth-token', 'token-1')
      .reply(400, { error_code: 'OMS.0066', error_msg: 'Failed to pause the task.' });
    const error = await provider()
      .pause('task', TASK)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, errorCode: 'OMS.0066' });
    expect(tokens.requests()).toBe(1);
  });
});
