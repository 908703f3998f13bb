import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/connections/connection.js';
import { ErrorCode } from '../../../src/errors.js';
import { parseHuaweiAuthorization, signHuaweiRequest } from '../../../src/providers/huawei-oms/signer.js';
import { SEED_LIST_GROUPS } from '../../fixtures/oms-seed-responses.js';
import { failure } from '../../helpers/provider-failure.js';
import { iam, OMS, omsOverNock, PROJECT, TASK, tokenAuth } from './huawei-oms-nock-rig.js';

// Issue #11, defects 3, 4 and 6 against nock: a 403 is classified by its OMS code (a refusal keeps the
// cached token; the gateway's token-expiry codes and, since issue 37, any 401 fetch a new one), and a state that maps to
// several task-group statuses is paged through in full, and every request carries the Content-Type
// seed 002 §3 makes mandatory, signed.

const aksk: Connection['auth'] = {
  type: 'aksk',
  accessKey: 'HWEXAMPLEACCESSKEY01',
  secretKey: 'hw-secret-0001',
};
const { provider, nock } = omsOverNock();

describe('403 is a refusal unless the gateway says the credentials are bad', () => {
  it('OMS.0095 on stop: a refused request, the token is kept (one IAM request in all)', async () => {
    const tokens = iam();
    nock(OMS).post(`/v2/${PROJECT}/tasks/${TASK}/stop`).matchHeader('x-auth-token', 'token-1').reply(403, {
      error_code: 'OMS.0095',
      error_msg: 'You do not have permission to access the task or the task does not exist.',
    });
    nock(OMS)
      .delete(`/v2/${PROJECT}/tasks/${TASK}`)
      .matchHeader('x-auth-token', 'token-1')
      .reply(403, { error_code: 'OMS.0206', error_msg: 'Insufficient permissions.' });
    const hw = provider(tokenAuth);
    const stop = await failure(hw.pause('task', TASK));
    expect(stop).toMatchObject({ code: ErrorCode.ProviderRequest, httpStatus: 403, errorCode: 'OMS.0095' });
    const del = await failure(hw.delete('task', TASK));
    expect(del).toMatchObject({ code: ErrorCode.ProviderRequest, errorCode: 'OMS.0206' });
    expect(tokens.requests()).toBe(1);
    expect(nock.pendingMocks().filter((m) => m.includes(OMS))).toEqual([]);
  });

  it('a task-group refusal with AK/SK is not an auth failure either', async () => {
    nock(OMS)
      .put(`/v2/${PROJECT}/taskgroups/g-1/stop`)
      .reply(403, { error_code: 'OMS.0207', error_msg: 'Admission check failed.' });
    const error = await failure(provider(aksk).pause('task-group', 'g-1'));
    expect(error.code).toBe(ErrorCode.ProviderRequest);
  });

  it('APIGW.0307 (token must be updated): one new token, and the call goes through', async () => {
    const tokens = iam();
    nock(OMS)
      .post(`/v2/${PROJECT}/tasks/${TASK}/stop`)
      .matchHeader('x-auth-token', 'token-1')
      .reply(401, { error_code: 'APIGW.0307', error_msg: 'The token must be updated.' });
    nock(OMS).post(`/v2/${PROJECT}/tasks/${TASK}/stop`).matchHeader('x-auth-token', 'token-2').reply(200);
    await provider(tokenAuth).pause('task', TASK);
    expect(tokens.requests()).toBe(2);
  });

  // A 401 on a token connection does refresh (issue 37 item 2): huawei-oms-rejected-token.test.ts.
  // Seed 002 §6.2: CMM.0154 "Illegal token. Invalid token. Check the authorization information."
  it('"Illegal token" (CMM.0154) drops the token once; a second one is an auth failure', async () => {
    const tokens = iam();
    nock(OMS)
      .post(`/v2/${PROJECT}/tasks/${TASK}/stop`)
      .times(2)
      .reply(403, { error_code: 'CMM.0154', error_msg: 'Illegal token.' });
    const hw = provider(tokenAuth);
    expect((await failure(hw.pause('task', TASK))).code).toBe(ErrorCode.ProviderAuth);
    expect(tokens.requests()).toBe(2);
  });

  it('403 APIGW.0303 is a refusal as the catalogue files it (permissions), not the credentials', async () => {
    // No seed documents APIGW.0303; classes.json files it under permissions (refused after the
    // signature check; bad keys and tokens are APIGW.0301 and APIGW.0307).
    const tokens = iam();
    nock(OMS)
      .post(`/v2/${PROJECT}/tasks/${TASK}/stop`)
      .reply(403, { error_code: 'APIGW.0303', error_msg: 'Incorrect app authentication information.' });
    const error = await failure(provider(tokenAuth).pause('task', TASK));
    expect(error).toMatchObject({ code: ErrorCode.ProviderRequest, errorCode: 'APIGW.0303' });
    expect(tokens.requests()).toBe(1);
  });
});

describe('a state that maps to several task-group statuses', () => {
  /** `n` groups of one status, as OMS would page them (offset/limit, count = n). */
  function groupsOfStatus(status: number, n: number): void {
    const template = SEED_LIST_GROUPS.taskgroups[0]!;
    const all = Array.from({ length: n }, (_, i) => ({ ...template, group_id: `s${status}-${i}`, status }));
    nock(OMS)
      .get(`/v2/${PROJECT}/taskgroups`)
      .query((q) => q.status === String(status))
      .times(10)
      .reply((uri) => {
        const q = new URL(uri, OMS).searchParams;
        const offset = Number(q.get('offset'));
        const limit = Number(q.get('limit'));
        expect(limit).toBeLessThanOrEqual(100);
        return [200, { count: n, taskgroups: all.slice(offset, offset + limit) }];
      });
  }

  it('failed (4 and 5) with more than 100 of each: every one is returned', async () => {
    groupsOfStatus(4, 130);
    groupsOfStatus(5, 150);
    const page = await provider(aksk).list({ kind: 'task-group', states: ['failed'], limit: 300, offset: 0 });
    expect(page.total).toBe(280);
    expect(page.resources).toHaveLength(280);
    expect(new Set(page.resources.map((r) => r.id)).size).toBe(280);
    expect(page.resources.every((r) => r.state === 'failed')).toBe(true);
  });

  it('a later page of the merged list reaches past the first 100 of a status', async () => {
    groupsOfStatus(1, 120);
    groupsOfStatus(2, 30);
    const page = await provider(aksk).list({
      kind: 'task-group',
      states: ['running'],
      limit: 20,
      offset: 100,
    });
    expect(page.resources.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `s1-${100 + i}`));
    expect(page.total).toBe(150);
  });
});

describe('Content-Type on every request (seed 002 §3), signed like any other header', () => {
  it('GET and DELETE without a body send application/json, and the signature covers it', async () => {
    const seen: { method: string; path: string; headers: Record<string, string> }[] = [];
    const record = (method: string) =>
      function (this: { req: { headers: Record<string, string>; path: string } }, uri: string) {
        seen.push({ method, path: uri, headers: { ...this.req.headers } });
        return [200, method === 'GET' ? { id: Number(TASK), name: 'photos', status: 2 } : ''] as const;
      };
    nock(OMS)
      .get(`/v2/${PROJECT}/tasks/${TASK}`)
      .matchHeader('content-type', 'application/json')
      .reply(record('GET'));
    nock(OMS)
      .delete(`/v2/${PROJECT}/tasks/${TASK}`)
      .matchHeader('content-type', 'application/json')
      .reply(record('DELETE'));
    const hw = provider(aksk);
    await hw.get('task', TASK);
    await hw.delete('task', TASK);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'DELETE']);
    for (const request of seen) {
      const authorization = request.headers.authorization!;
      const parsed = parseHuaweiAuthorization(authorization);
      expect(parsed?.signedHeaders).toContain('content-type');
      const signed = Object.fromEntries(
        parsed!.signedHeaders.map((name) => [name, request.headers[name] ?? '']),
      );
      const expected = signHuaweiRequest(
        { method: request.method, path: request.path, canonicalQuery: '', headers: signed, body: '' },
        aksk.type === 'aksk' ? aksk.accessKey : '',
        aksk.type === 'aksk' ? aksk.secretKey : '',
      );
      expect(authorization).toBe(expected);
    }
  });
});
