import { describe, expect, it } from 'vitest';
import { GiB, NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { ErrorCode, InvalidInputError, ProviderError } from '../../../src/errors.js';
import { NcpProvider, ncpCreatePolicyRequestSchema } from '../../../src/providers/ncp/index.js';
import { createProvider } from '../../../src/providers/registry.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { useSimulator } from '../simulator-rig.js';

const AK = 'NCPSIMACCESSKEY00002';
const SK = 'ncp-sim-secret-key-00000000000000000002';

const sim = new NcpSimulator({
  keys: { [AK]: SK },
  timings: { listingDelayMs: 1_000, speedBytesPerSecond: GiB },
});
const pools = useSimulator(sim, {
  freeze: 'each',
  reset: () => sim.policies.clear(),
});
const { logger } = captureLogger('fatal');

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint: sim.url,
    region: 'KR',
    auth: { type: 'aksk', accessKey: AK, secretKey: SK },
    storage: { source: { name: 'aws', accessKey: 'AKIASOURCE0000000002', secretKey: 'src-secret-2' } },
    ...overrides,
  };
}

function provider(overrides: Partial<Connection> = {}): NcpProvider {
  return new NcpProvider(connection(overrides), { pools, logger }, () => sim.clock.now());
}

const REQUEST = {
  title: 'new-policy',
  sourceCspType: 'AWS',
  sourceRegion: 'ap-southeast-2',
  sourceBucket: 'migration135',
  sourcePrefix: 'photos/',
  targetBucket: 'migrationbucket',
};

describe('NcpProvider', () => {
  it('is registered as ncp', () => {
    const made = createProvider(connection(), { pools, logger });
    expect(made).toBeInstanceOf(NcpProvider);
    expect(made.kinds).toEqual(['policy']);
  });

  it('lists a page newest first, mapping offset/limit to page/limit', async () => {
    for (const [i, title] of ['p0', 'p1', 'p2', 'p3', 'p4'].entries()) {
      sim.addPolicy({ title });
      sim.clock.advance(1_000 + i);
    }
    sim.server.resetRequestCount();
    const page = await provider().list({ kind: 'policy', limit: 2, offset: 2 });
    expect(page.resources.map((r) => r.id)).toEqual(['p2', 'p1']);
    expect(page.total).toBe(5);
    expect(sim.server.requestCount).toBe(1);
    // An offset that is not a page boundary is sliced by the bot.
    const odd = await provider().list({ kind: 'policy', limit: 2, offset: 1 });
    expect(odd.resources.map((r) => r.id)).toEqual(['p3', 'p2']);
    expect(odd.total).toBe(5);
  });

  it('filters on normalized state itself, across pages', async () => {
    for (let i = 0; i < 150; i++) {
      sim.addPolicy({ title: `p${String(i).padStart(3, '0')}`, jobState: i % 3 === 0 ? 'ERROR' : 'PAUSED' });
      sim.clock.advance(1);
    }
    sim.server.resetRequestCount();
    const failed = await provider().list({ kind: 'policy', states: ['failed'], limit: 10, offset: 45 });
    expect(failed.total).toBe(50);
    expect(failed.resources.map((r) => r.id)).toEqual(['p012', 'p009', 'p006', 'p003', 'p000']);
    expect(failed.resources.every((r) => r.state === 'failed')).toBe(true);
    expect(sim.server.requestCount).toBe(2);
    const none = await provider().list({
      kind: 'policy',
      states: ['running', 'succeeded'],
      limit: 10,
      offset: 0,
    });
    expect(none).toEqual({ resources: [], total: 0 });
  });

  it('gets a policy as a MigrationResource', async () => {
    sim.addPolicy({
      title: 'half',
      jobState: 'PAUSED',
      totalSize: 2 * GiB,
      progress: 0.5,
      sourceCspType: 'Azure',
    });
    const resource = await provider().get('policy', 'half');
    expect(resource).toMatchObject({
      provider: 'ncp',
      connection: 'ncp-kr',
      kind: 'policy',
      id: 'half',
      state: 'paused',
      progress: 0.5,
      bytes: { done: GiB, total: 2 * GiB, skipped: 0 },
      source: { cloud: 'Azure', bucket: 'source-bucket' },
      destination: { cloud: 'NCP', region: 'KR', bucket: 'target-bucket' },
    });
    expect(provider().actionsFor(resource)).toEqual(['resume', 'delete']);
  });

  it('pauses, resumes (with Start) and deletes', async () => {
    sim.addPolicy({ title: 'cycle', jobState: 'STARTED', totalSize: 100 * GiB });
    const p = provider();
    await p.pause('policy', 'cycle');
    expect((await p.get('policy', 'cycle')).state).toBe('paused');
    await p.resume('policy', 'cycle');
    expect((await p.get('policy', 'cycle')).state).toBe('running');
    const error = await p.delete('policy', 'cycle').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    await p.pause('policy', 'cycle');
    await p.delete('policy', 'cycle');
    expect(sim.policies.has('cycle')).toBe(false);
  });

  it('creates a policy from the request and the connection source keys', async () => {
    const created = await provider({ region: 'KR' }).create('policy', REQUEST);
    expect(created).toEqual({ id: 'new-policy', name: 'new-policy' });
    const policy = sim.policy('new-policy');
    expect(policy?.source).toMatchObject({ cspType: 'AWS', region: 'ap-southeast-2', prefix: 'photos/' });
    expect(policy?.target).toMatchObject({ bucket: 'migrationbucket', prefix: '', region: 'KR' });
  });

  it('names each invalid field of a create request', async () => {
    const p = provider();
    await expect(p.create('policy', { ...REQUEST, title: 'bad title!' })).rejects.toThrow(
      /title may contain only letters, digits/,
    );
    await expect(p.create('policy', { ...REQUEST, sourceCspType: 'GCP' })).rejects.toThrow(/sourceCspType/);
    const { sourceBucket: _, ...missing } = REQUEST;
    await expect(p.create('policy', missing)).rejects.toThrow(/sourceBucket/);
    await expect(p.create('policy', { ...REQUEST, targetRegion: 'JPN' })).rejects.toThrow(/targetRegion/);
    await expect(p.create('policy', 'nope')).rejects.toThrow(InvalidInputError);
    expect(ncpCreatePolicyRequestSchema.safeParse(REQUEST).success).toBe(true);
  });

  it('says which storage credential to add when the source keys are missing', async () => {
    const p = provider({ storage: {} });
    await expect(p.create('policy', REQUEST)).rejects.toThrow(/storage\.source.*accessKey and secretKey/);
    await expect(p.create('policy', { ...REQUEST, sourceCspType: 'Azure' })).rejects.toThrow(
      /storage account name/,
    );
  });

  it('refuses kinds it does not have', async () => {
    await expect(provider().get('task', 'x')).rejects.toThrow(/ncp has no task resources/);
  });

  it('checks the connection with one cheap list', async () => {
    sim.server.resetRequestCount();
    await provider().checkConnection();
    expect(sim.server.requestCount).toBe(1);
    const bad = provider({ auth: { type: 'aksk', accessKey: AK, secretKey: 'wrong' } });
    await expect(bad.checkConnection()).rejects.toMatchObject({
      code: ErrorCode.ProviderAuth,
      errorCode: '200',
    });
  });
});
