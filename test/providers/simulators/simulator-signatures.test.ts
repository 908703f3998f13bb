import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAuthorization, verifyAkSk } from '../../../dev/simulators/huawei-oms/aksk-verifier.js';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { expectedSignature } from '../../../dev/simulators/ncp/signature-v2.js';
import { canonicalQueryString } from '../../../src/providers/http/encode.js';
import { formatSdkDate, signHuaweiRequest } from '../../../src/providers/huawei-oms/signer.js';
import { signNcpRequest } from '../../../src/providers/ncp/signer.js';

/*
 * Issue #37, item 11: the simulators verify signatures with code that does not come from the
 * client (the official Huawei SDK signer for OMS, a verifier written from providers.md §1.7 for
 * NCP). To prove it, the client's signers are replaced here by ones that make mistakes the
 * documentation forbids: a simulator that still borrowed them would sign the same way and accept.
 */
vi.mock('../../../src/providers/huawei-oms/signer.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/providers/huawei-oms/signer.js')>();
  return {
    ...actual,
    // providers.md §3.1: the last line of the canonical request is HexEncode(SHA256(RequestPayload)).
    signHuaweiRequest: (...[request, ak, sk]: Parameters<typeof actual.signHuaweiRequest>) =>
      actual.signHuaweiRequest({ ...request, body: undefined }, ak, sk),
  };
});
vi.mock('../../../src/providers/http/encode.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/providers/http/encode.js')>();
  return {
    ...actual,
    // providers.md §3.1: "Sort by parameter name in character-code order". This one does not sort.
    canonicalQueryString: (query: Record<string, string>) =>
      Object.entries(query)
        .map(([k, v]) => `${actual.rfc3986Encode(k)}=${actual.rfc3986Encode(v)}`)
        .join('&'),
  };
});
vi.mock('../../../src/providers/ncp/signer.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/providers/ncp/signer.js')>();
  return {
    ...actual,
    // providers.md §1.7 pitfall: "one public Java migrator signs POST requests with "GET" … That fails."
    signNcpRequest: (...[request, sk]: Parameters<typeof actual.signNcpRequest>) =>
      actual.signNcpRequest({ ...request, method: 'GET' }, sk),
  };
});

const PROJECT = '0215ef11e49d4743be23dd97a156bbbb';
const AK = 'HWSIGACCESSKEY000001';
const SK = 'hw-sig-secret-key-00000000000000000001';
const NCP_AK = 'NCPSIGACCESSKEY00001';
const NCP_SK = 'ncp-sig-secret-key-000000000000000001';

const oms = new OmsSimulator({ projectId: PROJECT, keys: { [AK]: SK } });
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });

beforeAll(async () => {
  await oms.start();
  await ncp.start();
});
afterAll(async () => {
  await oms.stop();
  await ncp.stop();
});

/** An OMS request signed by the client's (here: deliberately wrong) signer and sent as signed. */
async function omsSignedByClient(method: string, path: string, query: Record<string, string>, body = '') {
  const canonicalQuery = canonicalQueryString(query);
  const url = new URL(`${oms.url}${path}${canonicalQuery ? `?${canonicalQuery}` : ''}`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: url.host,
    'x-sdk-date': formatSdkDate(new Date(oms.clock.now())),
  };
  headers.authorization = signHuaweiRequest(
    { method, path, canonicalQuery, headers, body: body || undefined },
    AK,
    SK,
  );
  const { host: _host, ...sent } = headers;
  const res = await fetch(url, { method, headers: sent, ...(body ? { body } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('OMS: AK/SK signatures are checked with the official Huawei SDK signer, not the client’s', () => {
  it('refuses a body the signature does not cover (§3.1: the payload hash is signed)', async () => {
    const task = oms.addTask({ name: 'signed', status: 2 });
    const body = JSON.stringify({
      bandwidth_policy: [{ start: '00:00', end: '06:00', max_bandwidth: 1_048_576 }],
    });
    const res = await omsSignedByClient('PUT', `/v2/${PROJECT}/tasks/${task.id}/bandwidth-policy`, {}, body);
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('APIGW.0301');
    // The gateway's own canonical request ends with the hash of the body it received.
    expect(res.body.error_msg).toMatch(/verify aksk signature fail,canonicalRequest:PUT\|.*\|[0-9a-f]{64}$/);
    expect(res.body.error_msg).not.toContain(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('refuses a query signed in the order it was written (§3.1: sorted by parameter name)', async () => {
    const res = await omsSignedByClient('GET', `/v2/${PROJECT}/tasks`, { offset: '0', limit: '10' });
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('APIGW.0301');
    expect(res.body.error_msg).toContain(`|/v2/${PROJECT}/tasks/|limit=10&offset=0|`);
  });

  it('reproduces the official test vector of the API Request Signing Guide (providers.md §3.1)', async () => {
    const authorization =
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe';
    const query = 'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0';
    const vector = {
      method: 'GET',
      path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
      rawQuery: query,
      query: new URLSearchParams(query),
      headers: {
        'content-type': 'application/json',
        host: 'service.region.example.com',
        'x-sdk-date': '20191115T033655Z',
        authorization,
      },
      rawBody: '',
      params: {},
    };
    const parsed = parseAuthorization(authorization);
    expect(parsed).toBeDefined();
    expect(verifyAkSk(vector, parsed!, 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc')).toEqual({ ok: true });
    expect(verifyAkSk(vector, parsed!, 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHC')).toMatchObject({
      ok: false,
      reason: 'signature mismatch',
    });

    // The same request over HTTP, at the vector's time: the gateway lets it through to routing,
    // where this OMS has no /v1/…/vpcs (404 APIGW.0101, not 401).
    const sim = new OmsSimulator({
      projectId: '77b6a44cba5143ab91d13ab9a8ff44fd',
      keys: { QTWAOYTTINDUT2QVKYUC: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' },
    });
    sim.clock.freeze(Date.UTC(2019, 10, 15, 3, 36, 55));
    await sim.start();
    try {
      const res = await rawRequest(sim.server.port, `${vector.path}?${query}`, vector.headers);
      expect(res).toMatchObject({ status: 404, body: { error_code: 'APIGW.0101' } });
      const tampered = await rawRequest(
        sim.server.port,
        `${vector.path}?limit=3&marker=13551d6b`,
        vector.headers,
      );
      expect(tampered).toMatchObject({ status: 401, body: { error_code: 'APIGW.0301' } });
    } finally {
      await sim.stop();
    }
  });
});

describe('NCP: signatures v2 are checked by a verifier written from providers.md §1.7, not the client’s', () => {
  it('refuses a POST signed as GET (§1.7: "Sign with the method you actually send")', async () => {
    ncp.addPolicy({ title: 'signed-as-get', jobState: 'STARTED' });
    const uri = '/migration-api/v1/policy/signed-as-get/pause';
    const timestamp = String(ncp.clock.now());
    const signature = signNcpRequest({ method: 'POST', uri, timestamp, accessKey: NCP_AK }, NCP_SK);
    const res = await fetch(`${ncp.url}${uri}`, {
      method: 'POST',
      headers: {
        'x-ncp-apigw-timestamp': timestamp,
        'x-ncp-iam-access-key': NCP_AK,
        'x-ncp-apigw-signature-v2': signature,
        'x-ncp-region_code': 'KR',
      },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        errorCode: '200',
        message: 'Authentication Failed',
        details: 'Invalid authentication information.',
      },
    });
    expect(ncp.policy('signed-as-get')?.jobState).toBe('STARTED');
  });

  it('verifies both test vectors of §1.7, computed and over HTTP', async () => {
    const vectors = [
      {
        method: 'GET',
        uri: '/migration-api/v1/policies?order=title&sortBy=asc&limit=3&page=0',
        signature: '43Br4OBS1QNqevVOT5F3aIRIT3+iJ2zt279ztHLeeds=',
        status: 200,
      },
      {
        method: 'POST',
        uri: '/migration-api/v1/policy/migrationpolicy/pause',
        signature: 'nb119jJTVXubAT+rQEckVPzJI8Ty4fKJMCjIer+iqcg=',
        status: 200,
      },
    ];
    const sim = new NcpSimulator({ keys: { TESTACCESSKEY: 'TESTSECRETKEY' } });
    sim.clock.freeze(1_700_000_000_000);
    await sim.start();
    try {
      sim.addPolicy({ title: 'migrationpolicy', jobState: 'STARTED' });
      for (const v of vectors) {
        const received = {
          method: v.method,
          uri: v.uri,
          timestamp: '1700000000000',
          accessKey: 'TESTACCESSKEY',
        };
        expect(expectedSignature(received, 'TESTSECRETKEY')).toBe(v.signature);
        const res = await fetch(`${sim.url}${v.uri}`, {
          method: v.method,
          headers: {
            'x-ncp-apigw-timestamp': '1700000000000',
            'x-ncp-iam-access-key': 'TESTACCESSKEY',
            'x-ncp-apigw-signature-v2': v.signature,
            'x-ncp-region_code': 'KR',
          },
        });
        expect(res.status).toBe(v.status);
      }
    } finally {
      await sim.stop();
    }
  });
});

/** fetch will not send another Host than the URL's; the official vector signs its own. */
function rawRequest(
  port: number,
  pathAndQuery: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}
