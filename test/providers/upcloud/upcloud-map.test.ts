import { describe, expect, it } from 'vitest';
import { actionsForJobState } from '../../../src/providers/upcloud/index.js';
import { endpointHost, JOB_STATE_BY_STATUS, mapJob } from '../../../src/providers/upcloud/map.js';
import { JOB_STATUSES, jobSchema, listJobsResponseSchema } from '../../../src/providers/upcloud/schemas.js';

const UUID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const context = { connection: 'uc', region: 'europe-1' };

function job(fields: Record<string, unknown>) {
  return jobSchema.parse({ uuid: UUID, name: 'aws-migration', type: 'data-migration', ...fields });
}

describe('UpCloud job status → normalized state', () => {
  it.each([
    ['pending', 'queued'],
    ['running', 'running'],
    ['completed', 'succeeded'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
  ] as const)('%s → %s', (status, state) => {
    const resource = mapJob(job({ status }), context);
    expect(resource.state).toBe(state);
    expect(resource.rawStatus).toBe(status);
  });

  it('covers every documented status in the table', () => {
    expect(Object.keys(JOB_STATE_BY_STATUS).sort()).toEqual([...JOB_STATUSES].sort());
  });

  it('shows an undocumented or missing status as unknown, keeping the raw value', () => {
    expect(mapJob(job({ status: 'paused' }), context)).toMatchObject({
      state: 'unknown',
      rawStatus: 'paused',
    });
    // The American spelling is not the documented value: not guessed.
    expect(mapJob(job({ status: 'canceled' }), context).state).toBe('unknown');
    expect(mapJob(job({}), context)).toMatchObject({ state: 'unknown', rawStatus: '(none)' });
    // Case is tolerated: the value is the same word.
    expect(mapJob(job({ status: 'RUNNING' }), context).state).toBe('running');
  });
});

describe('mapJob', () => {
  it('maps the documented fields and never copies the source keys', () => {
    const parsed = job({
      status: 'running',
      source: {
        endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        bucket: 'my-aws-bucket',
        prefix: 'photos/',
        access_key_id: 'AKIAIOSFODNN7EXAMPLE',
        secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      target: { bucket: 'my-upcloud-bucket', prefix: 'from-aws/' },
      created_at: '2024-02-29T11:25:41.448083Z',
      updated_at: '2024-02-29T11:35:41.448083Z',
      started_at: '2024-02-29T11:26:00.000000Z',
    });
    // Stripped at the client boundary already, whatever the API echoes.
    expect(JSON.stringify(parsed)).not.toContain('wJalrXUtnFEMI');
    const resource = mapJob(parsed, context);
    expect(resource).toMatchObject({
      provider: 'upcloud',
      connection: 'uc',
      kind: 'job',
      id: UUID,
      name: 'aws-migration',
      source: {
        cloud: 's3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        bucket: 'my-aws-bucket',
        prefix: 'photos/',
      },
      destination: { cloud: 'UpCloud', region: 'europe-1', bucket: 'my-upcloud-bucket', prefix: 'from-aws/' },
    });
    expect(resource.createdAt?.toISOString()).toBe('2024-02-29T11:25:41.448Z');
    expect(resource.startedAt?.toISOString()).toBe('2024-02-29T11:26:00.000Z');
    const serialized = JSON.stringify(resource);
    expect(serialized).not.toContain('wJalrXUtnFEMI');
    expect(serialized).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('reads counters on the job or inside a progress object, preferring bytes for progress', () => {
    const flat = mapJob(
      job({
        status: 'running',
        total_bytes: 1000,
        migrated_bytes: 250,
        total_objects: 10,
        migrated_objects: 4,
      }),
      context,
    );
    expect(flat.bytes).toEqual({ done: 250, total: 1000 });
    expect(flat.objects).toEqual({ done: 4, total: 10 });
    expect(flat.progress).toBe(0.25);
    const nested = mapJob(
      job({ status: 'running', progress: { objects_total: 8, objects_migrated: 2, objects_failed: 1 } }),
      context,
    );
    expect(nested.objects).toEqual({ done: 2, failed: 1, total: 8 });
    expect(nested.progress).toBe(0.25);
  });

  it('reads a bare progress number as a fraction, or as a percentage above 1', () => {
    expect(mapJob(job({ status: 'running', progress: 0.4 }), context).progress).toBe(0.4);
    expect(mapJob(job({ status: 'running', progress: 40 }), context).progress).toBe(0.4);
    expect(mapJob(job({ status: 'running', progress: { percent: 75 } }), context).progress).toBe(0.75);
    expect(mapJob(job({ status: 'completed' }), context).progress).toBe(1);
    expect(mapJob(job({ status: 'pending' }), context).progress).toBeUndefined();
  });

  it('tolerates unknown fields and wrongly typed optional ones', () => {
    const parsed = job({
      status: 'running',
      total_bytes: 'lots',
      progress: 'half',
      created_at: 12,
      source: 'somewhere',
      brand_new_field: { nested: true },
    });
    const resource = mapJob(parsed, context);
    expect(resource.state).toBe('running');
    expect(resource.bytes).toEqual({});
    expect(resource.progress).toBeUndefined();
    expect(resource.createdAt).toBeUndefined();
    expect(resource.source).toEqual({});
    expect(parsed).toHaveProperty('brand_new_field');
  });

  it('skips a wrongly typed or negative counter for the next candidate name, on the job and in progress', () => {
    const input = {
      status: 'running',
      total_objects: '12',
      objects_total: 12,
      migrated_objects: -1,
      objects_migrated: 3,
      progress: { total_bytes: null, bytes_total: 400, migrated_bytes: 100, failed_objects: 'x' },
    };
    const resource = mapJob(job(input), context);
    expect(resource.objects).toEqual({ done: 3, total: 12 });
    expect(resource.bytes).toEqual({ done: 100, total: 400 });
    expect(resource.progress).toBe(0.25);
    // The response as received is left as it was.
    expect(input.total_objects).toBe('12');
    expect(input.progress.failed_objects).toBe('x');
  });

  it('takes the error from whichever field carries it', () => {
    expect(mapJob(job({ status: 'failed', error_message: 'Access Denied' }), context).lastError).toEqual({
      message: 'Access Denied',
    });
    expect(mapJob(job({ status: 'failed', error: 'NoSuchBucket' }), context).lastError).toEqual({
      message: 'NoSuchBucket',
    });
    expect(
      mapJob(job({ status: 'failed', error: { code: 'SOURCE_AUTH', message: 'bad keys' } }), context)
        .lastError,
    ).toEqual({ code: 'SOURCE_AUTH', message: 'bad keys' });
    expect(mapJob(job({ status: 'failed', failure_reason: 'timeout' }), context).lastError).toEqual({
      message: 'timeout',
    });
    expect(mapJob(job({ status: 'running', error_message: '' }), context).lastError).toBeUndefined();
  });

  it('computes the elapsed time of a finished job', () => {
    const resource = mapJob(
      job({
        status: 'completed',
        started_at: '2024-02-29T11:00:00.000000Z',
        completed_at: '2024-02-29T11:02:30.000000Z',
      }),
      context,
    );
    expect(resource.elapsedSeconds).toBe(150);
  });

  it('falls back to the uuid when the job has no name', () => {
    expect(mapJob(jobSchema.parse({ uuid: UUID, status: 'pending' }), context).name).toBe(`job ${UUID}`);
  });
});

describe('list response and helpers', () => {
  it('accepts a bare array or a jobs wrapper; a job insists on its uuid, read one by one', () => {
    expect(listJobsResponseSchema.parse([{ uuid: UUID, status: 'pending' }])).toHaveLength(1);
    expect(listJobsResponseSchema.parse({ jobs: [{ uuid: UUID, status: 'pending' }] })).toHaveLength(1);
    // The page itself still reads: the client reads each item and reports the one without a uuid.
    expect(listJobsResponseSchema.parse([{ status: 'pending' }])).toHaveLength(1);
    expect(jobSchema.safeParse({ status: 'pending' }).success).toBe(false);
  });

  it('names the endpoint by its host only', () => {
    expect(endpointHost('s3.amazonaws.com')).toBe('s3.amazonaws.com');
    expect(endpointHost('https://user:pw@minio.example.com:9000/path?x=1')).toBe('minio.example.com:9000');
    expect(endpointHost(undefined)).toBeUndefined();
  });

  it('offers cancel only while a job is pending or running', () => {
    expect(actionsForJobState('queued')).toEqual(['cancel']);
    expect(actionsForJobState('running')).toEqual(['cancel']);
    for (const state of ['succeeded', 'failed', 'cancelled', 'unknown'] as const) {
      expect(actionsForJobState(state)).toEqual([]);
    }
  });
});
