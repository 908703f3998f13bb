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
import { GATEWAY_ERRORS, gatewayError, gatewayErrorBody, header, SimNcpGatewayAuth } from './auth.js';
import { GATEWAY_HEADERS as NCP_HEADERS } from './signature-v2.js';
import {
  advancePolicy,
  DEFAULT_TIMINGS,
  GiB,
  type PolicyTimings,
  rerunPolicy,
  type SimPolicy,
  sourceEndpointFor,
  TIMES_READING,
  targetEndpointFor,
  toPolicyObject,
} from './state.js';

/** Shapes mode keeps what identifies an item; these fields are enumerations. */
const SHAPE_RULES: ShapeRules = {
  keep: ['title', 'jobState'],
  enums: ['jobState', 'sourceCspType'],
};

export { GATEWAY_ERRORS, MAX_SKEW_MS } from './auth.js';

/**
 * What the sources leave open and the simulator answers both ways: the usual reading by default, the
 * other one with shapes `otherReadings` (shapes.ts). The README's "Inferred" table lists them.
 */
export const READINGS = {
  policyTimes: TIMES_READING,
  listNum: {
    usual: '`num` is the number of policies in the whole list',
    other: '`num` is the number of policies on the page answered',
    source: 'providers.md §1.3: "`num` (Integer, number of policies)", which names no scope',
  },
  startDone: {
    usual:
      'a DONE policy can be started again: it lists the source again and migrates what changed since; the rest is skipped (`skippedObjectNum`)',
    other: 'a DONE policy cannot be started again (400 "already done")',
    source:
      'providers.md §1.1: Start "start[s] the migration", naming no state it needs; seed 000 documents only pause',
  },
} as const satisfies Record<string, Reading>;
export { GiB, MiB, type PolicyTimings, type SimPolicy } from './state.js';

export interface NcpSimulatorOptions {
  /** Shapes mode from the start (see ../shapes.ts); `setShapes` or `POST /__sim/shapes` later. */
  shapes?: Partial<ShapeSettings>;
  /** Access key → secret key accepted by the gateway. */
  keys?: Record<string, string>;
  clock?: SimClock;
  timings?: Partial<PolicyTimings>;
  /** The `errorCode` of an injected 429: 410 Throttle Limited or 420 Rate Limited. */
  rateLimitCode?: '410' | '420';
  faults?: FaultInjector;
  port?: number;
}

const JOB_STATES_BUT_DELETED = ['INITIALIZED', 'STARTED', 'PAUSED', 'DONE', 'ERROR'] as const;

/**
 * The documented title rule (providers.md §1.1): "up to 100 bytes. The only special characters allowed
 * are `.`, `-` and `_`." Bytes, so letters of any script (Hangul takes 3 bytes a letter). The
 * simulator's own reading of the doc, never the client's (issue #37: a shared rule hid its bug).
 */
const TITLE_MAX_BYTES = 100;
const titleSchema = z
  .string()
  .regex(/^[\p{L}\p{M}\p{N}._-]+$/u, 'letters, digits, ".", "-" and "_" only')
  .refine((title) => Buffer.byteLength(title, 'utf8') <= TITLE_MAX_BYTES, 'at most 100 bytes');

export const seedPolicySchema = z.object({
  title: titleSchema,
  jobState: z.enum(JOB_STATES_BUT_DELETED).optional(),
  sourceCspType: z.enum(['AWS', 'Azure']).optional(),
  sourceRegion: z.string().min(1).optional(),
  sourceBucket: z.string().min(1).optional(),
  sourcePrefix: z.string().optional(),
  targetRegion: z.string().min(1).optional(),
  targetBucket: z.string().min(1).optional(),
  targetPrefix: z.string().optional(),
  totalSize: z.number().nonnegative().optional(),
  totalObjects: z.number().int().nonnegative().optional(),
  skippedSize: z.number().nonnegative().optional(),
  skippedObjects: z.number().int().nonnegative().optional(),
  /** Fraction (0..1) of the migratable bytes already moved. */
  progress: z.number().min(0).max(1).optional(),
  /** Whether listing is over; defaults to true for any policy that has been started. */
  listed: z.boolean().optional(),
  speed: z.number().nonnegative().optional(),
  /** Turn to ERROR at this fraction (0..1) of the bytes. */
  failAt: z.number().min(0).max(1).optional(),
});
export type SeedPolicy = z.input<typeof seedPolicySchema>;

/**
 * The body checks, answered with the gateway's error body because the doc gives no other [I]: the
 * documented title rule and required fields (400/100), duplicate title (400/100), wrong state
 * transitions (400/100).
 */
const policyBodySchema = z.object({
  title: titleSchema,
  source: z.object({
    sourceCspType: z.enum(['AWS', 'Azure']),
    regionName: z.string().min(1),
    bucketName: z.string().min(1),
    prefix: z.string().optional(),
    accessKey: z.string().min(1),
    secretKey: z.string().min(1),
  }),
  target: z.object({ bucketName: z.string().min(1), prefix: z.string().optional() }),
});
type PolicyBody = z.infer<typeof policyBodySchema>;

const LIST_ORDERS = ['createTime', 'updateTime', 'title', 'sourceBucketName', 'targetBucketName'] as const;
type ListOrder = (typeof LIST_ORDERS)[number];

/**
 * NCP Object Migration served on loopback: API Gateway auth (signature v2, 5-minute skew, region
 * header), the seven policy calls with the seed 000 policy object, and policies that list, migrate
 * and finish (or fail) over virtual time.
 */
export class NcpSimulator extends Simulator {
  readonly policies = new Map<string, SimPolicy>();
  readonly clock: SimClock;
  readonly auth: SimNcpGatewayAuth;
  readonly #options: NcpSimulatorOptions;
  readonly #timings: PolicyTimings;

  constructor(options: NcpSimulatorOptions = {}) {
    super();
    this.#options = options;
    this.clock = options.clock ?? new SimClock();
    this.#timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.auth = new SimNcpGatewayAuth({ keys: options.keys ?? {}, now: () => this.clock.now() });
  }

  protected serverOptions(): SimServerOptions {
    return {
      name: 'ncp',
      router: this.#routes(),
      control: this.#controlRoutes(),
      faults: this.#options.faults,
      shapes: this.#options.shapes,
      shapeRules: SHAPE_RULES,
      port: this.#options.port,
      authenticate: (request) => this.auth.check(request),
      faultBody: (status) => gatewayErrorBody(this.#faultError(status)),
    };
  }

  addPolicy(seed: SeedPolicy): SimPolicy {
    const s = seedPolicySchema.parse(seed);
    const now = this.clock.now();
    const jobState = s.jobState ?? 'INITIALIZED';
    const totalSize = s.totalSize ?? 10 * GiB;
    const skippedSize = Math.min(totalSize, s.skippedSize ?? 0);
    const cspType = s.sourceCspType ?? 'AWS';
    const sourceRegion = s.sourceRegion ?? 'ap-southeast-2';
    const targetRegion = s.targetRegion ?? 'KR';
    const listed = s.listed ?? jobState !== 'INITIALIZED';
    const policy: SimPolicy = {
      title: s.title,
      jobState,
      source: {
        cspType,
        region: sourceRegion,
        bucket: s.sourceBucket ?? 'source-bucket',
        prefix: s.sourcePrefix ?? '',
        endpoint: sourceEndpointFor(cspType, sourceRegion, 'simaccount'),
      },
      target: {
        region: targetRegion,
        bucket: s.targetBucket ?? 'target-bucket',
        prefix: s.targetPrefix ?? '',
        endpoint: targetEndpointFor(targetRegion),
      },
      createTime: now,
      updateTime: now,
      totalSize,
      totalObjects: s.totalObjects ?? 10_000,
      skippedSize,
      skippedObjects: s.skippedObjects ?? 0,
      listingMs: listed ? this.#timings.listingDelayMs : 0,
      estimatedDone: listed,
      migratedSize:
        jobState === 'DONE' ? totalSize - skippedSize : (s.progress ?? 0) * (totalSize - skippedSize),
      speed: s.speed ?? this.#timings.speedBytesPerSecond,
      runningSince: jobState === 'STARTED' ? now : undefined,
      failAt: s.failAt,
    };
    this.policies.set(policy.title, policy);
    return policy;
  }

  /** The policy as the API would show it now. */
  policy(title: string): SimPolicy | undefined {
    const policy = this.policies.get(title);
    if (policy) advancePolicy(policy, this.clock.now(), this.#timings);
    return policy;
  }

  #routes(): Router {
    const api = '/migration-api/v1';
    return new Router()
      .add('POST', `${api}/policy`, (r) => this.#create(r))
      .add('GET', `${api}/policies`, (r) => this.#list(r))
      .add('GET', `${api}/policy/:title`, (r) => this.#withPolicy(r, (p) => this.#show(p)))
      .add('PUT', `${api}/policy/:title`, (r) => this.#withPolicy(r, (p) => this.#update(p, r)))
      .add('DELETE', `${api}/policy/:title`, (r) => this.#withPolicy(r, (p) => this.#delete(p)))
      .add('POST', `${api}/policy/:title/start`, (r) => this.#withPolicy(r, (p) => this.#start(p)))
      .add('POST', `${api}/policy/:title/pause`, (r) => this.#withPolicy(r, (p) => this.#pause(p)));
  }

  #controlRoutes(): Router {
    return new Router().add('POST', '/__sim/policies', (r) => {
      const seed = seedPolicySchema.safeParse(readJson(r));
      if (!seed.success) return json(400, { error: seed.error.message });
      if (this.policies.has(seed.data.title)) return json(409, { error: 'title already seeded' });
      return json(201, this.#show(this.addPolicy(seed.data)).body);
    });
  }

  #faultError(status: number) {
    if (status === 429)
      return this.#options.rateLimitCode === '410'
        ? GATEWAY_ERRORS.throttleLimited
        : GATEWAY_ERRORS.rateLimited;
    if (status === 404) return GATEWAY_ERRORS.notFound;
    if (status === 413) return GATEWAY_ERRORS.entityTooLarge;
    if (status === 504) return GATEWAY_ERRORS.endpointTimeout;
    if (status >= 500) return GATEWAY_ERRORS.endpointError;
    return GATEWAY_ERRORS.badRequest;
  }

  #withPolicy(request: SimRequest, handler: (policy: SimPolicy) => SimResponse): SimResponse {
    const policy = this.policy(request.params.title ?? '');
    if (!policy) return gatewayError(GATEWAY_ERRORS.notFound, 'Migration policy not found.');
    return handler(policy);
  }

  #show(policy: SimPolicy): SimResponse {
    return json(200, this.#policyObject(policy));
  }

  #policyObject(policy: SimPolicy, jobState?: SimPolicy['jobState']): Record<string, unknown> {
    return toPolicyObject(policy, this.#timings, jobState, this.otherReadings ? 'epochMillis' : 'iso');
  }

  #create(request: SimRequest): SimResponse {
    const body = this.#parseBody(request);
    if ('status' in body) return body;
    if (this.policies.has(body.title)) {
      return gatewayError(GATEWAY_ERRORS.badRequest, `Migration policy "${body.title}" already exists.`);
    }
    const now = this.clock.now();
    const region = header(request, NCP_HEADERS.region) ?? 'KR';
    const policy: SimPolicy = {
      title: body.title,
      jobState: 'INITIALIZED',
      source: sourceOf(body),
      target: { ...targetOf(body), region, endpoint: targetEndpointFor(region) },
      createTime: now,
      updateTime: now,
      totalSize: 10 * GiB,
      totalObjects: 10_000,
      skippedSize: 0,
      skippedObjects: 0,
      listingMs: 0,
      estimatedDone: false,
      migratedSize: 0,
      speed: this.#timings.speedBytesPerSecond,
    };
    this.policies.set(policy.title, policy);
    return this.#show(policy);
  }

  #update(policy: SimPolicy, request: SimRequest): SimResponse {
    const body = this.#parseBody(request);
    if ('status' in body) return body;
    if (body.title !== policy.title) {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'The title of a policy cannot be changed.');
    }
    if (policy.jobState === 'STARTED') {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'A started policy cannot be updated. Pause it first.');
    }
    policy.source = sourceOf(body);
    policy.target = { ...policy.target, ...targetOf(body) };
    policy.updateTime = this.clock.now();
    return this.#show(policy);
  }

  #start(policy: SimPolicy): SimResponse {
    if (policy.jobState === 'STARTED') {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'The migration policy has already started.');
    }
    if (policy.jobState === 'DONE' && this.otherReading('startDone')) {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'The migration policy is already done.');
    }
    const now = this.clock.now();
    if (policy.jobState === 'DONE') rerunPolicy(policy);
    policy.jobState = 'STARTED';
    policy.runningSince = now;
    policy.updateTime = now;
    return this.#show(policy);
  }

  #pause(policy: SimPolicy): SimResponse {
    if (policy.jobState !== 'STARTED') {
      return gatewayError(
        GATEWAY_ERRORS.badRequest,
        `Only a STARTED migration policy can be paused; this one is ${policy.jobState}.`,
      );
    }
    policy.jobState = 'PAUSED';
    policy.runningSince = undefined;
    policy.updateTime = this.clock.now();
    return this.#show(policy);
  }

  #delete(policy: SimPolicy): SimResponse {
    if (policy.jobState === 'STARTED') {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'A started policy cannot be deleted. Pause it first.');
    }
    this.policies.delete(policy.title);
    policy.updateTime = this.clock.now();
    return json(200, this.#policyObject(policy, 'DELETED'));
  }

  #list(request: SimRequest): SimResponse {
    const q = request.query;
    const order = q.get('order') ?? 'createTime';
    const sortBy = q.get('sortBy') ?? 'asc';
    const limit = wholeNumber(q.get('limit'), 100);
    const page = wholeNumber(q.get('page'), 0);
    if (!(LIST_ORDERS as readonly string[]).includes(order)) {
      return gatewayError(GATEWAY_ERRORS.badRequest, `order must be one of ${LIST_ORDERS.join(', ')}.`);
    }
    if (sortBy !== 'asc' && sortBy !== 'desc') {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'sortBy must be asc or desc.');
    }
    if (Number.isNaN(limit) || limit < 1) {
      return gatewayError(GATEWAY_ERRORS.badRequest, 'limit must be a positive integer.');
    }
    if (Number.isNaN(page)) return gatewayError(GATEWAY_ERRORS.badRequest, 'page must be 0 or more.');
    const key = sortKey(order as ListOrder);
    const direction = sortBy === 'asc' ? 1 : -1;
    const all = [...this.policies.keys()]
      .map((title) => this.policy(title)!)
      .sort((a, b) => direction * (compare(key(a), key(b)) || compare(a.title, b.title)));
    const jobList = all.slice(page * limit, (page + 1) * limit).map((p) => this.#policyObject(p));
    const num = this.otherReading('listNum') ? jobList.length : all.length;
    return json(200, { objStrContracted: true, num, jobList });
  }

  /** A body error in the gateway format, or the valid body. */
  #parseBody(request: SimRequest): PolicyBody | SimResponse {
    const parsed = policyBodySchema.safeParse(readJson(request));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    return gatewayError(GATEWAY_ERRORS.badRequest, `${where}: ${issue?.message ?? 'invalid'}`);
  }
}

function sourceOf(body: PolicyBody): SimPolicy['source'] {
  const s = body.source;
  return {
    cspType: s.sourceCspType,
    region: s.regionName,
    bucket: s.bucketName,
    prefix: s.prefix ?? '',
    endpoint: sourceEndpointFor(s.sourceCspType, s.regionName, s.accessKey),
  };
}

function targetOf(body: PolicyBody): Pick<SimPolicy['target'], 'bucket' | 'prefix'> {
  return { bucket: body.target.bucketName, prefix: body.target.prefix ?? '' };
}

function sortKey(order: ListOrder): (policy: SimPolicy) => string | number {
  switch (order) {
    case 'createTime':
      return (p) => p.createTime;
    case 'updateTime':
      return (p) => p.updateTime;
    case 'title':
      return (p) => p.title;
    case 'sourceBucketName':
      return (p) => p.source.bucket;
    case 'targetBucketName':
      return (p) => p.target.bucket;
  }
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function wholeNumber(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
}
