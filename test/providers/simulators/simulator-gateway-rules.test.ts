import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READINGS as OMS_READINGS, OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { READINGS as NCP_READINGS, NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { expectedSignature } from '../../../dev/simulators/ncp/signature-v2.js';
import { omsPasswordToken, useSimulator } from '../simulator-rig.js';

/*
 * Issue #37, items 12-14 and 16: the simulators on their own, over loopback HTTP, against seed 002
 * and providers.md. No client code signs or reads anything here.
 */

const PROJECT = '0215ef11e49d4743be23dd97a156cccc';
const OTHER_PROJECT = '0215ef11e49d4743be23dd97a156dddd';
const AK = 'HWRULESACCESSKEY0001';
const SK = 'hw-rules-secret-key-0000000000000000001';
const USER = { name: 'ops', password: 'ops-password-123', domain: 'acme' };

const oms = new OmsSimulator({ projectId: PROJECT, keys: { [AK]: SK }, users: [USER] });

useSimulator(oms, {
  freeze: 'once',
  reset: () => {
    oms.setShapes({ otherReadings: false });
    oms.reset();
  },
});

const token = (projectId: string) => omsPasswordToken(oms.url, projectId, USER);

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${oms.url}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Signs by hand (providers.md §3.1) over exactly the headers named, so a test can leave one out. */
function signedHeaders(method: string, path: string, signed: Record<string, string>, sdkDate: string) {
  const names = Object.keys(signed).sort();
  const canonical = [
    method,
    `${path}/`,
    '',
    names.map((n) => `${n}:${signed[n]}\n`).join(''),
    names.join(';'),
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${sdkDate}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', SK).update(stringToSign).digest('hex');
  return `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

function sdkDate(): string {
  return new Date(oms.clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

describe('OMS gateway: AK/SK', () => {
  it('answers 401 APIGW.0301 in the gateway’s error shape, not a crash, when X-Sdk-Date is sent but not signed (providers.md §3.1: "X-Sdk-Date is mandatory")', async () => {
    const host = new URL(oms.url).host;
    const path = `/v2/${PROJECT}/tasks`;
    const date = sdkDate();
    const authorization = signedHeaders('GET', path, { 'content-type': 'application/json', host }, date);
    const res = await call('GET', path, {
      'content-type': 'application/json',
      'x-sdk-date': date,
      authorization,
    });
    expect(res.status).toBe(401);
    // providers.md §3.5: {"error_msg": "...", "error_code": "APIGW.0301", "request_id": "..."}
    expect(Object.keys(res.body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
    expect(res.body.error_code).toBe('APIGW.0301');
    expect(res.body.error_msg).toMatch(/^Incorrect IAM authentication information: x-sdk-date not signed$/);
    expect(res.body.request_id).toMatch(/^[0-9a-f]{32}$/);

    // The same request with the date signed goes through.
    const signed = signedHeaders(
      'GET',
      path,
      { 'content-type': 'application/json', host, 'x-sdk-date': date },
      date,
    );
    const ok = await call('GET', path, {
      'content-type': 'application/json',
      'x-sdk-date': date,
      authorization: signed,
    });
    expect(ok.status).toBe(200);
  });
});

describe('OMS gateway: IAM tokens', () => {
  it('refuses a token scoped to another project on this project’s URIs with 403 OMS.2001 (Tables 5-66 and 5-179: "the project ID in the token matches the project ID in the request URI")', async () => {
    const foreign = await token(OTHER_PROJECT);
    for (const [method, path, body] of [
      ['GET', `/v2/${PROJECT}/tasks`, undefined],
      ['POST', `/v2/${PROJECT}/objectstorage/buckets/objects`, '{}'],
    ] as const) {
      const res = await call(
        method,
        path,
        { 'content-type': 'application/json', 'x-auth-token': foreign },
        body,
      );
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body).toMatchObject({ error_code: 'OMS.2001', error_msg: 'project verify fail.' });
    }
    const own = await token(PROJECT);
    const ok = await call('GET', `/v2/${PROJECT}/tasks`, {
      'content-type': 'application/json',
      'x-auth-token': own,
    });
    expect(ok.status).toBe(200);
    // The version calls have no project in their URI: any valid token reads them.
    expect((await call('GET', '/', { 'x-auth-token': foreign })).status).toBe(200);
  });

  it.each([
    [false, 'APIGW.0307', 'The token must be updated.'],
    [true, 'OMS.9999', 'no auth'],
  ])('an expired token, otherReadings %s: 401 %s (inferred: %s)', async (other, code, message) => {
    expect(OMS_READINGS.tokenExpiry.usual).toContain('APIGW.0307');
    oms.setShapes({ otherReadings: other });
    const t = await token(PROJECT);
    oms.auth.expireAllTokens();
    const res = await call('GET', `/v2/${PROJECT}/tasks`, { 'x-auth-token': t });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: code, error_msg: message });
  });
});

describe('OMS tasks: pause (StopTask, §5.2.4)', () => {
  it('refuses to pause a waiting task with 400 OMS.0066 (seed 002 §2: "Stop a migration task that is in the Migrating state"; OMS.0066 "The task is not in progress")', async () => {
    const own = await token(PROJECT);
    const headers = { 'content-type': 'application/json', 'x-auth-token': own };
    const waiting = oms.addTask({ name: 'waiting', status: 1 });
    const res = await call('POST', `/v2/${PROJECT}/tasks/${waiting.id}/stop`, headers);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('OMS.0066');
    expect(oms.task(waiting.id)?.status).toBe(1);
    const migrating = oms.addTask({ name: 'migrating', status: 2 });
    expect((await call('POST', `/v2/${PROJECT}/tasks/${migrating.id}/stop`, headers)).status).toBe(200);
  });

  it.each([
    [false, 400],
    [true, 200],
  ])(
    'a retrying task (6), otherReadings %s: %s (inferred: Table 5-15 lists 6 apart from migrating)',
    async (other, status) => {
      oms.setShapes({ otherReadings: other });
      const own = await token(PROJECT);
      const retrying = oms.addTask({ name: 'retrying', status: 6 });
      const res = await call('POST', `/v2/${PROJECT}/tasks/${retrying.id}/stop`, {
        'content-type': 'application/json',
        'x-auth-token': own,
      });
      expect(res.status).toBe(status);
    },
  );
});

describe('OMS sync-task statistics: the unit of start_time and end_time (Table 5-95 gives none)', () => {
  it.each([
    [false, 'milliseconds'],
    [true, 'seconds'],
  ])('otherReadings %s reads them as %s', async (other) => {
    oms.setShapes({ otherReadings: other });
    const own = await token(PROJECT);
    const headers = { 'content-type': 'application/json', 'x-auth-token': own };
    const task = oms.addSyncTask();
    const start = oms.clock.now();
    await call(
      'POST',
      `/v2/${PROJECT}/sync-tasks/${task.id}/events`,
      headers,
      JSON.stringify({ object_keys: ['a'] }),
    );
    oms.clock.advance(60_000);
    const ms = { start: String(start - 1), end: String(oms.clock.now()) };
    const seconds = {
      start: String(Math.floor(start / 1000) - 1),
      end: String(Math.ceil(oms.clock.now() / 1000)),
    };
    const query = (t: { start: string; end: string }) =>
      `/v2/${PROJECT}/sync-tasks/${task.id}/statistics?data_type=REQUEST&start_time=${t.start}&end_time=${t.end}`;
    const inMs = await call('GET', query(ms), headers);
    const inSeconds = await call('GET', query(seconds), headers);
    const points = (r: { body: Record<string, unknown> }) =>
      (r.body.statistic_datas as { data: { statistic_num: number }[] }[])[0]?.data.length;
    if (!other) {
      expect(inMs.status).toBe(200);
      expect(points(inMs)).toBe(1);
      // Seconds read as milliseconds: a 1970 window, with nothing in it.
      expect(points(inSeconds)).toBe(0);
    } else {
      expect(inMs).toMatchObject({ status: 400, body: { error_code: 'OMS.0001' } });
      expect(inSeconds.status).toBe(200);
      expect(points(inSeconds)).toBe(1);
    }
  });
});

describe('NCP policies: createTime and updateTime (providers.md §1.4: ISO 8601 now, "Date" in older docs)', () => {
  const ncp = new NcpSimulator({ keys: { NCPRULESKEY: 'ncp-rules-secret' } });
  beforeAll(async () => {
    ncp.clock.freeze(Date.UTC(2025, 6, 15, 0, 32, 36, 480));
    await ncp.start();
  });
  afterAll(() => ncp.stop());

  it.each([
    [false, '2025-07-15T00:32:36.480+00:00'],
    [true, Date.UTC(2025, 6, 15, 0, 32, 36, 480)],
  ])('otherReadings %s prints them as %s', async (other, printed) => {
    expect(NCP_READINGS.policyTimes.other).toContain('epoch milliseconds');
    ncp.setShapes({ otherReadings: other });
    ncp.policies.clear();
    ncp.addPolicy({ title: 'times' });
    const uri = '/migration-api/v1/policy/times';
    const timestamp = String(ncp.clock.now());
    const res = await fetch(`${ncp.url}${uri}`, {
      headers: {
        'x-ncp-apigw-timestamp': timestamp,
        'x-ncp-iam-access-key': 'NCPRULESKEY',
        'x-ncp-apigw-signature-v2': expectedSignature(
          { method: 'GET', uri, timestamp, accessKey: 'NCPRULESKEY' },
          'ncp-rules-secret',
        ),
        'x-ncp-region_code': 'KR',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ title: 'times', createTime: printed, updateTime: printed });
  });
});
