/** Job states as seed 001's table lists them. The simulator's own copy of the seed's enumeration. */
export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const GiB = 1024 ** 3;

/** What the simulator knows about a job, including what the API never shows (the secret key). */
export interface SimJob {
  uuid: string;
  serviceId: string;
  name: string;
  status: JobStatus;
  source: { endpoint: string; region: string; bucket: string; access_key_id: string; prefix?: string };
  /** Kept so tests can prove it is never echoed. */
  secretAccessKey: string;
  target: { bucket: string; prefix?: string };
  totalBytes: number;
  totalObjects: number;
  migratedBytes: number;
  migratedObjects: number;
  failedObjects: number;
  /** Bytes per second while running. */
  speed: number;
  /** Virtual clock times, ms. */
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
  /** Progress has been computed up to this time. */
  runningSince?: number;
  /** Fail with `failMessage` once progress reaches `failAt` (0..1). */
  failAt?: number;
  failMessage?: string;
  errorMessage?: string;
  /** The `error_code` a failure carries, where a test arms one (the client reads it when present [I]). */
  failCode?: string;
  errorCode?: string;
}

export interface JobTimings {
  /** pending → running. */
  startDelayMs: number;
  /** Default speed of new jobs, bytes per second. */
  speedBytesPerSecond: number;
}

export const DEFAULT_TIMINGS: JobTimings = {
  startDelayMs: 2_000,
  speedBytesPerSecond: 64 * 1024 * 1024,
};

export const FINISHED: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Moves a job forward to `now`: state is computed lazily on every read. */
export function advanceJob(job: SimJob, now: number, timings: JobTimings): void {
  if (job.status === 'pending' && now - job.createdAt >= timings.startDelayMs) {
    const started = job.createdAt + timings.startDelayMs;
    job.status = 'running';
    job.startedAt = started;
    job.runningSince = started;
    job.updatedAt = started;
  }
  if (job.status !== 'running' || job.runningSince === undefined) return;
  const since = job.runningSince;
  const before = job.migratedBytes;
  const reachedAt = (bytes: number) =>
    Math.round(since + (job.speed > 0 ? ((bytes - before) / job.speed) * 1000 : 0));
  const reachable = Math.min(job.totalBytes, before + (job.speed * Math.max(0, now - since)) / 1000);
  const failBytes =
    job.failAt !== undefined && job.failMessage
      ? Math.max(before, job.failAt * job.totalBytes)
      : Number.POSITIVE_INFINITY;
  if (reachable >= failBytes) {
    setProgress(job, failBytes);
    finish(job, 'failed', reachedAt(failBytes));
    job.errorMessage = job.failMessage;
    if (job.failCode) job.errorCode = job.failCode;
    job.failedObjects = Math.max(1, job.totalObjects - job.migratedObjects);
    return;
  }
  setProgress(job, reachable);
  if (job.migratedBytes >= job.totalBytes) {
    finish(job, 'completed', reachedAt(job.totalBytes));
    return;
  }
  job.runningSince = now;
  job.updatedAt = now;
}

export function cancelJob(job: SimJob, now: number): void {
  finish(job, 'cancelled', now);
}

function finish(job: SimJob, status: JobStatus, at: number): void {
  job.status = status;
  job.completedAt = at;
  job.updatedAt = at;
  job.runningSince = undefined;
}

function setProgress(job: SimJob, bytes: number): void {
  job.migratedBytes = Math.floor(bytes);
  const share = job.totalBytes === 0 ? 1 : job.migratedBytes / job.totalBytes;
  job.migratedObjects = Math.floor(share * job.totalObjects);
}

/** RFC 3339 with microseconds, as other object-storage-2 resources print them (§2.3). */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/**
 * The job as the simulated API returns it. The shape is [I] (§2.3): one of the candidate field
 * sets the client tolerates. The source's secret key is never part of it.
 */
export function toJobJson(job: SimJob): Record<string, unknown> {
  return {
    uuid: job.uuid,
    name: job.name,
    type: 'data-migration',
    status: job.status,
    source: {
      endpoint: job.source.endpoint,
      region: job.source.region,
      bucket: job.source.bucket,
      access_key_id: job.source.access_key_id,
      ...(job.source.prefix ? { prefix: job.source.prefix } : {}),
    },
    target: { bucket: job.target.bucket, ...(job.target.prefix ? { prefix: job.target.prefix } : {}) },
    total_objects: job.totalObjects,
    migrated_objects: job.migratedObjects,
    failed_objects: job.failedObjects,
    total_bytes: job.totalBytes,
    migrated_bytes: job.migratedBytes,
    ...(job.errorMessage ? { error_message: job.errorMessage } : {}),
    ...(job.errorCode ? { error_code: job.errorCode } : {}),
    created_at: rfc3339Micro(job.createdAt),
    updated_at: rfc3339Micro(job.updatedAt),
    started_at: job.startedAt !== undefined ? rfc3339Micro(job.startedAt) : null,
    completed_at: job.completedAt !== undefined ? rfc3339Micro(job.completedAt) : null,
  };
}
