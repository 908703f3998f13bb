import { describe, expect, it } from 'vitest';
import { GiB, NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { classifyCode } from '../../../src/catalogue/code-classes.js';
import { explain } from '../../../src/catalogue/explain.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ConfigError, ErrorCode, InvalidInputError } from '../../../src/errors.js';
import { NcpObjectMigrationClient, parseNcpError } from '../../../src/providers/ncp/client.js';
import { NcpProvider } from '../../../src/providers/ncp/index.js';
import type { NcpPolicyBody } from '../../../src/providers/ncp/schemas.js';
import { signNcpRequest } from '../../../src/providers/ncp/signer.js';
import { renderError } from '../../../src/slack/blocks/error-message.js';
import { seedPolicyBody } from '../../fixtures/ncp-seed-policy.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { failure as rejection } from '../../helpers/provider-failure.js';
import { useSimulator } from '../simulator-rig.js';

const AK = 'NCPSIMACCESSKEY00001';
const SK = 'ncp-sim-secret-key-00000000000000000001';
const SOURCE_SECRET = 'aws-source-secret-key-000000000000000001';

const sim = new NcpSimulator({
  keys: { [AK]: SK },
  timings: { listingDelayMs: 2_000, speedBytesPerSecond: GiB },
});
const pools = useSimulator(sim, {
  freeze: 'each',
  reset: () => sim.policies.clear(),
});
const { logger, lines } = captureLogger();

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint: sim.url,
    auth: { type: 'aksk', accessKey: AK, secretKey: SK },
    storage: { source: { name: 'aws', accessKey: 'AKIASOURCE0000000001', secretKey: SOURCE_SECRET } },
    ...overrides,
  };
}

/** Signs with the simulator's clock, so virtual time can run for hours without going stale. */
function client(overrides: Partial<Connection> = {}, now = () => sim.clock.now()): NcpObjectMigrationClient {
  return new NcpObjectMigrationClient(connection(overrides), { pools, logger }, now);
}

function body(title: string, overrides: Partial<NcpPolicyBody['source']> = {}): NcpPolicyBody {
  const keys = { accessKey: 'AKIASOURCE0000000001', secretKey: SOURCE_SECRET };
  return seedPolicyBody(title, { prefix: 'photos/', ...keys, ...overrides }, { prefix: 'data/' });
}

describe('NcpObjectMigrationClient: the seven calls', () => {
  it('creates a policy, taking the target region from x-ncp-region_code', async () => {
    const created = await client({ region: 'KR' }).createPolicy(body('photos-2025'));
    expect(created).toMatchObject({
      title: 'photos-2025',
      jobState: 'INITIALIZED',
      sourceCspType: 'AWS',
      sourceRegionName: 'ap-southeast-2',
      sourceBucketName: 'migration135',
      sourcePrefix: 'photos/',
      sourceEndpoint: 'https://s3.ap-southeast-2.amazonaws.com',
      targetBucketName: 'migrationbucket',
      targetRegionName: 'KR',
      targetEndpoint: 'https://kr.object.ncloudstorage.com',
      targetPrefix: 'data/',
      estimatedDone: false,
    });
    expect(JSON.stringify(created)).not.toContain(SOURCE_SECRET);
    expect(sim.policy('photos-2025')?.target.region).toBe('KR');
  });

  it('sends region KR when the connection names none, and the connection region otherwise', async () => {
    await client({ region: undefined }).createPolicy(body('default-region'));
    await client({ region: 'JPN' }).createPolicy(body('japan'));
    expect(sim.policy('default-region')?.target.region).toBe('KR');
    expect(sim.policy('japan')?.target.region).toBe('JPN');
  });

  it('rejects a duplicate title with the gateway error body [I]', async () => {
    sim.addPolicy({ title: 'taken' });
    const error = await rejection(client().createPolicy(body('taken')));
    expect(error).toMatchObject({ httpStatus: 400, errorCode: '100', code: ErrorCode.ProviderRequest });
    expect(error.errorMessage).toBe('Bad Request Exception: Migration policy "taken" already exists.');
  });

  it('lists with order, sortBy, limit and page', async () => {
    for (const title of ['bravo', 'alpha', 'delta', 'charlie']) sim.addPolicy({ title });
    const c = client();
    const first = await c.listPolicies({ order: 'title', sortBy: 'asc', limit: 3, page: 0 });
    expect(first.objStrContracted).toBe(true);
    expect(first.num).toBe(4);
    expect(first.jobList.map((p) => p.title)).toEqual(['alpha', 'bravo', 'charlie']);
    const second = await c.listPolicies({ order: 'title', sortBy: 'asc', limit: 3, page: 1 });
    expect(second.jobList.map((p) => p.title)).toEqual(['delta']);
    const reversed = await c.listPolicies({ order: 'title', sortBy: 'desc', limit: 2 });
    expect(reversed.jobList.map((p) => p.title)).toEqual(['delta', 'charlie']);
  });

  it('validates list parameters before sending', async () => {
    const c = client();
    sim.server.resetRequestCount();
    await expect(c.listPolicies({ limit: 0 })).rejects.toThrow(/limit must be/);
    await expect(c.listPolicies({ page: -1 })).rejects.toThrow(/page must be/);
    await expect(c.listPolicies({ order: 'size' as never })).rejects.toThrow(/order must be one of/);
    await expect(c.listPolicies({ sortBy: 'up' as never })).rejects.toThrow(/sortBy must be/);
    expect(sim.server.requestCount).toBe(0);
  });

  it('gets a policy, and answers an unknown title with 404 code 300', async () => {
    sim.addPolicy({ title: 'known', jobState: 'PAUSED', progress: 0.25, totalSize: 4 * GiB });
    const c = client();
    const known = await c.getPolicy('known');
    expect(known).toMatchObject({ title: 'known', jobState: 'PAUSED', estimatedDone: true });
    expect(known.migratedSize).toBe(GiB);
    const error = await rejection(c.getPolicy('missing'));
    expect(error).toMatchObject({ httpStatus: 404, errorCode: '300', code: ErrorCode.ProviderRequest });
    expect(error.errorMessage).toMatch(/^Not Found Exception/);
  });

  it('starts a policy from INITIALIZED, PAUSED, ERROR or DONE, and refuses STARTED [I]', async () => {
    for (const jobState of ['INITIALIZED', 'PAUSED', 'ERROR', 'DONE'] as const) {
      sim.addPolicy({ title: `from-${jobState}`, jobState });
      expect((await client().startPolicy(`from-${jobState}`)).jobState).toBe('STARTED');
    }
    sim.addPolicy({ title: 'running', jobState: 'STARTED' });
    const error = await rejection(client().startPolicy('running'));
    expect(error).toMatchObject({ httpStatus: 400, errorCode: '100' });
  });

  it('refuses to start a DONE policy under the other reading (READINGS.startDone) [I]', async () => {
    sim.setShapes({ otherReadings: ['startDone'] });
    try {
      sim.addPolicy({ title: 'done-other', jobState: 'DONE' });
      const error = await rejection(client().startPolicy('done-other'));
      expect(error).toMatchObject({ httpStatus: 400, errorCode: '100' });
      expect(error.errorMessage).toContain('already done');
    } finally {
      sim.setShapes({ otherReadings: false });
    }
  });

  it('pauses only a STARTED policy (seed 000 returns the PAUSED policy)', async () => {
    sim.addPolicy({ title: 'moving', jobState: 'STARTED' });
    const paused = await client().pausePolicy('moving');
    expect(paused.jobState).toBe('PAUSED');
    const again = await rejection(client().pausePolicy('moving'));
    expect(again).toMatchObject({ httpStatus: 400, errorCode: '100' });
    expect(again.errorMessage).toContain('Only a STARTED migration policy can be paused; this one is PAUSED');
  });

  it('updates a policy that is not running, and refuses a running one or a rename [I]', async () => {
    sim.addPolicy({ title: 'editable', jobState: 'PAUSED' });
    const updated = await client().updatePolicy('editable', {
      ...body('editable', { bucketName: 'new-source' }),
      target: { bucketName: 'new-target' },
    });
    expect(updated).toMatchObject({ sourceBucketName: 'new-source', targetBucketName: 'new-target' });
    expect(sim.policy('editable')?.target.prefix).toBe('');

    sim.addPolicy({ title: 'busy', jobState: 'STARTED' });
    const busy = await rejection(client().updatePolicy('busy', body('busy')));
    expect(busy).toMatchObject({ httpStatus: 400, errorCode: '100' });
    await expect(client().updatePolicy('editable', body('other'))).rejects.toThrow(InvalidInputError);
  });

  it('deletes a policy, returning it as DELETED, and refuses to delete a running one [I]', async () => {
    sim.addPolicy({ title: 'old', jobState: 'DONE' });
    const deleted = await client().deletePolicy('old');
    expect(deleted).toMatchObject({ title: 'old', jobState: 'DELETED' });
    expect(sim.policies.has('old')).toBe(false);
    expect((await rejection(client().getPolicy('old'))).httpStatus).toBe(404);

    sim.addPolicy({ title: 'live', jobState: 'STARTED' });
    const error = await rejection(client().deletePolicy('live'));
    expect(error).toMatchObject({ httpStatus: 400, errorCode: '100' });
    expect(sim.policies.has('live')).toBe(true);
  });
});

describe('NcpObjectMigrationClient: input validation', () => {
  // The title rule is checked on what the bot sends; a title NCP returns is used as it is
  // (ncp-titles.test.ts).
  it.each([
    ['a'.repeat(101), /at most 100 bytes/],
    ['가'.repeat(34), /at most 100 bytes/],
    ['has space', /only letters, digits/],
    ['policy/../x', /only letters, digits/],
    ['..', /cannot be "." or ".."/],
    ['', /is required/],
  ])('refuses to create the title %j before sending', async (title, message) => {
    sim.server.resetRequestCount();
    await expect(client().createPolicy(body(title))).rejects.toThrow(message);
    expect(sim.server.requestCount).toBe(0);
  });

  it('accepts a 100-byte title with every allowed special character', async () => {
    const title = `a.b-c_${'x'.repeat(94)}`;
    await expect(client().createPolicy(body(title))).resolves.toMatchObject({ title });
  });

  it('names the invalid body field and never echoes the secret key', async () => {
    const error = await client()
      .createPolicy(body('bad', { sourceCspType: 'GCP' as never, regionName: '' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).toContain('source.sourceCspType');
    expect(message).toContain('source.regionName is required');
    expect(message).not.toContain(SOURCE_SECRET);
  });

  it('takes only aksk credentials', () => {
    expect(() => client({ auth: { type: 'bearer', token: 't' } })).toThrow(ConfigError);
  });
});

describe('NCP API Gateway authentication', () => {
  const AUTH_FAILED = 'Authentication Failed: Invalid authentication information.';

  it('rejects a wrong secret key with 401 code 200', async () => {
    const error = await rejection(
      client({ auth: { type: 'aksk', accessKey: AK, secretKey: 'wrong' } }).listPolicies(),
    );
    expect(error).toMatchObject({ httpStatus: 401, errorCode: '200', code: ErrorCode.ProviderAuth });
    expect(error.errorMessage).toBe(AUTH_FAILED);
  });

  it('explains the bare gateway code in Slack with the catalogue entry NCP.200 (meaning and fix)', async () => {
    const error = await rejection(
      client({ auth: { type: 'aksk', accessKey: AK, secretKey: 'wrong' } }).listPolicies(),
    );
    const { text } = renderError(error, 'op-1');
    expect(text).toContain('`200`');
    expect(text).toContain(`*What it means:* ${explain('NCP.200')?.description}`);
    expect(text).toContain(`*Fix:* ${explain('NCP.200')?.solution}`);
    expect(classifyCode(error.errorCode)).toBe('credentials');
  });

  it('rejects an unknown access key with 401 code 200', async () => {
    const c = client({ auth: { type: 'aksk', accessKey: 'NOSUCHKEY', secretKey: SK } });
    expect(await rejection(c.listPolicies())).toMatchObject({ httpStatus: 401, errorCode: '200' });
  });

  it('rejects a timestamp more than 5 minutes from the gateway clock, and accepts 4 minutes', async () => {
    const behind = client({}, () => sim.clock.now() - 5 * 60 * 1000 - 1_000);
    expect(await rejection(behind.listPolicies())).toMatchObject({ httpStatus: 401, errorCode: '200' });
    const ahead = client({}, () => sim.clock.now() + 6 * 60 * 1000);
    expect(await rejection(ahead.listPolicies())).toMatchObject({ httpStatus: 401, errorCode: '200' });
    await expect(client({}, () => sim.clock.now() - 4 * 60 * 1000).listPolicies()).resolves.toBeDefined();
  });

  it('checks the signature over the URI exactly as sent, query included', async () => {
    // A correctly signed request for one page, sent for another: the gateway must notice.
    const timestamp = String(sim.clock.now());
    const signed = '/migration-api/v1/policies?limit=1&page=0';
    const response = await fetch(`${sim.url}/migration-api/v1/policies?limit=1&page=1`, {
      headers: {
        'x-ncp-apigw-timestamp': timestamp,
        'x-ncp-iam-access-key': AK,
        'x-ncp-apigw-signature-v2': signNcpRequest(
          { method: 'GET', uri: signed, timestamp, accessKey: AK },
          SK,
        ),
        'x-ncp-region_code': 'KR',
      },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        errorCode: '200',
        message: 'Authentication Failed',
        details: 'Invalid authentication information.',
      },
    });
  });

  it('answers a signed request without x-ncp-region_code with 400 code 100', async () => {
    const timestamp = String(sim.clock.now());
    const uri = '/migration-api/v1/policies';
    const headers = {
      'x-ncp-apigw-timestamp': timestamp,
      'x-ncp-iam-access-key': AK,
      'x-ncp-apigw-signature-v2': signNcpRequest({ method: 'GET', uri, timestamp, accessKey: AK }, SK),
    };
    const missing = await fetch(`${sim.url}${uri}`, { headers });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { error: { errorCode: string; message: string } };
    expect(body.error).toMatchObject({ errorCode: '100', message: 'Bad Request Exception' });
    // The same request with the header passes: the region check is what failed.
    const ok = await fetch(`${sim.url}${uri}`, { headers: { ...headers, 'x-ncp-region_code': 'KR' } });
    expect(ok.status).toBe(200);
  });
});

describe('NCP policies over time', () => {
  it('lists the source, then migrates at the configured speed, then is DONE', async () => {
    sim.addPolicy({ title: 'grow', totalSize: 2 * GiB, totalObjects: 1_000 });
    const c = client();
    expect(await c.getPolicy('grow')).toMatchObject({ jobState: 'INITIALIZED', estimatedDone: false });
    sim.clock.advance(60_000);
    // INITIALIZED stays until started.
    expect((await c.getPolicy('grow')).jobState).toBe('INITIALIZED');
    await c.startPolicy('grow');
    sim.clock.advance(1_000);
    const listing = await c.getPolicy('grow');
    expect(listing).toMatchObject({ jobState: 'STARTED', estimatedDone: false, migratedSize: 0 });
    expect(listing.estimatedSize).toBe(GiB);
    sim.clock.advance(1_000);
    expect(await c.getPolicy('grow')).toMatchObject({ estimatedDone: true, estimatedSize: 2 * GiB });
    sim.clock.advance(1_000);
    expect(await c.getPolicy('grow')).toMatchObject({
      jobState: 'STARTED',
      migratedSize: GiB,
      migratedObjectNum: 500,
    });
    sim.clock.advance(1_000);
    expect(await c.getPolicy('grow')).toMatchObject({
      jobState: 'DONE',
      migratedSize: 2 * GiB,
      migratedObjectNum: 1_000,
    });
  });

  it('keeps progress while paused and carries on after start', async () => {
    sim.addPolicy({ title: 'stop-go', jobState: 'STARTED', totalSize: 4 * GiB });
    const c = client();
    sim.clock.advance(1_000);
    await c.pausePolicy('stop-go');
    sim.clock.advance(60 * 60 * 1000);
    expect(await c.getPolicy('stop-go')).toMatchObject({ jobState: 'PAUSED', migratedSize: GiB });
    await c.startPolicy('stop-go');
    sim.clock.advance(1_000);
    expect((await c.getPolicy('stop-go')).migratedSize).toBe(2 * GiB);
  });

  it('turns ERROR at the armed fraction, and a restart finishes the job', async () => {
    sim.addPolicy({ title: 'doomed', jobState: 'STARTED', totalSize: 10 * GiB, failAt: 0.3 });
    const c = client();
    sim.clock.advance(60_000);
    expect(await c.getPolicy('doomed')).toMatchObject({ jobState: 'ERROR', migratedSize: 3 * GiB });
    await c.startPolicy('doomed');
    sim.clock.advance(60_000);
    expect((await c.getPolicy('doomed')).jobState).toBe('DONE');
  });

  it('serves the clock and seeds through its control routes', async () => {
    const seeded = await fetch(`${sim.url}/__sim/policies`, {
      method: 'POST',
      body: JSON.stringify({ title: 'remote', jobState: 'STARTED', totalSize: GiB }),
    });
    expect(seeded.status).toBe(201);
    await fetch(`${sim.url}/__sim/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 5_000 }) });
    expect((await client().getPolicy('remote')).jobState).toBe('DONE');
  });
});

describe('NCP faults and error bodies', () => {
  it('retries a read on 429 (code 420) and 5xx (code 500), never a POST', async () => {
    sim.addPolicy({ title: 'x', jobState: 'STARTED' });
    const c = client();
    sim.faults.script({ status: 429, retryAfterSeconds: 0 }, { status: 503 });
    sim.server.resetRequestCount();
    await expect(c.listPolicies()).resolves.toMatchObject({ num: 1 });
    expect(sim.server.requestCount).toBe(3);

    sim.faults.script({ status: 429, retryAfterSeconds: 0 });
    sim.server.resetRequestCount();
    const limited = await rejection(c.pausePolicy('x'));
    expect(limited).toMatchObject({ httpStatus: 429, errorCode: '420', errorMessage: 'Rate Limited' });
    expect(limited.retryable).toBe(true);
    expect(sim.server.requestCount).toBe(1);

    sim.faults.script({ status: 503 });
    const down = await rejection(c.startPolicy('x'));
    expect(down).toMatchObject({ httpStatus: 503, errorCode: '500', errorMessage: 'Endpoint Error' });
  });

  it('can answer 429 with code 410 Throttle Limited', async () => {
    const throttling = new NcpSimulator({ keys: { [AK]: SK }, rateLimitCode: '410' });
    await throttling.start();
    try {
      throttling.faults.script({ status: 429, retryAfterSeconds: 0 });
      const c = new NcpObjectMigrationClient(connection({ endpoint: throttling.url }), { pools, logger });
      const error = await rejection(c.pausePolicy('x'));
      expect(error).toMatchObject({ errorCode: '410', errorMessage: 'Throttle Limited' });
    } finally {
      await throttling.stop();
    }
  });

  it('retries a truncated body on reads', async () => {
    sim.addPolicy({ title: 'z' });
    sim.faults.script({ malformed: true });
    await expect(client().getPolicy('z')).resolves.toMatchObject({ title: 'z' });
  });

  it('parses error bodies defensively', () => {
    const response = (text: string) => ({ status: 400, headers: {}, text });
    expect(
      parseNcpError(response('{"error":{"errorCode":"210","message":"Permission Denied","details":"no"}}')),
    ).toEqual({ errorCode: '210', errorMessage: 'Permission Denied: no' });
    expect(parseNcpError(response('{"error":{"errorCode":300,"message":"Not Found Exception"}}'))).toEqual({
      errorCode: '300',
      errorMessage: 'Not Found Exception',
    });
    expect(parseNcpError(response('{"message":"policy is locked"}'))).toEqual({
      errorCode: undefined,
      errorMessage: 'policy is locked',
    });
    expect(parseNcpError(response('{"error":"bad thing"}'))).toMatchObject({ errorMessage: 'bad thing' });
    // Not JSON: nothing parsed, and the HTTP layer falls back to the raw text.
    expect(parseNcpError(response('<html>502</html>'))).toEqual({});
  });

  it('signs the endpoint base path too, and reads the gateway 404 of an unknown route', async () => {
    sim.addPolicy({ title: 'y', jobState: 'STARTED' });
    const provider = new NcpProvider(connection({ endpoint: `${sim.url}/nowhere` }), { pools, logger }, () =>
      sim.clock.now(),
    );
    const error = await rejection(provider.get('policy', 'y'));
    // Past authentication (so the signed URI held the base path), then no such route.
    expect(error).toMatchObject({ httpStatus: 404, errorCode: '300', errorMessage: 'Not Found Exception' });
  });
});

describe('NCP secrets', () => {
  it('never logs the API secret key, the signature or the source bucket secret', async () => {
    const provider = new NcpProvider(connection(), { pools, logger }, () => sim.clock.now());
    lines.length = 0;
    await provider.create('policy', {
      title: 'secret-scan',
      sourceCspType: 'AWS',
      sourceRegion: 'ap-southeast-2',
      sourceBucket: 'migration135',
      targetBucket: 'migrationbucket',
    });
    await provider.resume('policy', 'secret-scan');
    const resource = await provider.get('policy', 'secret-scan');
    const failing = new NcpProvider(connection({ auth: { type: 'aksk', accessKey: AK, secretKey: 'x' } }), {
      pools,
      logger,
    });
    await failing.checkConnection().catch(() => undefined);
    const all = lines.join('\n');
    expect(all).toContain('CreateMigrationJob');
    expect(all).toContain('StartMigrationJob');
    for (const secret of [SK, SOURCE_SECRET, 'x-ncp-apigw-signature-v2']) expect(all).not.toContain(secret);
    expect(JSON.stringify(resource)).not.toContain(SOURCE_SECRET);
  });
});
