import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type FaultInjector,
  json,
  Router,
  readJson,
  SimClock,
  type SimRequest,
  type SimResponse,
  type SimServerOptions,
  Simulator,
} from '../kit.js';
import type { Reading, ShapeRules, ShapeSettings } from '../shapes.js';
import { problem, problemBody, type SimBasicUser, SimUpCloudAuth } from './auth.js';
import {
  advanceJob,
  cancelJob,
  DEFAULT_TIMINGS,
  FINISHED,
  GiB,
  JOB_STATUSES,
  type JobStatus,
  type JobTimings,
  type SimJob,
  toJobJson,
} from './state.js';

/** Shapes mode keeps what identifies an item; these fields are enumerations. */
const SHAPE_RULES: ShapeRules = {
  keep: ['uuid', 'name', 'status'],
  enums: ['status', 'type'],
};

export { GiB, type SimJob } from './state.js';

export interface UpCloudSimulatorOptions {
  /** Shapes mode from the start (see ../shapes.ts); `setShapes` or `POST /__sim/shapes` later. */
  shapes?: Partial<ShapeSettings>;
  /** Object Storage service UUIDs that exist; jobs live under one of them. */
  serviceIds: readonly string[];
  /** API tokens accepted as `Authorization: Bearer …`. */
  tokens?: readonly string[];
  /** Accounts accepted over HTTP Basic. */
  users?: readonly SimBasicUser[];
  timings?: Partial<JobTimings>;
  /** [I] What a successful cancel answers: 200 with the job (default) or 204 without a body. */
  cancelResponse?: 'job' | 'no-content';
  clock?: SimClock;
  faults?: FaultInjector;
  port?: number;
}

export interface SeedJob {
  name: string;
  serviceId?: string;
  uuid?: string;
  status?: JobStatus;
  totalBytes?: number;
  totalObjects?: number;
  /** 0..1 already migrated. */
  progress?: number;
  speed?: number;
  source?: Partial<Omit<SimJob['source'], 'access_key_id'>>;
  target?: Partial<SimJob['target']>;
  /** Arms a failure: the job fails with `failMessage` once `failAt` (0..1) of it is migrated. */
  failAt?: number;
  failMessage?: string;
  /** With `failMessage`: the `error_code` the failed job carries (a catalogue code). */
  failCode?: string;
}

const seedJobSchema: z.ZodType<SeedJob> = z.object({
  name: z.string().min(1),
  serviceId: z.string().optional(),
  uuid: z.uuid().optional(),
  status: z.enum(JOB_STATUSES).optional(),
  totalBytes: z.number().nonnegative().optional(),
  totalObjects: z.number().int().nonnegative().optional(),
  progress: z.number().min(0).max(1).optional(),
  speed: z.number().nonnegative().optional(),
  source: z
    .object({ endpoint: z.string(), region: z.string(), bucket: z.string(), prefix: z.string() })
    .partial()
    .optional(),
  target: z.object({ bucket: z.string(), prefix: z.string() }).partial().optional(),
  failAt: z.number().min(0).max(1).optional(),
  failMessage: z.string().optional(),
  failCode: z.string().optional(),
});

const REQUIRED = 'This field is required.';
const text = z.string({ error: (i) => (i.input === undefined ? REQUIRED : 'Must be a string.') });
const nonEmpty = text.min(1, 'Must not be empty.');

/** The create body as the service checks it: the documented attributes (seed 001 "Create job"). */
const createBodySchema = z.object({
  name: nonEmpty,
  type: z.literal('data-migration', { error: 'Currently only data-migration is supported.' }),
  source: z.object(
    {
      endpoint: nonEmpty,
      region: nonEmpty,
      bucket: nonEmpty,
      access_key_id: nonEmpty,
      secret_access_key: nonEmpty,
      prefix: text.optional(),
    },
    { error: (i) => (i.input === undefined ? REQUIRED : 'Must be an object.') },
  ),
  target: z.object(
    { bucket: nonEmpty, prefix: text.optional() },
    { error: (i) => (i.input === undefined ? REQUIRED : 'Must be an object.') },
  ),
});

/** [I] Paging like the other object-storage-2 lists: `limit` 0..100 (default 10) and `offset`. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/**
 * What the sources leave open and the simulator answers both ways: the usual reading by default, the
 * other one with shapes `otherReadings` (shapes.ts). The README's "Inferred" table lists them.
 */
export const READINGS = {
  paging: {
    usual: '`limit` (0..100, default 10) and `offset` are honoured, as on the other object-storage-2 lists',
    other: '`limit` and `offset` are ignored and every job is answered at once',
    source: 'seed 001 "List jobs" shows `GET …/jobs` with no parameters; providers.md §2.1 documents none',
  },
  pageSize: {
    usual: '`limit` sets the size of a page, up to 100',
    other: `pages of its own size (${DEFAULT_LIMIT}, the default of the other object-storage-2 lists) whatever \`limit\` says; \`offset\` is honoured`,
    source: 'seed 001 "List jobs" documents no parameters, so no page size either',
  },
} as const satisfies Record<string, Reading>;

/**
 * UpCloud Managed Object Storage jobs served on loopback: bearer or Basic auth, problem+json errors,
 * the documented create body, and jobs that move from pending to running to completed (or failed)
 * over virtual time. Shapes the seed leaves open are marked [I] and mirror the client's tolerance.
 */
export class UpCloudSimulator extends Simulator {
  readonly jobs = new Map<string, SimJob>();
  readonly clock: SimClock;
  readonly auth: SimUpCloudAuth;
  readonly #options: UpCloudSimulatorOptions;
  readonly #timings: JobTimings;

  constructor(options: UpCloudSimulatorOptions) {
    super();
    if (options.serviceIds.length === 0) throw new Error('UpCloud simulator needs at least one service id');
    this.#options = options;
    this.clock = options.clock ?? new SimClock();
    this.#timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.auth = new SimUpCloudAuth({ tokens: options.tokens, users: options.users });
  }

  protected serverOptions(): SimServerOptions {
    return {
      name: 'upcloud',
      router: this.#routes(),
      control: this.#controlRoutes(),
      faults: this.#options.faults,
      shapes: this.#options.shapes,
      shapeRules: SHAPE_RULES,
      port: this.#options.port,
      authenticate: (request) => this.auth.check(request),
      // The kit labels these application/json; the bodies are still UpCloud's problem documents [I].
      faultContentType: 'application/problem+json',
      faultBody: (status) =>
        status === 429
          ? problemBody(429, 'TOO_MANY_REQUESTS', 'Too many requests. Try again later.')
          : status === 404
            ? problemBody(404, 'NOT_FOUND', 'The requested resource was not found.')
            : status === 405
              ? problemBody(405, 'METHOD_NOT_ALLOWED', 'Method not allowed.')
              : problemBody(status, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable.'),
    };
  }

  addJob(seed: SeedJob): SimJob {
    const now = this.clock.now();
    const serviceId = seed.serviceId ?? this.#options.serviceIds[0]!;
    const status = seed.status ?? 'pending';
    const totalBytes = seed.totalBytes ?? 10 * GiB;
    const totalObjects = seed.totalObjects ?? 10_000;
    const share = status === 'completed' ? 1 : (seed.progress ?? 0);
    const job: SimJob = {
      uuid: seed.uuid ?? randomUUID(),
      serviceId,
      name: seed.name,
      status,
      source: {
        endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        bucket: 'src-bucket',
        ...seed.source,
        access_key_id: 'AKIASIMULATOR0000001',
      },
      secretAccessKey: 'sim-seeded-secret',
      target: { bucket: 'dst-bucket', ...seed.target },
      totalBytes,
      totalObjects,
      migratedBytes: Math.floor(share * totalBytes),
      migratedObjects: Math.floor(share * totalObjects),
      failedObjects: 0,
      speed: seed.speed ?? this.#timings.speedBytesPerSecond,
      createdAt: now,
      updatedAt: now,
      startedAt: status === 'pending' ? undefined : now,
      completedAt: FINISHED.has(status) ? now : undefined,
      runningSince: status === 'running' ? now : undefined,
      failAt: seed.failAt,
      failMessage: seed.failMessage,
      ...(seed.failCode ? { failCode: seed.failCode } : {}),
      errorMessage:
        status === 'failed' ? (seed.failMessage ?? 'Access denied to the source bucket.') : undefined,
    };
    if (status === 'failed') job.failedObjects = Math.max(1, totalObjects - job.migratedObjects);
    this.jobs.set(job.uuid, job);
    return job;
  }

  /** The job as the API would show it now. */
  job(uuid: string): SimJob | undefined {
    const job = this.jobs.get(uuid);
    if (job) advanceJob(job, this.clock.now(), this.#timings);
    return job;
  }

  #routes(): Router {
    const jobs = '/1.3/object-storage-2/:service_uuid/jobs';
    return new Router()
      .add('GET', jobs, (r) => this.#withService(r, (service) => this.#list(service, r)))
      .add('POST', jobs, (r) => this.#withService(r, (service) => this.#create(service, r)))
      .add('GET', `${jobs}/:job_uuid`, (r) => this.#withJob(r, (job) => json(200, toJobJson(job))))
      .add('DELETE', `${jobs}/:job_uuid`, (r) => this.#withJob(r, (job) => this.#cancel(job)));
  }

  #controlRoutes(): Router {
    return new Router().add('POST', '/__sim/jobs', (r) => {
      const seed = seedJobSchema.safeParse(readJson(r));
      if (!seed.success) return json(400, { error: seed.error.message });
      if (seed.data.serviceId && !this.#options.serviceIds.includes(seed.data.serviceId)) {
        return json(400, { error: `unknown service ${seed.data.serviceId}` });
      }
      return json(201, toJobJson(this.addJob(seed.data)));
    });
  }

  #withService(request: SimRequest, handler: (serviceId: string) => SimResponse): SimResponse {
    const serviceId = request.params.service_uuid ?? '';
    if (!this.#options.serviceIds.includes(serviceId)) {
      return problem(404, 'RESOURCE_NOT_FOUND', 'Service not found.');
    }
    return handler(serviceId);
  }

  #withJob(request: SimRequest, handler: (job: SimJob) => SimResponse): SimResponse {
    return this.#withService(request, (serviceId) => {
      const job = this.job(request.params.job_uuid ?? '');
      // A job of another service is as invisible as one that does not exist.
      if (!job || job.serviceId !== serviceId) return problem(404, 'RESOURCE_NOT_FOUND', 'Job not found.');
      return handler(job);
    });
  }

  #list(serviceId: string, request: SimRequest): SimResponse {
    const matching = [...this.jobs.values()]
      .filter((job) => job.serviceId === serviceId)
      .map((job) => this.job(job.uuid)!)
      // Newest first, the object-storage-2 default order (`-created_at`) [I].
      .sort((a, b) => b.createdAt - a.createdAt || (a.uuid < b.uuid ? -1 : 1));
    // READINGS.paging: the list as seed 001 prints it, without parameters. It excludes `pageSize`.
    if (this.otherReading('paging')) return json(200, matching.map(toJobJson));
    const invalid: { name: string; reason: string }[] = [];
    const limit = intParam(request.query.get('limit'), DEFAULT_LIMIT);
    const offset = intParam(request.query.get('offset'), 0);
    if (Number.isNaN(limit) || limit < 0 || limit > MAX_LIMIT) {
      invalid.push({ name: 'limit', reason: `Must be an integer between 0 and ${MAX_LIMIT}.` });
    }
    if (Number.isNaN(offset) || offset < 0)
      invalid.push({ name: 'offset', reason: 'Must be a non-negative integer.' });
    if (invalid.length) return problem(400, 'INVALID_REQUEST', 'Validation error.', invalid);
    // READINGS.pageSize: its own page size, whatever `limit` asked for.
    const size = this.otherReading('pageSize') ? DEFAULT_LIMIT : limit;
    return json(200, matching.slice(offset, offset + size).map(toJobJson));
  }

  #create(serviceId: string, request: SimRequest): SimResponse {
    const body = readJson(request);
    if (body === undefined) {
      return problem(400, 'INVALID_REQUEST', 'Validation error.', [
        { name: 'body', reason: 'Request body must be a JSON object.' },
      ]);
    }
    const parsed = createBodySchema.safeParse(body);
    if (!parsed.success) {
      const invalid = parsed.error.issues.map((issue) => ({
        name: issue.path.map(String).join('.') || 'body',
        reason: issue.message,
      }));
      return problem(400, 'INVALID_REQUEST', 'Validation error.', invalid);
    }
    const b = parsed.data;
    const job = this.addJob({
      name: b.name,
      serviceId,
      source: {
        endpoint: b.source.endpoint,
        region: b.source.region,
        bucket: b.source.bucket,
        prefix: b.source.prefix,
      },
      target: { bucket: b.target.bucket, prefix: b.target.prefix },
    });
    job.source.access_key_id = b.source.access_key_id;
    job.secretAccessKey = b.source.secret_access_key;
    return json(201, toJobJson(job));
  }

  #cancel(job: SimJob): SimResponse {
    if (FINISHED.has(job.status)) {
      return problem(409, 'CONFLICT', `Job is already ${job.status} and cannot be cancelled.`);
    }
    cancelJob(job, this.clock.now());
    return this.#options.cancelResponse === 'no-content' ? { status: 204 } : json(200, toJobJson(job));
  }
}

function intParam(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}
