import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/connections/connection.js';
import { ErrorCode } from '../../../src/errors.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { renderError } from '../../../src/slack/blocks/error-message.js';
import { failure } from '../../helpers/provider-failure.js';
import {
  IAM,
  iam,
  OMS,
  omsOverNock,
  PROJECT,
  STOP,
  stopRefused,
  TASK,
  tokenAuth,
} from './huawei-oms-nock-rig.js';

// Issue 37, items 2 and 7, against nock answering as seed 002 documents.
// Item 2: IAM revokes a token before its expires_at (providers.md §3.3: a password, AK or permission
// change invalidates tokens within 30 minutes), and OMS then answers 401: "OMS.9999 no auth,
// Authentication failed" (§6.2) or a bare 401 (Table 6-1: "the authentication information is
// incorrect or invalid"). A token connection drops the token and tries once more with a new one.
// Item 7: §6.2 lists 401 S3M.0205 "Insufficient permission. Read-only users do not have the
// permissions to create, modify, or delete resources" and 401 S3M.0053 "Task query failed due to
// invalid parameters or insufficient permissions": refusals, not rejected credentials.

const aksk: Connection['auth'] = { type: 'aksk', accessKey: 'HWEXAMPLEACCESSKEY01', secretKey: 'hw-sk-01' };
const { provider, nock } = omsOverNock();

const OMS_9999 = { error_code: 'OMS.9999', error_msg: 'no auth' };

describe('a 401 on a token connection: drop the token, try once more (issue 37 item 2)', () => {
  it('401 OMS.9999 (§6.2 "Authentication failed"): one new token, the call goes through, and stays', async () => {
    const tokens = iam();
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-1').reply(401, OMS_9999);
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-2').reply(200);
    nock(OMS).delete(`/v2/${PROJECT}/tasks/${TASK}`).matchHeader('x-auth-token', 'token-2').reply(200);
    const hw = provider(tokenAuth);
    await hw.pause('task', TASK);
    await hw.delete('task', TASK);
    expect(tokens.requests()).toBe(2);
    expect(nock.pendingMocks().filter((m) => m.includes(OMS))).toEqual([]);
  });

  it('a bare 401 (Table 6-1, no body): the same', async () => {
    const tokens = iam();
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-1').reply(401);
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-2').reply(200);
    await provider(tokenAuth).pause('task', TASK);
    expect(tokens.requests()).toBe(2);
  });

  it('a second 401 is the credentials: an auth failure after exactly two tokens and two attempts', async () => {
    const tokens = iam();
    const stop = stopRefused(401, OMS_9999);
    const error = await failure(provider(tokenAuth).pause('task', TASK));
    expect(error).toMatchObject({ code: ErrorCode.ProviderAuth, httpStatus: 401, errorCode: 'OMS.9999' });
    expect(stop.attempts()).toBe(2);
    expect(tokens.requests()).toBe(2);
  });

  it('calls refused together with the same token fetch one new token between them', async () => {
    const tokens = iam();
    const seen: string[] = [];
    let revoked = false;
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks/${TASK}`)
      .times(5)
      .reply(function () {
        const token = String(this.req.headers['x-auth-token']);
        seen.push(token);
        return revoked && token === 'token-1'
          ? [401, OMS_9999]
          : [200, { id: Number(TASK), name: 'photos', status: 2 }];
      });
    const hw = provider(tokenAuth);
    await hw.get('task', TASK);
    revoked = true; // IAM revokes token-1 before its expires_at
    await Promise.all([hw.get('task', TASK), hw.get('task', TASK)]);
    expect(seen).toEqual(['token-1', 'token-1', 'token-1', 'token-2', 'token-2']);
    expect(tokens.requests()).toBe(2);
  });

  it('IAM refusing the password is not retried: IAM is asked once', async () => {
    let asked = 0;
    nock(IAM)
      .post('/v3/auth/tokens')
      .query({ nocatalog: 'true' })
      .times(2)
      .reply(() => {
        asked++;
        return [401, { error: { code: 401, message: 'The username or password is wrong.' } }];
      });
    const error = await failure(provider(tokenAuth).pause('task', TASK));
    expect(error.code).toBe(ErrorCode.ProviderAuth);
    expect(asked).toBe(1);
  });
});

describe('401 S3M.0205 and S3M.0053 are permissions, not credentials (issue 37 item 7, §6.2)', () => {
  const S3M_0205 = {
    error_code: 'S3M.0205',
    error_msg:
      'Insufficient permission. Read-only users do not have the permissions to create, modify, or delete resources.',
  };

  it('401 S3M.0205 on StopTask: a refused request; headline and next step say permission, not keys', async () => {
    nock(OMS).post(STOP).reply(401, S3M_0205);
    const error = await failure(provider(aksk).pause('task', TASK));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, httpStatus: 401, errorCode: 'S3M.0205' });
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const shown = renderError(error, 'op-1', translatorFor(locale)).text;
      expect(shown).toContain('S3M.0205');
      expect(shown).not.toContain(':lock:');
      expect(shown).toContain(':no_entry:');
      if (locale === 'en') {
        expect(shown).not.toMatch(/credentials|keys were refused/);
        expect(shown).toMatch(/lack of permission/);
        expect(shown).toMatch(/Next step:.*lack the right/);
      }
    }
  });

  it('401 S3M.0053 on ListTasks: refused, and a token connection keeps its token', async () => {
    const tokens = iam();
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks`)
      .query(true)
      .matchHeader('x-auth-token', 'token-1')
      .reply(401, { error_code: 'S3M.0053', error_msg: 'Task query failed.' });
    nock(OMS).post(STOP).matchHeader('x-auth-token', 'token-1').reply(200);
    const hw = provider(tokenAuth);
    const error = await failure(hw.list({ kind: 'task', limit: 10, offset: 0 }));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, errorCode: 'S3M.0053' });
    await hw.pause('task', TASK);
    expect(tokens.requests()).toBe(1);
    expect(renderError(error, 'op-2').text).toMatch(/lack of permission/);
  });
});
