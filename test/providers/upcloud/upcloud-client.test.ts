import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../../dev/simulators/kit.js';
import { GiB, UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ConfigError, ErrorCode, InvalidInputError } from '../../../src/errors.js';
import { createProvider } from '../../../src/providers/registry.js';
import { apiBaseUrl, parseUpCloudError, UpCloudJobsClient } from '../../../src/providers/upcloud/client.js';
import { UpCloudProvider } from '../../../src/providers/upcloud/index.js';
import type { CreateJobBody } from '../../../src/providers/upcloud/schemas.js';
import { upcloudSeedCreateBody } from '../../fixtures/upcloud-seed-create.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { failure as rejection } from '../../helpers/provider-failure.js';
import { useSimulator } from '../simulator-rig.js';

const SERVICE = '0ab2f83f-03f3-4c48-9a38-0a3e89c6d024';
const OTHER_SERVICE = '1c7f5e0a-8b8e-4f55-9b0e-6b1f0f1d2e3f';
const TOKEN = 'ucat_01SIMULATEDTOKEN0000000000000001';
const USER = { username: 'api-ops', password: 'basic-password-0001' };
const SOURCE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSIMSECRET';
const MISSING_JOB = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';

// Frozen, so progress depends only on `advance` and not on how long a request took.
const clock = new SimClock();
clock.freeze();
const sim = new UpCloudSimulator({
  clock,
  serviceIds: [SERVICE, OTHER_SERVICE],
  tokens: [TOKEN],
  users: [USER],
  timings: { startDelayMs: 1_000, speedBytesPerSecond: GiB },
});
const pools = useSimulator(sim, {
  reset: () => sim.jobs.clear(),
});
const { logger, lines } = captureLogger();

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    name: 'uc',
    provider: 'upcloud',
    endpoint: sim.url,
    region: 'europe-1',
    serviceId: SERVICE,
    auth: { type: 'bearer', token: TOKEN },
    storage: { source: { name: 'aws', accessKey: 'AKIASOURCE0000000001', secretKey: SOURCE_SECRET } },
    ...overrides,
  };
}

const client = () => new UpCloudJobsClient(connection(), { pools, logger });

/** Seed 001's create example, with the secret the logs are searched for. */
function body(overrides: Partial<CreateJobBody> = {}): CreateJobBody {
  const seed = upcloudSeedCreateBody();
  return { ...seed, source: { ...seed.source, secret_access_key: SOURCE_SECRET }, ...overrides };
}

// Issue #37 item 16: every client test runs under each reading of seed 001 the simulator offers.
describe.each<{ reading: string; otherReadings: boolean | string[] }>([
  { reading: 'usual', otherReadings: false },
  { reading: 'other', otherReadings: true },
  { reading: 'own page size', otherReadings: ['pageSize'] },
])('under the $reading reading of what seed 001 leaves open', ({ otherReadings }) => {
  beforeAll(() => sim.setShapes({ otherReadings }));
  afterAll(() => sim.setShapes({ otherReadings: false }));

  describe('UpCloudJobsClient against the simulator', () => {
    it('lists and gets jobs with a Bearer token', async () => {
      const a = sim.addJob({ name: 'photos', status: 'running', progress: 0.25 });
      sim.addJob({ name: 'logs', status: 'failed', failMessage: 'Access Denied' });
      sim.addJob({ name: 'elsewhere', serviceId: OTHER_SERVICE });
      const jobs = (await client().listAllJobs()).jobs;
      expect(jobs.map((j) => j.name).sort()).toEqual(['logs', 'photos']);
      const shown = await client().getJob(a.uuid);
      expect(shown).toMatchObject({
        uuid: a.uuid,
        name: 'photos',
        status: 'running',
        type: 'data-migration',
      });
      expect(shown.migrated_bytes).toBeGreaterThanOrEqual(0.25 * 10 * GiB);
      expect(shown.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    });

    it('authenticates with HTTP Basic too', async () => {
      sim.addJob({ name: 'basic' });
      const basic = new UpCloudJobsClient(connection({ auth: { type: 'basic', ...USER } }), {
        pools,
        logger,
      });
      expect((await basic.listAllJobs()).jobs.map((j) => j.name)).toEqual(['basic']);
    });

    it('rejects a wrong token with the problem+json AUTHENTICATION_FAILED error', async () => {
      const wrong = new UpCloudJobsClient(connection({ auth: { type: 'bearer', token: 'ucat_wrong' } }), {
        pools,
        logger,
      });
      const error = await rejection(wrong.listJobs());
      expect(error.code).toBe(ErrorCode.ProviderAuth);
      expect(error.httpStatus).toBe(401);
      expect(error.errorCode).toBe('AUTHENTICATION_FAILED');
      expect(error.errorMessage).toBe('Authentication failed using the given token.');
      expect(error.requestId).toMatch(/^[0-9A-Z]{26}$/);
    });

    it('rejects a wrong Basic password and a request without credentials', async () => {
      const wrong = new UpCloudJobsClient(
        connection({ auth: { type: 'basic', username: USER.username, password: 'nope' } }),
        { pools, logger },
      );
      const error = await rejection(wrong.getJob(MISSING_JOB));
      expect(error).toMatchObject({ httpStatus: 401, errorCode: 'AUTHENTICATION_FAILED' });
      expect(error.errorMessage).toContain('username and password');

      const bare = await fetch(`${sim.url}/1.3/object-storage-2/${SERVICE}/jobs`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('content-type')).toBe('application/problem+json');
      expect(await bare.json()).toMatchObject({
        type: 'https://developers.upcloud.com/1.3/errors#ERROR_AUTHENTICATION_FAILED',
        status: 401,
      });
    });

    it('answers an unknown service with RESOURCE_NOT_FOUND "Service not found."', async () => {
      const stranger = new UpCloudJobsClient(
        connection({ serviceId: '00000000-0000-4000-8000-000000000000' }),
        { pools, logger },
      );
      const error = await rejection(stranger.listJobs());
      expect(error).toMatchObject({
        code: ErrorCode.ProviderRequest,
        httpStatus: 404,
        errorCode: 'RESOURCE_NOT_FOUND',
        errorMessage: 'Service not found.',
      });
    });

    it('answers an unknown job with 404, and refuses a malformed uuid before sending', async () => {
      const error = await rejection(client().getJob(MISSING_JOB));
      expect(error).toMatchObject({
        httpStatus: 404,
        errorCode: 'RESOURCE_NOT_FOUND',
        errorMessage: 'Job not found.',
      });
      // A job of another service is not reachable through this one.
      const foreign = sim.addJob({ name: 'theirs', serviceId: OTHER_SERVICE });
      expect((await rejection(client().getJob(foreign.uuid))).httpStatus).toBe(404);

      sim.server.resetRequestCount();
      await expect(client().getJob('12/../../secrets')).rejects.toThrow(InvalidInputError);
      await expect(client().cancelJob('not-a-uuid')).rejects.toThrow(/not an UpCloud job UUID/);
      expect(sim.server.requestCount).toBe(0);
    });

    it('creates a job that the API never echoes the secret of', async () => {
      const created = await client().createJob(
        body({ target: { bucket: 'my-upcloud-bucket', prefix: 'aws/' } }),
      );
      expect(created).toMatchObject({
        name: 'aws-migration',
        type: 'data-migration',
        status: 'pending',
        source: { endpoint: 's3.amazonaws.com', region: 'us-east-1', bucket: 'my-aws-bucket' },
        target: { bucket: 'my-upcloud-bucket', prefix: 'aws/' },
      });
      expect(JSON.stringify(created)).not.toContain(SOURCE_SECRET);
      // The service did receive the key it needs.
      expect(sim.jobs.get(created.uuid)?.secretAccessKey).toBe(SOURCE_SECRET);
    });

    it('validates the create body before sending, naming the field', async () => {
      sim.server.resetRequestCount();
      const noBucket = client().createJob(body({ target: { bucket: 'bucket/with/path' } }));
      await expect(noBucket).rejects.toThrow(InvalidInputError);
      await expect(noBucket).rejects.toThrow(/target\.bucket/);
      await expect(
        client().createJob(
          body({ source: { ...body().source, endpoint: 'https://key:secret@s3.example.com' } }),
        ),
      ).rejects.toThrow(/source\.endpoint/);
      await expect(
        client().createJob({ ...body(), type: 'copy' } as unknown as CreateJobBody),
      ).rejects.toThrow(/type/);
      expect(sim.server.requestCount).toBe(0);
    });

    it('rejects an invalid create body on the service side with invalid_params', async () => {
      const response = await fetch(`${sim.url}/1.3/object-storage-2/${SERVICE}/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', type: 'copy', source: { endpoint: 'e' }, target: {} }),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const text = await response.text();
      const parsed = parseUpCloudError({
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        text,
      });
      expect(parsed.errorCode).toBe('INVALID_REQUEST');
      expect(parsed.errorMessage).toMatch(/^Validation error\. \(/);
      expect(parsed.errorMessage).toContain('type: Currently only data-migration is supported.');
      expect(parsed.errorMessage).toContain('source.bucket: This field is required.');
      expect(parsed.errorMessage).toContain('target.bucket: This field is required.');
      expect(parsed.requestId).toMatch(/^[0-9A-Z]{26}$/);
    });

    it('moves a job from pending to running to completed over the sim clock', async () => {
      const job = sim.addJob({ name: 'grow', totalBytes: 2 * GiB, totalObjects: 100 });
      const c = client();
      expect((await c.getJob(job.uuid)).status).toBe('pending');
      sim.clock.advance(1_000);
      const started = await c.getJob(job.uuid);
      expect(started.status).toBe('running');
      expect(started.started_at).toBeTruthy();
      sim.clock.advance(1_000);
      const half = await c.getJob(job.uuid);
      expect(half.migrated_bytes).toBe(GiB);
      expect(half.migrated_objects).toBe(50);
      sim.clock.advance(1_500);
      const done = await c.getJob(job.uuid);
      expect(done.status).toBe('completed');
      expect(done.migrated_bytes).toBe(2 * GiB);
      // Completed when the last byte moved (2 s after start), not when it was looked at.
      expect(Date.parse(done.completed_at!) - Date.parse(done.started_at!)).toBe(2_000);
    });

    it('fails a job armed with a failure, with its error message', async () => {
      const job = sim.addJob({
        name: 'doomed',
        status: 'running',
        failAt: 0.3,
        failMessage: 'Access Denied',
      });
      sim.clock.advance(60_000);
      const provider = new UpCloudProvider(connection(), { pools, logger });
      const resource = await provider.get('job', job.uuid);
      expect(resource).toMatchObject({
        state: 'failed',
        rawStatus: 'failed',
        lastError: { message: 'Access Denied' },
      });
      expect(resource.progress).toBeCloseTo(0.3, 5);
    });

    it('cancels pending and running jobs (200 with the job) and refuses finished ones with 409', async () => {
      const running = sim.addJob({ name: 'run', status: 'running' });
      const c = client();
      const cancelled = await c.cancelJob(running.uuid);
      expect(cancelled).toMatchObject({ uuid: running.uuid, status: 'cancelled' });
      expect((await c.getJob(running.uuid)).status).toBe('cancelled');
      const again = await rejection(c.cancelJob(running.uuid));
      expect(again).toMatchObject({
        httpStatus: 409,
        errorCode: 'CONFLICT',
        code: ErrorCode.ProviderRequest,
      });
      expect(again.errorMessage).toContain('already cancelled');

      const pending = sim.addJob({ name: 'queued' });
      await expect(c.cancelJob(pending.uuid)).resolves.toMatchObject({ status: 'cancelled' });
      for (const status of ['completed', 'failed'] as const) {
        const finished = sim.addJob({ name: status, status });
        expect((await rejection(c.cancelJob(finished.uuid))).httpStatus).toBe(409);
      }
    });

    it('accepts a 204 cancel without a body', async () => {
      const quiet = new UpCloudSimulator({
        serviceIds: [SERVICE],
        tokens: [TOKEN],
        cancelResponse: 'no-content',
      });
      await quiet.start();
      try {
        const job = quiet.addJob({ name: 'q', status: 'running' });
        const c = new UpCloudJobsClient(connection({ endpoint: quiet.url }), { pools, logger });
        await expect(c.cancelJob(job.uuid)).resolves.toBeUndefined();
        expect(quiet.job(job.uuid)?.status).toBe('cancelled');
      } finally {
        await quiet.stop();
      }
    });

    it('keeps working when the endpoint is configured with the /1.3 suffix', async () => {
      sim.addJob({ name: 'versioned' });
      const versioned = new UpCloudJobsClient(connection({ endpoint: `${sim.url}/1.3/` }), { pools, logger });
      expect((await versioned.listAllJobs()).jobs.map((j) => j.name)).toEqual(['versioned']);
      expect(apiBaseUrl(undefined)).toBe('https://api.upcloud.com/1.3');
      expect(() => apiBaseUrl('not a url')).toThrow(ConfigError);
    });

    it('refuses connections without a service id or with another auth type', () => {
      expect(() => new UpCloudJobsClient(connection({ serviceId: undefined }), { pools, logger })).toThrow(
        /serviceId/,
      );
      expect(
        () =>
          new UpCloudJobsClient(connection({ auth: { type: 'aksk', accessKey: 'a', secretKey: 'b' } }), {
            pools,
            logger,
          }),
      ).toThrow(/bearer or basic/);
    });

    it('retries reads on 429 and 5xx (problem bodies parsed), but never a create', async () => {
      sim.addJob({ name: 'x' });
      sim.faults.script({ status: 429, retryAfterSeconds: 0 }, { status: 503 });
      sim.server.resetRequestCount();
      await expect(client().listJobs()).resolves.toHaveLength(1);
      // Two refused, one answered, one more confirming the end (READINGS.pageSize).
      expect(sim.server.requestCount).toBe(4);

      sim.faults.script({ status: 503 });
      sim.server.resetRequestCount();
      const error = await rejection(client().createJob(body()));
      expect(error).toMatchObject({
        code: ErrorCode.ProviderUnavailable,
        httpStatus: 503,
        errorCode: 'SERVICE_UNAVAILABLE',
        errorMessage: 'Service temporarily unavailable.',
      });
      expect(sim.server.requestCount).toBe(1);
      expect(sim.jobs.size).toBe(1);
    });

    it('gives up on a Retry-After longer than the policy allows', async () => {
      sim.faults.script({ status: 429, retryAfterSeconds: 120 });
      sim.server.resetRequestCount();
      const error = await rejection(client().listJobs());
      expect(error).toMatchObject({ httpStatus: 429, errorCode: 'TOO_MANY_REQUESTS', retryable: true });
      expect(sim.server.requestCount).toBe(1);
    });

    it('retries a malformed body on reads', async () => {
      sim.addJob({ name: 'z' });
      sim.faults.script({ malformed: true });
      await expect(client().listJobs()).resolves.toHaveLength(1);
    });

    it('serves the control routes for seeding jobs and moving the clock', async () => {
      const seeded = await fetch(`${sim.url}/__sim/jobs`, {
        method: 'POST',
        body: JSON.stringify({ name: 'seeded', status: 'running', totalBytes: GiB, progress: 0.5 }),
      });
      expect(seeded.status).toBe(201);
      const { uuid } = (await seeded.json()) as { uuid: string };
      const advanced = await fetch(`${sim.url}/__sim/clock/advance`, {
        method: 'POST',
        body: JSON.stringify({ ms: 1_000 }),
      });
      expect(advanced.status).toBe(200);
      expect((await client().getJob(uuid)).status).toBe('completed');
      const bad = await fetch(`${sim.url}/__sim/jobs`, {
        method: 'POST',
        body: JSON.stringify({ status: 'x' }),
      });
      expect(bad.status).toBe(400);
    });
  });

  describe('UpCloudProvider against the simulator', () => {
    it('is registered as upcloud', () => {
      expect(createProvider(connection(), { pools, logger })).toBeInstanceOf(UpCloudProvider);
    });

    it('lists with a client-side state filter, offset and limit', async () => {
      sim.addJob({ name: 'p1' });
      sim.addJob({ name: 'r1', status: 'running' });
      sim.addJob({ name: 'r2', status: 'running' });
      sim.addJob({ name: 'c1', status: 'completed' });
      const provider = new UpCloudProvider(connection(), { pools, logger });
      const all = await provider.list({ kind: 'job', limit: 10, offset: 0 });
      expect(all.total).toBe(4);
      const active = await provider.list({ kind: 'job', states: ['queued', 'running'], limit: 2, offset: 1 });
      expect(active.total).toBe(3);
      expect(active.resources).toHaveLength(2);
      expect(active.resources.every((r) => r.state === 'queued' || r.state === 'running')).toBe(true);
      const done = await provider.list({ kind: 'job', states: ['succeeded'], limit: 10, offset: 0 });
      expect(done.resources.map((r) => r.name)).toEqual(['c1']);
      expect(done.resources[0]).toMatchObject({
        provider: 'upcloud',
        kind: 'job',
        destination: { region: 'europe-1' },
      });
      await expect(provider.list({ kind: 'task', limit: 1, offset: 0 })).rejects.toThrow(InvalidInputError);
    });

    it('creates from a user request with the keys from storage.source, and cancels', async () => {
      const provider = new UpCloudProvider(connection(), { pools, logger });
      const created = await provider.create('job', {
        name: 'from-slack',
        sourceEndpoint: 'https://s3.eu-central-1.amazonaws.com',
        sourceRegion: 'eu-central-1',
        sourceBucket: 'photos',
        sourcePrefix: '2024/',
        targetBucket: 'archive',
      });
      expect(created.name).toBe('from-slack');
      const stored = sim.jobs.get(created.id)!;
      expect(stored.source).toMatchObject({ access_key_id: 'AKIASOURCE0000000001', prefix: '2024/' });
      expect(stored.secretAccessKey).toBe(SOURCE_SECRET);
      const resource = await provider.get('job', created.id);
      expect(resource.state).toBe('queued');
      expect(provider.actionsFor(resource)).toEqual(['cancel']);
      expect(JSON.stringify(resource)).not.toContain(SOURCE_SECRET);
      await provider.cancel('job', created.id);
      const after = await provider.get('job', created.id);
      expect(after.state).toBe('cancelled');
      expect(provider.actionsFor(after)).toEqual([]);
    });

    it('rejects create requests with a specific message', async () => {
      const provider = new UpCloudProvider(connection(), { pools, logger });
      const valid = {
        name: 'n',
        sourceEndpoint: 's3.amazonaws.com',
        sourceRegion: 'us-east-1',
        sourceBucket: 'b',
        targetBucket: 't',
      };
      await expect(provider.create('job', { ...valid, sourceRegion: undefined })).rejects.toThrow(
        'Invalid UpCloud job: sourceRegion is required',
      );
      await expect(provider.create('job', { ...valid, sourceEndpoint: 'ftp://x' })).rejects.toThrow(
        /sourceEndpoint must be an S3 endpoint/,
      );
      const keyless = new UpCloudProvider(connection({ storage: {} }), { pools, logger });
      await expect(keyless.create('job', valid)).rejects.toThrow(/no source storage credentials/);
      expect(sim.jobs.size).toBe(0);
    });

    it('checks a connection with a cheap authenticated read', async () => {
      await expect(
        new UpCloudProvider(connection(), { pools, logger }).checkConnection(),
      ).resolves.toBeUndefined();
      const wrong = new UpCloudProvider(connection({ auth: { type: 'bearer', token: 'ucat_x' } }), {
        pools,
        logger,
      });
      await expect(wrong.checkConnection()).rejects.toMatchObject({ code: ErrorCode.ProviderAuth });
    });

    it('never logs the token, the Basic password or the source secret', async () => {
      const provider = new UpCloudProvider(connection(), { pools, logger });
      const created = await provider.create('job', {
        name: 'secret-scan',
        sourceEndpoint: 's3.amazonaws.com',
        sourceRegion: 'us-east-1',
        sourceBucket: 'b',
        targetBucket: 't',
      });
      await provider.cancel('job', created.id);
      const basic = new UpCloudProvider(connection({ auth: { type: 'basic', ...USER } }), { pools, logger });
      await basic.get('job', created.id);
      await rejection(
        new UpCloudProvider(connection({ auth: { type: 'basic', username: 'u', password: USER.password } }), {
          pools,
          logger,
        }).get('job', created.id),
      );
      const all = lines.join('\n');
      expect(all).toContain('CreateJob');
      expect(all).toContain('CancelJob');
      const basicToken = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
      for (const secret of [TOKEN, USER.password, basicToken, SOURCE_SECRET]) {
        expect(all).not.toContain(secret);
      }
    });
  });
});
