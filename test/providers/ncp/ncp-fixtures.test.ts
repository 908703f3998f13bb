import { describe, expect, it } from 'vitest';
import { ErrorCode, ProviderError } from '../../../src/errors.js';
import { NcpObjectMigrationClient } from '../../../src/providers/ncp/client.js';
import { NcpProvider } from '../../../src/providers/ncp/index.js';
import { signNcpRequest } from '../../../src/providers/ncp/signer.js';
import { SEED_POLICY } from '../../fixtures/ncp-seed-policy.js';
import { NCP_API, ncpSeedConnection } from '../../fixtures/seed-connections.js';
import { overNock } from '../nock-rig.js';

// The real base URL (providers.md §1.1); nock intercepts it, nothing leaves the machine.
const ENDPOINT = NCP_API;
// The keys and timestamp of the §1.7 test vectors, so the pause signature is vector 2 exactly.
const KEYS = { accessKey: 'TESTACCESSKEY', secretKey: 'TESTSECRETKEY' };
const TIMESTAMP = 1700000000000;
const connection = ncpSeedConnection({ auth: { type: 'aksk', ...KEYS } });
const { nock, deps } = overNock();
const provider = new NcpProvider(connection, deps, () => TIMESTAMP);

describe('NCP Object Migration against the seed 000 example', () => {
  it('sends the pause call of seed 000 with the four gateway headers and the vector 2 signature', async () => {
    nock(ENDPOINT)
      .post('/migration-api/v1/policy/migrationpolicy/pause')
      .matchHeader('x-ncp-apigw-timestamp', '1700000000000')
      .matchHeader('x-ncp-iam-access-key', 'TESTACCESSKEY')
      .matchHeader('x-ncp-apigw-signature-v2', 'nb119jJTVXubAT+rQEckVPzJI8Ty4fKJMCjIer+iqcg=')
      .matchHeader('x-ncp-region_code', 'KR')
      .reply(200, SEED_POLICY);
    const client = new NcpObjectMigrationClient(connection, deps, () => TIMESTAMP);
    const paused = await client.pausePolicy('migrationpolicy');
    expect(paused).toMatchObject({ title: 'migrationpolicy', jobState: 'PAUSED', estimatedSize: 5402293 });
  });

  it('maps the seed policy object returned by GetMigrationJob', async () => {
    nock(ENDPOINT)
      .get('/migration-api/v1/policy/migrationpolicy')
      .matchHeader('x-ncp-apigw-signature-v2', /^[A-Za-z0-9+/]{43}=$/)
      .reply(200, SEED_POLICY);
    const resource = await provider.get('policy', 'migrationpolicy');
    expect(resource).toMatchObject({
      id: 'migrationpolicy',
      state: 'paused',
      rawStatus: 'PAUSED',
      progress: 0,
      bytes: { done: 0, skipped: 0, total: 5402293 },
      objects: { done: 0, skipped: 0, total: 10 },
      source: { cloud: 'AWS', region: 'ap-southeast-2', bucket: 'migration135' },
      destination: { cloud: 'NCP', region: 'KR', bucket: 'migrationbucket', prefix: 'data/' },
      createdAt: new Date('2025-07-15T00:32:36.480Z'),
    });
    expect(provider.actionsFor(resource)).toEqual(['resume', 'delete']);
  });

  it('lists policies and signs the query string exactly as sent', async () => {
    // The HTTP layer sorts query keys; the signature must cover that wire form.
    const uri = '/migration-api/v1/policies?limit=2&order=createTime&page=0&sortBy=desc';
    const expected = signNcpRequest(
      { method: 'GET', uri, timestamp: String(TIMESTAMP), accessKey: KEYS.accessKey },
      KEYS.secretKey,
    );
    nock(ENDPOINT)
      .get('/migration-api/v1/policies')
      .query({ limit: '2', order: 'createTime', page: '0', sortBy: 'desc' })
      .matchHeader('x-ncp-apigw-signature-v2', expected)
      .reply(200, { objStrContracted: true, num: 1, jobList: [{ ...SEED_POLICY, jobState: 'STARTED' }] });
    const page = await provider.list({ kind: 'policy', limit: 2, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.resources.map((r) => [r.id, r.state])).toEqual([['migrationpolicy', 'running']]);
  });

  it('turns the gateway error body into a typed error', async () => {
    nock(ENDPOINT)
      .post('/migration-api/v1/policy/migrationpolicy/start')
      .reply(401, {
        error: {
          errorCode: '200',
          message: 'Authentication Failed',
          details: 'Invalid authentication information.',
        },
      });
    const error = await provider.resume('policy', 'migrationpolicy').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: ErrorCode.ProviderAuth,
      httpStatus: 401,
      errorCode: '200',
      errorMessage: 'Authentication Failed: Invalid authentication information.',
    });
  });

  it('keeps only the status of an error body that is not JSON, never its text (it may be a proxy page)', async () => {
    nock(ENDPOINT).delete('/migration-api/v1/policy/migrationpolicy').reply(400, 'policy is locked');
    const error = await provider.delete('policy', 'migrationpolicy').catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, errorCode: undefined, errorMessage: undefined });
  });

  it('accepts an Update answered with an empty body [I]', async () => {
    nock(ENDPOINT).put('/migration-api/v1/policy/migrationpolicy').reply(200, '');
    const client = new NcpObjectMigrationClient(connection, deps, () => TIMESTAMP);
    const updated = await client.updatePolicy('migrationpolicy', {
      title: 'migrationpolicy',
      source: {
        sourceCspType: 'AWS',
        regionName: 'ap-southeast-2',
        bucketName: 'migration135',
        accessKey: 'AK',
        secretKey: 'SK',
      },
      target: { bucketName: 'migrationbucket', prefix: 'data/' },
    });
    expect(updated).toBeUndefined();
  });
});
