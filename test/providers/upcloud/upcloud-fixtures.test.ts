import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { parseUpCloudError, UpCloudJobsClient } from '../../../src/providers/upcloud/client.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import { UPCLOUD_API, UPCLOUD_SERVICE, upcloudSeedConnection } from '../../fixtures/seed-connections.js';
import { upcloudSeedCreateBody } from '../../fixtures/upcloud-seed-create.js';
import { failure as rejection } from '../../helpers/provider-failure.js';
import { overNock } from '../nock-rig.js';

// Values from seed 001's examples: the service and job UUIDs of its curl lines, and its create body.
const ENDPOINT = UPCLOUD_API;
const SERVICE = UPCLOUD_SERVICE;
const JOB = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const JOBS_PATH = `/1.3/object-storage-2/${SERVICE}/jobs`;
const SEED_CREATE_BODY = upcloudSeedCreateBody();

/**
 * [I] The seed prints no response. This is the job the seed's create example would produce, in the
 * shape object-storage-2 uses elsewhere (§2.3), plus a field no version of the client knows.
 */
function jobFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: JOB,
    name: 'aws-migration',
    type: 'data-migration',
    status: 'running',
    source: { endpoint: 's3.amazonaws.com', region: 'us-east-1', bucket: 'my-aws-bucket' },
    target: { bucket: 'my-upcloud-bucket' },
    created_at: '2024-02-29T11:25:41.448083Z',
    updated_at: '2024-02-29T11:30:41.448083Z',
    started_at: '2024-02-29T11:25:45.000000Z',
    completed_at: null,
    total_objects: 200,
    migrated_objects: 50,
    labels: [{ key: 'team', value: 'storage' }],
    ...overrides,
  };
}

const connection = upcloudSeedConnection({
  region: 'europe-1',
  storage: {
    source: {
      name: 'aws',
      accessKey: 'AKIAIOSFODNN7EXAMPLE',
      secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
  },
});
const { nock, deps } = overNock();
const provider = new UpCloudProvider(connection, deps);
const BASIC = `Basic ${Buffer.from('your_username:your_password').toString('base64')}`;

describe('UpCloud jobs against the seed examples', () => {
  it('lists jobs with the seed’s `-u username:password`, tolerating an unknown field', async () => {
    // The seed's list answer, whole whatever the parameters: the second read, at the offset after
    // the first answer, brings the same jobs back, which confirms the end of the list.
    nock(ENDPOINT)
      .get(JOBS_PATH)
      .query((q) => q.limit === '100' && (q.offset === '0' || q.offset === '2'))
      .times(2)
      .matchHeader('authorization', BASIC)
      .matchHeader('accept', 'application/json')
      .reply(200, [
        jobFixture(),
        jobFixture({ uuid: 'b1b2c3d4-e5f6-7890-abcd-ef1234567890', status: 'pending' }),
      ]);
    const page = await provider.list({ kind: 'job', states: ['running'], limit: 10, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.resources[0]).toMatchObject({
      provider: 'upcloud',
      kind: 'job',
      id: JOB,
      name: 'aws-migration',
      state: 'running',
      rawStatus: 'running',
      progress: 0.25,
      objects: { done: 50, total: 200 },
      source: { cloud: 's3.amazonaws.com', region: 'us-east-1', bucket: 'my-aws-bucket' },
      destination: { cloud: 'UpCloud', region: 'europe-1', bucket: 'my-upcloud-bucket' },
    });
  });

  it('gets a job with a Bearer token when the connection has one', async () => {
    nock(ENDPOINT)
      .get(`${JOBS_PATH}/${JOB}`)
      .matchHeader('authorization', 'Bearer ucat_01HEXAMPLETOKEN')
      .reply(200, jobFixture({ status: 'completed', completed_at: '2024-02-29T11:35:45.000000Z' }));
    const bearer = new UpCloudProvider(
      { ...connection, auth: { type: 'bearer', token: 'ucat_01HEXAMPLETOKEN' } },
      deps,
    );
    const job = await bearer.get('job', JOB);
    expect(job).toMatchObject({ state: 'succeeded', progress: 1, elapsedSeconds: 600 });
  });

  it('sends exactly the seed’s create body, secret from storage.source', async () => {
    nock(ENDPOINT)
      .post(JOBS_PATH, SEED_CREATE_BODY)
      .matchHeader('content-type', 'application/json')
      .reply(201, jobFixture({ status: 'pending', total_objects: undefined, migrated_objects: undefined }));
    const created = await provider.create('job', {
      name: 'aws-migration',
      sourceEndpoint: 's3.amazonaws.com',
      sourceRegion: 'us-east-1',
      sourceBucket: 'my-aws-bucket',
      targetBucket: 'my-upcloud-bucket',
    });
    expect(created).toEqual({ id: JOB, name: 'aws-migration' });
  });

  it('drops a secret key the API might echo in the job’s source', async () => {
    nock(ENDPOINT)
      .get(`${JOBS_PATH}/${JOB}`)
      .reply(200, jobFixture({ source: { ...SEED_CREATE_BODY.source } }));
    const client = new UpCloudJobsClient(connection, deps);
    const job = await client.getJob(JOB);
    expect(job.source).toMatchObject({ bucket: 'my-aws-bucket', access_key_id: 'AKIAIOSFODNN7EXAMPLE' });
    expect(JSON.stringify(job)).not.toContain(SEED_CREATE_BODY.source.secret_access_key);
  });

  it('cancels with DELETE, accepting 204 or 200 with the job', async () => {
    nock(ENDPOINT).delete(`${JOBS_PATH}/${JOB}`).matchHeader('authorization', BASIC).reply(204);
    await expect(provider.cancel('job', JOB)).resolves.toBeUndefined();
    nock(ENDPOINT)
      .delete(`${JOBS_PATH}/${JOB}`)
      .reply(200, jobFixture({ status: 'cancelled' }));
    const client = new UpCloudJobsClient(connection, deps);
    await expect(client.cancelJob(JOB)).resolves.toMatchObject({ uuid: JOB, status: 'cancelled' });
  });

  it('reads a problem+json error: code from the type fragment, correlation id as request id', async () => {
    nock(ENDPOINT).get(`${JOBS_PATH}/${JOB}`).reply(
      404,
      {
        type: 'https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND',
        title: 'Service not found.',
        correlation_id: '01HF6V085AGBB0ZBJE5YAC42DT',
        status: 404,
      },
      { 'content-type': 'application/problem+json' },
    );
    const error = await rejection(provider.get('job', JOB));
    expect(error).toMatchObject({
      code: ErrorCode.ProviderRequest,
      httpStatus: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
      errorMessage: 'Service not found.',
      requestId: '01HF6V085AGBB0ZBJE5YAC42DT',
    });
  });

  it('appends invalid_params to the problem title', async () => {
    nock(ENDPOINT)
      .post(JOBS_PATH)
      .reply(
        400,
        {
          type: 'https://developers.upcloud.com/1.3/errors#ERROR_INVALID_REQUEST',
          title: 'Validation error.',
          correlation_id: '01FY8RP81GDE07BAVYY7V4DKRY',
          status: 400,
          invalid_params: [{ name: 'source.region', reason: 'Region is not supported.' }],
        },
        { 'content-type': 'application/problem+json; charset=utf-8' },
      );
    const error = await rejection(
      provider.create('job', {
        name: 'aws-migration',
        sourceEndpoint: 's3.amazonaws.com',
        sourceRegion: 'mars-1',
        sourceBucket: 'my-aws-bucket',
        targetBucket: 'my-upcloud-bucket',
      }),
    );
    expect(error.errorCode).toBe('INVALID_REQUEST');
    expect(error.errorMessage).toBe('Validation error. (source.region: Region is not supported.)');
    expect(error.message).not.toContain(SEED_CREATE_BODY.source.secret_access_key);
  });

  it('reads the legacy {"error":{…}} body when the Content-Type is not problem+json', async () => {
    nock(ENDPOINT)
      .delete(`${JOBS_PATH}/${JOB}`)
      .reply(
        409,
        { error: { error_code: 'JOB_STATE_ILLEGAL', error_message: 'The job is already completed.' } },
        { 'content-type': 'application/json; charset=UTF-8' },
      );
    const error = await rejection(provider.cancel('job', JOB));
    expect(error).toMatchObject({
      httpStatus: 409,
      errorCode: 'JOB_STATE_ILLEGAL',
      errorMessage: 'The job is already completed.',
      requestId: undefined,
    });
  });

  it('keeps only the status of a body that is not JSON (a proxy page), never its text', async () => {
    nock(ENDPOINT)
      .post(JOBS_PATH)
      .reply(403, '<html><body>403 Forbidden by proxy</body></html>', { 'content-type': 'text/html' });
    const error = await rejection(
      provider.create('job', {
        name: 'aws-migration',
        sourceEndpoint: 's3.amazonaws.com',
        sourceRegion: 'us-east-1',
        sourceBucket: 'my-aws-bucket',
        targetBucket: 'my-upcloud-bucket',
      }),
    );
    expect(error).toMatchObject({
      code: ErrorCode.ProviderAuth,
      httpStatus: 403,
      errorCode: undefined,
      // A proxy's page is never kept: only a JSON body carries the provider's own words.
      errorMessage: undefined,
    });
  });

  it('stops paging when a server ignores offset and repeats the same page', async () => {
    const fullPage = Array.from({ length: 100 }, (_, i) =>
      jobFixture({ uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, status: 'pending' }),
    );
    nock(ENDPOINT).get(JOBS_PATH).query({ limit: '100', offset: '0' }).reply(200, fullPage);
    nock(ENDPOINT).get(JOBS_PATH).query({ limit: '100', offset: '100' }).reply(200, fullPage);
    // A state filter makes the provider read every page itself. The read stopped before the end of
    // the list (what follows the repeated page cannot be reached), so no total is claimed (#37).
    const page = await provider.list({ kind: 'job', states: ['queued'], limit: 5, offset: 0 });
    expect(page.total).toBeUndefined();
    expect(page.resources).toHaveLength(5);
  });

  it('accepts a jobs wrapper and an empty list', async () => {
    nock(ENDPOINT)
      .get(JOBS_PATH)
      .query(true)
      .times(2)
      .reply(200, { jobs: [jobFixture()] });
    nock(ENDPOINT).get(JOBS_PATH).query(true).reply(200, []);
    expect((await provider.list({ kind: 'job', limit: 10, offset: 0 })).total).toBe(1);
    expect((await provider.list({ kind: 'job', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('reports a job without a uuid as a bad response, not as an empty one', async () => {
    nock(ENDPOINT).get(`${JOBS_PATH}/${JOB}`).reply(200, { name: 'no id', status: 'running' });
    const error = await rejection(provider.get('job', JOB));
    expect(error.code).toBe(ErrorCode.ProviderResponse);
    expect(error.errorMessage).toContain('uuid');
  });
});

describe('parseUpCloudError picks the format by Content-Type', () => {
  // Both shapes in one body: only the Content-Type tells which one the server meant.
  const both = JSON.stringify({
    type: 'https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND',
    title: 'Job not found.',
    error: { error_code: 'JOB_NOT_FOUND', error_message: 'The job does not exist.' },
  });

  it('reads problem+json as RFC 7807 first', () => {
    expect(
      parseUpCloudError({ status: 404, headers: { 'content-type': 'application/problem+json' }, text: both }),
    ).toEqual({ errorCode: 'RESOURCE_NOT_FOUND', errorMessage: 'Job not found.', requestId: undefined });
  });

  it('reads anything else as the legacy format first', () => {
    expect(
      parseUpCloudError({ status: 404, headers: { 'content-type': 'application/json' }, text: both }),
    ).toEqual({
      errorCode: 'JOB_NOT_FOUND',
      errorMessage: 'The job does not exist.',
    });
  });

  it('keeps a problem type without a fragment, and raw text for broken JSON', () => {
    expect(
      parseUpCloudError({
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        text: '{"type":"about:blank","title":"Bad Request"}',
      }),
    ).toEqual({ errorCode: undefined, errorMessage: 'Bad Request', requestId: undefined });
    expect(
      parseUpCloudError({
        status: 502,
        headers: { 'content-type': 'application/problem+json' },
        text: '{"type":',
      }),
    ).toEqual({ errorMessage: '{"type":' });
    expect(parseUpCloudError({ status: 502, headers: {}, text: '' })).toEqual({ errorMessage: undefined });
  });
});
