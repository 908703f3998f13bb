import { describe, expect, it } from 'vitest';
import type { NormalizedState } from '../../../src/domain/migration-resource.js';
import { actionsForPolicyState } from '../../../src/providers/ncp/index.js';
import { mapPolicy, NCP_ERROR_WITHOUT_DETAIL, normalizeJobState } from '../../../src/providers/ncp/map.js';
import { NCP_JOB_STATES, ncpPolicySchema } from '../../../src/providers/ncp/schemas.js';
import { SEED_POLICY } from '../../fixtures/ncp-seed-policy.js';

function policy(overrides: Record<string, unknown> = {}) {
  return mapPolicy(ncpPolicySchema.parse({ ...SEED_POLICY, ...overrides }), 'ncp-kr');
}

describe('NCP jobState mapping', () => {
  const expected: Record<(typeof NCP_JOB_STATES)[number], NormalizedState> = {
    INITIALIZED: 'queued',
    STARTED: 'running',
    PAUSED: 'paused',
    DELETED: 'deleted',
    DONE: 'succeeded',
    ERROR: 'failed',
  };

  it.each(NCP_JOB_STATES)('maps %s', (jobState) => {
    const resource = policy({ jobState });
    expect(resource.state).toBe(expected[jobState]);
    expect(resource.rawStatus).toBe(jobState);
  });

  it('maps an undocumented or missing jobState to unknown, keeping the raw value', () => {
    expect(policy({ jobState: 'MIGRATING' })).toMatchObject({ state: 'unknown', rawStatus: 'MIGRATING' });
    expect(policy({ jobState: undefined })).toMatchObject({ state: 'unknown', rawStatus: '' });
    expect(normalizeJobState('toString')).toBe('unknown');
    expect(normalizeJobState('started')).toBe('unknown');
  });

  it('gives ERROR a plain message and no code, and no other state an error', () => {
    expect(policy({ jobState: 'ERROR' }).lastError).toEqual({ message: NCP_ERROR_WITHOUT_DETAIL });
    expect(policy({ jobState: 'ERROR' }).lastError?.code).toBeUndefined();
    for (const jobState of NCP_JOB_STATES.filter((s) => s !== 'ERROR')) {
      expect(policy({ jobState }).lastError).toBeUndefined();
    }
  });
});

describe('NCP policy mapping', () => {
  it('maps the seed 000 policy object', () => {
    expect(policy()).toEqual({
      provider: 'ncp',
      connection: 'ncp-kr',
      kind: 'policy',
      id: 'migrationpolicy',
      name: 'migrationpolicy',
      state: 'paused',
      rawStatus: 'PAUSED',
      progress: 0,
      reconciliation: { basis: 'estimate' },
      bytes: { done: 0, skipped: 0, total: 5402293 },
      objects: { done: 0, skipped: 0, total: 10 },
      source: { cloud: 'AWS', region: 'ap-southeast-2', bucket: 'migration135', prefix: undefined },
      destination: { cloud: 'NCP', region: 'KR', bucket: 'migrationbucket', prefix: 'data/' },
      lastError: undefined,
      createdAt: new Date('2025-07-15T00:32:36.480Z'),
      updatedAt: new Date('2025-07-15T01:29:22.698Z'),
    });
  });

  it('computes progress from migratedSize / estimatedSize once listing is done', () => {
    expect(policy({ jobState: 'STARTED', migratedSize: 2701146 }).progress).toBeCloseTo(0.5, 6);
  });

  it('leaves progress undefined while the total is still being counted', () => {
    const resource = policy({ jobState: 'STARTED', estimatedDone: false, migratedSize: 100 });
    expect(resource.progress).toBeUndefined();
    expect(resource.bytes.done).toBe(100);
  });

  it('treats an empty source as complete only when NCP says DONE', () => {
    expect(policy({ jobState: 'DONE', estimatedSize: 0 }).progress).toBe(1);
    expect(policy({ jobState: 'STARTED', estimatedSize: 0 }).progress).toBe(0);
  });

  it('accepts sizes beyond 2^31 and Longs sent as strings', () => {
    const resource = policy({
      estimatedSize: 3 * 2 ** 40,
      migratedSize: '1099511627776',
      skippedSize: 2 ** 33,
    });
    expect(resource.bytes).toEqual({ done: 2 ** 40, skipped: 2 ** 33, total: 3 * 2 ** 40 });
    expect(resource.progress).toBeCloseTo(1 / 3, 6);
  });

  it('accepts the targetBuketName misspelling of older doc editions', () => {
    const { targetBucketName: _, ...rest } = SEED_POLICY;
    const resource = mapPolicy(ncpPolicySchema.parse({ ...rest, targetBuketName: 'old-bucket' }), 'c');
    expect(resource.destination.bucket).toBe('old-bucket');
  });

  it('reads a policy whose every field but the title is null as one with those fields missing', () => {
    const nulls = Object.fromEntries(Object.keys(SEED_POLICY).map((key) => [key, null]));
    const parsed = ncpPolicySchema.parse({ ...nulls, title: 'p', targetBuketName: null });
    expect(Object.values(parsed).filter((value) => value === null)).toEqual([]);
    const resource = mapPolicy(parsed, 'c');
    expect(resource).toMatchObject({ id: 'p', state: 'unknown', progress: undefined });
    // new Date(null) is 1970: a null date must stay no date at all.
    expect(resource.createdAt).toBeUndefined();
    expect(resource.bytes).toEqual({ done: undefined, skipped: undefined, total: undefined });
    const renamed = ncpPolicySchema.parse({ ...SEED_POLICY, targetBucketName: null, targetBuketName: 'old' });
    expect(renamed.targetBucketName).toBe('old');
  });

  it('tolerates nulls and epoch-millisecond dates, and drops negative counts', () => {
    const resource = policy({
      sourcePrefix: null,
      estimatedDone: null,
      migratedObjectNum: -1,
      createTime: 1752539556480,
      updateTime: 'not a date',
    });
    expect(resource.source.prefix).toBeUndefined();
    expect(resource.progress).toBeUndefined();
    expect(resource.objects.done).toBeUndefined();
    expect(resource.createdAt).toEqual(new Date(1752539556480));
    expect(resource.updatedAt).toBeUndefined();
  });

  it('never copies unknown fields (which could hold keys) into the resource', () => {
    const resource = policy({ secretKey: 'leaked-secret', accessKey: 'leaked-ak' });
    expect(JSON.stringify(resource)).not.toMatch(/leaked/);
  });
});

describe('NCP actions per state', () => {
  it.each([
    ['queued', ['resume', 'delete']],
    ['running', ['pause']],
    ['paused', ['resume', 'delete']],
    ['failed', ['resume', 'delete']],
    ['succeeded', ['delete']],
    ['deleted', []],
    ['unknown', []],
  ] as const)('offers the right actions when %s', (state, actions) => {
    expect(actionsForPolicyState(state)).toEqual(actions);
  });
});
