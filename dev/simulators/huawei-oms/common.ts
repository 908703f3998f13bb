import seedCodes from '../../../src/catalogue/oms-error-codes.json' with { type: 'json' };
import type { SimClock, SimHandler, SimRequest, SimResponse } from '../kit.js';
import { huaweiError } from './auth.js';
import type { SimBuckets } from './catalog.js';
import type { SimTaskGroup } from './groups.js';
import type { SeedTask, SimTask, TaskTimings } from './state.js';
import type { SimSyncTask } from './sync-tasks.js';

/** Quotas from the seed: 1,500 tasks a day and 1,500 waiting (5.2.3), 5 sync tasks (5.3.3), 100 groups a day (OMS.1037). */
export interface SimLimits {
  tasksPerDay: number;
  waitingTasks: number;
  taskGroupsPerDay: number;
  syncTasks: number;
}

export const DEFAULT_LIMITS: SimLimits = {
  tasksPerDay: 1_500,
  waitingTasks: 1_500,
  taskGroupsPerDay: 100,
  syncTasks: 5,
};

/** Where the per-resource files add their routes (a `Router`, or one that checks the project first). */
export interface Routes {
  add(method: string, pattern: string, handler: SimHandler): Routes;
}

/** What the per-resource route files share: the simulator's state and clock. */
export interface SimContext {
  readonly projectId: string;
  /** The region of the service endpoint: destinations must be there. */
  readonly region: string;
  readonly clock: SimClock;
  readonly timings: TaskTimings;
  readonly limits: SimLimits;
  readonly tasks: Map<string, SimTask>;
  readonly taskGroups: Map<string, SimTaskGroup>;
  readonly syncTasks: Map<string, SimSyncTask>;
  readonly buckets: SimBuckets;
  /** Whether what seed 002 leaves open follows its other reading (shapes.ts; `READINGS` in index.ts names them). */
  readonly otherReadings: boolean;
  /** Creation times (virtual ms) of tasks and groups created through the API, for the daily quotas. */
  readonly taskCreations: number[];
  readonly taskGroupCreations: number[];
  addTask(seed: SeedTask, at?: number): SimTask;
  /** The task advanced to now. */
  task(id: string): SimTask | undefined;
  /** The group (and its tasks) advanced to now; undefined once deleted. */
  taskGroup(id: string): SimTaskGroup | undefined;
  syncTask(id: string): SimSyncTask | undefined;
  /** What a `list` task's list file names that its source holds (an S3 store's reader), if known. */
  listSize?(src: {
    bucket: string;
    list_file?: { obs_bucket: string; list_file_key: string };
  }): { bytes: number; objects: number } | undefined;
}

/**
 * An OMS error body; the message defaults to the one seed 002 §6.2 gives the code (for the status,
 * where the table lists the code twice), read from the table as extracted, not through the bot.
 */
export function omsError(status: number, code: string, message?: string): SimResponse {
  const rows = seedCodes.filter((row) => row.code === code);
  const row = rows.find((r) => r.httpStatus === status) ?? rows[0];
  return huaweiError(status, code, message ?? row?.message ?? code);
}

export const OK: SimResponse = { status: 200 };

/** An integer query parameter; NaN when present but not an integer. */
export function intParam(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

/** limit/offset as OMS checks them (Tables 5-12, 5-77, 5-114). */
export function pageParams(
  request: SimRequest,
  offsetMax: number,
): { limit: number; offset: number } | SimResponse {
  const limit = intParam(request.query.get('limit'), 10);
  const offset = intParam(request.query.get('offset'), 0);
  if (Number.isNaN(limit) || limit < 1 || limit > 100) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: limit must be 1 to 100.');
  }
  if (Number.isNaN(offset) || offset < 0 || offset > offsetMax) {
    return omsError(400, 'OMS.0001', `Invalid parameter settings: offset must be 0 to ${offsetMax}.`);
  }
  return { limit, offset };
}

export function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value && typeof value.status === 'number';
}

export function uuid(): string {
  return crypto.randomUUID();
}
