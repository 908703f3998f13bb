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
import type { ShapeRules, ShapeSettings } from '../shapes.js';
import { SimGatewayAuth, type SimIamUser, TOKEN_EXPIRY_READING } from './auth.js';
import { DEFAULT_BUCKETS, registerCatalogRoutes, type SimBucket, SimBuckets } from './catalog.js';
import { DEFAULT_LIMITS, omsError, type Routes, type SimContext, type SimLimits } from './common.js';
import { documentedExamples } from './documented-examples.js';
import { PAUSE_MONITORING_GROUP_READING, registerTaskGroupRoutes } from './group-routes.js';
import {
  advanceTaskGroup,
  newTaskGroup,
  type SeedTaskGroup,
  type SimTaskGroup,
  seedTaskGroupSchema,
  toTaskGroupResp,
} from './groups.js';
import {
  advanceTask,
  DEFAULT_TIMINGS,
  newSimTask,
  type SeedTask,
  type SimTask,
  type TaskTimings,
  toTaskResp,
} from './state.js';
import {
  advanceSyncTask,
  newSyncTask,
  registerSyncTaskRoutes,
  type SeedSyncTask,
  type SimSyncTask,
  STATISTICS_TIME_READING,
  seedSyncTaskSchema,
} from './sync-tasks.js';
import { PAUSE_RETRYING_READING, registerTaskRoutes, seedTaskSchema } from './tasks.js';

/** Shapes mode keeps what identifies an item; these fields are enumerations. */
const SHAPE_RULES: ShapeRules = {
  keep: ['id', 'name', 'status', 'group_id', 'sync_task_id', 'count', 'token', 'exist'],
  enums: [
    'status',
    'task_type',
    'group_type',
    'task_priority',
    'dst_storage_policy',
    'object_overwrite_mode',
    'consistency_check',
  ],
};

/**
 * What seed 002 leaves open and the simulator answers both ways: the usual reading by default, the
 * other one with shapes `otherReadings` (shapes.ts). The README's "Inferred" table lists them.
 */
export const READINGS = {
  tokenExpiry: TOKEN_EXPIRY_READING,
  pauseRetrying: PAUSE_RETRYING_READING,
  pauseMonitoringGroup: PAUSE_MONITORING_GROUP_READING,
  statisticsTime: STATISTICS_TIME_READING,
} as const;

export type { SimBucket } from './catalog.js';
export type { SimLimits } from './common.js';
export type { SeedTaskGroup, SimTaskGroup } from './groups.js';
export { GiB, type SeedTask, type SimTask, type TaskTimings } from './state.js';
export type { SeedSyncTask, SimSyncTask } from './sync-tasks.js';

/** What an IAM principal (an AK, or an IAM user name) may do: nothing, or only read. */
export type SimPermission = 'none' | 'readonly';

export interface OmsSimulatorOptions {
  /** Shapes mode from the start (see ../shapes.ts); `setShapes` or `POST /__sim/shapes` later. */
  shapes?: Partial<ShapeSettings>;
  projectId: string;
  /** AK → SK accepted by the gateway. */
  keys?: Record<string, string>;
  /** IAM users that may get a token. */
  users?: SimIamUser[];
  timings?: Partial<TaskTimings>;
  clock?: SimClock;
  faults?: FaultInjector;
  port?: number;
  /** The endpoint's region: destinations must be there (default cn-north-4). */
  region?: string;
  /** Restricted principals, by AK or IAM user name: 403 OMS.0206 (none) or OMS.0205 (writes, readonly). */
  permissions?: Record<string, SimPermission>;
  /** Source-bucket keys (AK → SK) the bucket queries accept; any non-empty pair when unset. */
  storageKeys?: Record<string, string>;
  /** Quotas; the documented ones by default. */
  limits?: Partial<SimLimits>;
  /** Source buckets the bucket queries see; a small default set when unset. */
  buckets?: SimBucket[];
  /**
   * A region without the synchronization-task API (it exists only in CN North-Beijing4 and CN
   * East-Shanghai1, seed 002 §5.3): every sync-task route gets the gateway's 404 APIGW.0101.
   */
  withoutSyncTasks?: boolean;
  /**
   * The project is a sub-project (seed 002 Table 3-3): an AK/SK request to one of its URIs must carry
   * `X-Project-ID` naming it, among the signed headers, or it is refused with 403 OMS.2001 ("project
   * verify fail"; which code the gateway uses is inferred). IAM tokens carry their project.
   */
  subProject?: boolean;
  /**
   * Where a task that ends with failed objects writes their list (`failed_object_record.list_file_key`
   * in its destination bucket, seed 002 Table 5-19): an S3 store's writer (object-store/oms-lists.ts).
   */
  failedLists?: (task: SimTask) => void;
  /** Called once when a task succeeds: an S3 store's mover brings a list task's objects over. */
  succeeded?: (task: SimTask) => void;
  /** Sizes a `list` task by what its list file names (an S3 store's reader). */
  listSize?: SimContext['listSize'];
}

const PROJECT = '/v2/:project_id';

/**
 * Huawei OMS v2 served on loopback, faithful to seed 002 §5: all 33 operations behind the API
 * Gateway's auth (AK/SK or IAM token), the documented parameter limits, state rules and error codes
 * (§6.2), and tasks, task groups and synchronization tasks that move through their states over
 * (virtual) time. Resource routes live in tasks.ts, group-routes.ts, sync-tasks.ts and catalog.ts.
 */
export class OmsSimulator extends Simulator implements SimContext {
  readonly tasks = new Map<string, SimTask>();
  /**
   * The API Gateway's clock, which checks `X-Sdk-Date` and token expiry; the tasks' clock when
   * unset. A test that moves the tasks' clock by hours sets `Date.now` here: the bot signs on the
   * system clock.
   */
  gatewayNow: (() => number) | undefined;
  readonly taskGroups = new Map<string, SimTaskGroup>();
  readonly syncTasks = new Map<string, SimSyncTask>();
  readonly buckets = new SimBuckets();
  readonly clock: SimClock;
  readonly auth: SimGatewayAuth;
  readonly projectId: string;
  readonly region: string;
  readonly timings: TaskTimings;
  readonly limits: SimLimits;
  readonly taskCreations: number[] = [];
  readonly taskGroupCreations: number[] = [];
  readonly #options: OmsSimulatorOptions;
  readonly #listsWritten = new Map<string, string>();
  readonly #succeeded = new Set<string>();
  #nextId = 191297407830872;

  constructor(options: OmsSimulatorOptions) {
    super();
    this.#options = options;
    this.projectId = options.projectId;
    this.region = options.region ?? 'cn-north-4';
    this.clock = options.clock ?? new SimClock();
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    for (const bucket of options.buckets ?? DEFAULT_BUCKETS) this.buckets.add(structuredClone(bucket));
    this.auth = new SimGatewayAuth({
      keys: options.keys ?? {},
      users: options.users ?? [],
      now: () => (this.gatewayNow ?? this.clock.now.bind(this.clock))(),
      otherReadings: () => this.otherReadings,
    });
  }

  protected serverOptions(): SimServerOptions {
    return {
      name: 'huawei-oms',
      router: this.#routes(),
      control: this.#controlRoutes(),
      faults: this.#options.faults,
      shapes: this.#options.shapes,
      shapeRules: SHAPE_RULES,
      port: this.#options.port,
      authenticate: (request) => this.auth.check(request) ?? this.#checkPermission(request),
      faultBody: (status) =>
        status === 429
          ? { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached.' }
          : status === 404
            ? { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published.' }
            : status === 405
              ? { error_code: 'OMS.0005', error_msg: 'The HTTP request method does not exist.' }
              : { error_code: 'OMS.0160', error_msg: 'System busy. Try again later.' },
    };
  }

  /** Forgets every task, group and synchronization task (buckets and quotas' history too). */
  reset(): void {
    this.tasks.clear();
    this.taskGroups.clear();
    this.syncTasks.clear();
    this.taskCreations.length = 0;
    this.taskGroupCreations.length = 0;
  }

  addTask(seed: SeedTask, at: number = this.clock.now()): SimTask {
    // Explicit seed ids may sit ahead in the sequence: never hand one out twice.
    while (!seed.id && this.tasks.has(String(this.#nextId))) this.#nextId++;
    const id = seed.id ?? String(this.#nextId++);
    const task = newSimTask(seed, id, at, this.timings);
    this.tasks.set(id, task);
    return task;
  }

  /** Where failed-object lists are written from now on (`OmsSimulatorOptions.failedLists`). */
  writeFailedListsWith(hook: (task: SimTask) => void): void {
    this.#options.failedLists = hook;
  }

  /**
   * A store's list tasks from now on: sized by what their list file names, and brought over when
   * they succeed (`OmsSimulatorOptions.listSize`, `succeeded`).
   */
  listTasksWith(hooks: Pick<OmsSimulatorOptions, 'listSize' | 'succeeded'>): void {
    Object.assign(this.#options, hooks);
  }

  listSize(src: Parameters<NonNullable<SimContext['listSize']>>[0]) {
    return this.#options.listSize?.(src);
  }

  /** The task as the API would show it now. */
  task(id: string): SimTask | undefined {
    const task = this.tasks.get(id);
    if (task) advanceTask(task, this.clock.now(), this.timings);
    if (task?.failedListKey && this.#listsWritten.get(task.id) !== task.failedListKey) {
      this.#listsWritten.set(task.id, task.failedListKey);
      this.#options.failedLists?.(task);
    }
    if (task?.status === 5 && !this.#succeeded.has(task.id)) {
      this.#succeeded.add(task.id);
      this.#options.succeeded?.(task);
    }
    return task;
  }

  /** Seeds a task group; with a status of 1 or more its tasks exist already. */
  addTaskGroup(seed: SeedTaskGroup = {}): SimTaskGroup {
    const group = newTaskGroup(this, seed);
    this.taskGroups.set(group.id, group);
    return group;
  }

  /** The group as the API would show it now (undefined once deleted). */
  taskGroup(id: string): SimTaskGroup | undefined {
    const group = this.taskGroups.get(id);
    if (!group) return undefined;
    return advanceTaskGroup(this, group) ? group : undefined;
  }

  addSyncTask(seed: SeedSyncTask = {}): SimSyncTask {
    const task = newSyncTask(this, seed);
    this.syncTasks.set(task.id, task);
    return task;
  }

  /** The synchronization task with its due events processed (deleted ones are kept, marked). */
  syncTask(id: string): SimSyncTask | undefined {
    const task = this.syncTasks.get(id);
    if (task) advanceSyncTask(this, task);
    return task;
  }

  /** Seeds the task, task group and sync task of seed 002's example responses (documented-examples.ts). */
  addDocumentedExamples(): { tasks: SimTask[]; groups: SimTaskGroup[]; syncTasks: SimSyncTask[] } {
    const examples = documentedExamples();
    return {
      tasks: examples.tasks.map((t) => this.addTask(t)),
      groups: examples.groups.map((g) => this.addTaskGroup(g)),
      syncTasks: examples.syncTasks.map((t) => this.addSyncTask(t)),
    };
  }

  addBucket(bucket: SimBucket): SimBucket {
    return this.buckets.add(bucket);
  }

  #checkPermission(request: SimRequest): SimResponse | undefined {
    const permissions = this.#options.permissions;
    if (!permissions || request.path === '/v3/auth/tokens') return undefined;
    const principal = this.auth.principal(request);
    const permission = principal ? permissions[principal] : undefined;
    if (permission === 'none') return omsError(403, 'OMS.0206');
    // The bucket queries are POSTs but only read.
    const read = request.method === 'GET' || request.path.includes('/objectstorage/');
    if (permission === 'readonly' && !read) return omsError(403, 'OMS.0205');
    return undefined;
  }

  /** For a sub-project, whether an AK/SK request names it in a signed X-Project-ID (Table 3-3). */
  #subProjectNamed(request: SimRequest): boolean {
    if (!this.#options.subProject) return true;
    const authorization = request.headers.authorization;
    if (typeof authorization !== 'string') return true;
    const signed = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    return signed.includes('x-project-id') && request.headers['x-project-id'] === this.projectId;
  }

  #routes(): Router {
    const router = new Router().add('POST', '/v3/auth/tokens', (r) => this.auth.issueToken(r));
    // Every project-scoped route checks the project first; the version routes have none.
    const scoped: Routes = {
      add: (method, pattern, handler) => {
        router.add(method, pattern, (r) =>
          r.params.project_id !== undefined &&
          (r.params.project_id !== this.projectId || !this.#subProjectNamed(r))
            ? omsError(403, 'OMS.2001')
            : handler(r),
        );
        return scoped;
      },
    };
    registerTaskRoutes(scoped, this, PROJECT);
    registerTaskGroupRoutes(scoped, this, PROJECT);
    // Unregistered, a route falls through to the gateway's "API does not exist" (404 APIGW.0101).
    if (!this.#options.withoutSyncTasks) registerSyncTaskRoutes(scoped, this, PROJECT);
    registerCatalogRoutes(scoped, this, PROJECT, this.#options.storageKeys);
    return router;
  }

  #controlRoutes(): Router {
    const seed =
      <T>(schema: z.ZodType<T>, create: (value: T) => SimResponse) =>
      (r: SimRequest) => {
        const parsed = schema.safeParse(readJson(r) ?? {});
        if (!parsed.success) return json(400, { error: parsed.error.message });
        return create(parsed.data);
      };
    return new Router()
      .add(
        'POST',
        '/__sim/tasks',
        seed(seedTaskSchema, (s) => json(201, toTaskResp(this.addTask(s)))),
      )
      .add(
        'POST',
        '/__sim/task-groups',
        seed(seedTaskGroupSchema, (s) => json(201, toTaskGroupResp(this, this.addTaskGroup(s)))),
      )
      .add(
        'POST',
        '/__sim/sync-tasks',
        seed(seedSyncTaskSchema, (s) => json(201, { sync_task_id: this.addSyncTask(s).id })),
      )
      .add(
        'POST',
        '/__sim/buckets',
        seed(
          z.object({
            cloudType: z.string(),
            region: z.string(),
            name: z.string().min(1),
            objects: z
              .array(
                z.object({
                  key: z.string(),
                  size: z.number().int().nonnegative(),
                  lastModified: z.number().int().nonnegative().optional(),
                }),
              )
              .default([]),
          }),
          (b) => json(201, this.addBucket(b)),
        ),
      );
  }
}
