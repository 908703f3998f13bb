import type {
  Counter,
  MigrationResource,
  NormalizedState,
  ResourceError,
} from '../../domain/migration-resource.js';
import { COUNTER_FIELDS, type CounterName, type JobStatus, type UpCloudJob } from './schemas.js';

/** Job states (seed 001 "Job States") → normalized state. */
export const JOB_STATE_BY_STATUS: Readonly<Record<JobStatus, NormalizedState>> = {
  pending: 'queued',
  running: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function stateOfStatus(status: string): NormalizedState {
  const key = status.trim().toLowerCase();
  return Object.hasOwn(JOB_STATE_BY_STATUS, key) ? JOB_STATE_BY_STATUS[key as JobStatus] : 'unknown';
}

export interface MapJobContext {
  connection: string;
  /** The UpCloud region of the service, shown as the destination region. */
  region?: string;
}

/**
 * An UpCloud job as a `MigrationResource`. Only named, non-secret fields are copied: the source's
 * access keys never reach the resource, whatever the API echoes.
 */
export function mapJob(job: UpCloudJob, context: MapJobContext): MigrationResource {
  const state = stateOfStatus(job.status);
  const bytes = counter(job, 'bytes');
  const objects = counter(job, 'objects');
  const startedAt = parseTime(job.started_at);
  const completedAt = parseTime(job.completed_at);
  return {
    provider: 'upcloud',
    connection: context.connection,
    kind: 'job',
    id: job.uuid,
    name: job.name || `job ${job.uuid}`,
    state,
    rawStatus: job.status || '(none)',
    progress: progressOf(job, state, bytes, objects),
    bytes,
    objects,
    source: withoutEmpty({
      cloud: endpointHost(job.source?.endpoint),
      region: job.source?.region,
      bucket: job.source?.bucket,
      prefix: job.source?.prefix,
    }),
    destination: withoutEmpty({
      cloud: 'UpCloud',
      region: context.region,
      bucket: job.target?.bucket,
      prefix: job.target?.prefix,
    }),
    lastError: errorOf(job),
    // Seed 001 documents a job's state only: any counters are our reading, nothing to reconcile.
    reconciliation: { basis: 'state' },
    startedAt,
    createdAt: parseTime(job.created_at),
    updatedAt: parseTime(job.updated_at),
    elapsedSeconds:
      startedAt && completedAt && completedAt >= startedAt
        ? Math.round((completedAt.getTime() - startedAt.getTime()) / 1000)
        : undefined,
  };
}

type CounterSource = Partial<Record<CounterName, number | undefined>>;

/** Counters may sit on the job itself or inside a `progress` object [I]; the job's own win. */
function counter(job: UpCloudJob, unit: 'bytes' | 'objects'): Counter {
  const nested: CounterSource = typeof job.progress === 'object' ? job.progress : {};
  const read = (names: readonly CounterName[]) => first(job, names) ?? first(nested, names);
  if (unit === 'bytes') {
    return withoutEmpty({ done: read(COUNTER_FIELDS.bytesDone), total: read(COUNTER_FIELDS.bytesTotal) });
  }
  return withoutEmpty({
    done: read(COUNTER_FIELDS.objectsDone),
    failed: read(COUNTER_FIELDS.objectsFailed),
    skipped: read(COUNTER_FIELDS.objectsSkipped),
    total: read(COUNTER_FIELDS.objectsTotal),
  });
}

function first(source: CounterSource, names: readonly CounterName[]): number | undefined {
  for (const name of names) {
    const value = source[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * 0..1. Counters are preferred over a bare `progress` number, whose scale is unknown [I]: a value
 * above 1 is read as a percentage. A completed job is complete whatever the counters say.
 */
function progressOf(
  job: UpCloudJob,
  state: NormalizedState,
  bytes: Counter,
  objects: Counter,
): number | undefined {
  if (state === 'succeeded') return 1;
  const ratio = fraction(bytes) ?? fraction(objects);
  if (ratio !== undefined) return ratio;
  const raw = typeof job.progress === 'number' ? job.progress : job.progress?.percent;
  if (raw === undefined) return undefined;
  const scaled = typeof job.progress === 'number' && raw <= 1 ? raw : raw / 100;
  return clamp01(scaled);
}

function fraction(c: Counter): number | undefined {
  if (c.done === undefined || !c.total) return undefined;
  return clamp01(c.done / c.total);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** [I] The error may be `error_message`/`error_code`, `failure_reason`, or `error` (text or object). */
function errorOf(job: UpCloudJob): ResourceError | undefined {
  const nested = typeof job.error === 'object' ? job.error : undefined;
  const message =
    job.error_message ||
    (typeof job.error === 'string' ? job.error : undefined) ||
    nested?.message ||
    nested?.error_message ||
    job.failure_reason ||
    undefined;
  const code = job.error_code || nested?.code || nested?.error_code || undefined;
  return message || code ? withoutEmpty({ code, message }) : undefined;
}

/** The host of an endpoint URL or bare host, without any userinfo, path or query. */
export function endpointHost(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`);
    return url.host || undefined;
  } catch {
    return undefined;
  }
}

function parseTime(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Drops undefined and empty-string members so cards do not show blank fields. */
function withoutEmpty<T extends object>(value: T): T {
  // A loop over the object's own fields: every list item maps through here several times.
  const out: Record<string, unknown> = {};
  const fields = value as Record<string, unknown>;
  for (const k in fields) if (fields[k] !== undefined && fields[k] !== '') out[k] = fields[k];
  return out as T;
}
