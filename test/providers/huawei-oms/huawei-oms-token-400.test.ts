import { describe, expect, it } from 'vitest';
import { ErrorCode, ProviderError } from '../../../src/errors.js';
import { renderError } from '../../../src/slack/blocks/error-message.js';
import { iam, OMS, omsOverNock, STOP, stopRefused, TASK, tokenAuth } from './huawei-oms-nock-rig.js';

// Issue 37 item 2 covered the 401s. Seed 002 §6.2 also files token failures under 400:
//   400 S3M.0068 "Token authentication failed." — solution "Obtain a new token and try again."
//   400 OMS.0068 "Token authentication failed."
//   400 S3M.1005 "Token authentication failed." — "Check the authorization information."
//   400 CMM.0154 "Illegal token" — "Invalid token. Check the authorization information.")
// On a token connection each must drop the cached token and try once more with a new one (else every
// call fails until the token nears expires_at, up to 24 h); a second one is the credentials.

const { provider: onNock, nock } = omsOverNock();
const provider = () => onNock(tokenAuth);

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
    const stop = stopRefused(400, { error_code: code, error_msg: message });
    const error = await provider()
      .pause('task', TASK)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: ErrorCode.ProviderAuth, httpStatus: 400, errorCode: code });
    expect(renderError(error as ProviderError, 'op-1').text).toMatch(/credentials/);
    expect(stop.attempts()).toBe(2);
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
