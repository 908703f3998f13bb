import { z } from 'zod';
import { json, type SimRequest, type SimResponse } from '../kit.js';
import type { Reading } from '../shapes.js';
import { isResponse, OK, omsError, pageParams, type Routes, type SimContext, uuid } from './common.js';
import { checkRequest } from './request-check.js';
import type {
  CreateSyncEventsBody,
  CreateSyncTaskBody,
  JsonObject,
  StartSyncTaskBody,
} from './request-types.js';
import {
  LIMITS,
  SYNC_STATISTIC_DATA_TYPES,
  SYNC_TASK_STATUSES,
  type SyncStatisticDataType,
  type SyncTaskStatus,
} from './seed-values.js';

/** A synchronization task: it waits for events and copies the objects they name (seed 002 §5.3). */
export interface SimSyncTask {
  id: string;
  status: SyncTaskStatus;
  info: {
    src_cloud_type: string;
    src_region: string;
    src_bucket: string;
    dst_region: string;
    dst_bucket: string;
    description: string;
    enable_kms: boolean;
    enable_metadata_migration: boolean;
    enable_restore: boolean;
    app_id: string | null;
    source_cdn: { domain: string; protocol: string; authentication_type: string } | null;
    object_overwrite_mode: string;
    dst_storage_policy: string | null;
    consistency_check: string;
  };
  createdAt: number;
  lastStartAt: number;
  /** Keys received and not yet synchronized (as sent: URL-encoded). */
  pending: { key: string; receivedAt: number }[];
  /** Statistics as they happened, for ShowSyncTask and the statistics API. */
  records: { at: number; type: SyncStatisticDataType; n: number }[];
  /** Keys (decoded) whose synchronization fails. */
  failKeys: string[];
  /** Size counted for a key not found in the source bucket. */
  objectSize: number;
  deletedAt?: number;
}

export interface SeedSyncTask {
  id?: string;
  status?: SyncTaskStatus;
  src_cloud_type?: string;
  src_region?: string;
  src_bucket?: string;
  dst_region?: string;
  dst_bucket?: string;
  description?: string;
  failKeys?: string[];
  objectSize?: number;
}

export const seedSyncTaskSchema: z.ZodType<SeedSyncTask> = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,255}$/)
    .optional(),
  status: z.enum(SYNC_TASK_STATUSES).optional(),
  src_cloud_type: z.string().optional(),
  src_region: z.string().optional(),
  src_bucket: z.string().optional(),
  dst_region: z.string().optional(),
  dst_bucket: z.string().optional(),
  description: z.string().max(255).optional(),
  failKeys: z.array(z.string()).optional(),
  objectSize: z.number().int().nonnegative().optional(),
});

export function newSyncTask(ctx: SimContext, seed: SeedSyncTask): SimSyncTask {
  const now = ctx.clock.now();
  return {
    id: seed.id ?? uuid(),
    status: seed.status ?? 'SYNCHRONIZING',
    info: {
      src_cloud_type: seed.src_cloud_type ?? 'Aliyun',
      src_region: seed.src_region ?? 'cn-beijing',
      src_bucket: seed.src_bucket ?? 'api-auto-test1',
      dst_region: seed.dst_region ?? ctx.region,
      dst_bucket: seed.dst_bucket ?? 'dst-bucket',
      description: seed.description ?? '',
      enable_kms: false,
      enable_metadata_migration: false,
      enable_restore: false,
      app_id: null,
      source_cdn: null,
      object_overwrite_mode: 'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
      dst_storage_policy: null,
      consistency_check: 'size_last_modified',
    },
    createdAt: now,
    lastStartAt: now,
    pending: [],
    records: [],
    failKeys: seed.failKeys ?? [],
    objectSize: seed.objectSize ?? 1024,
  };
}

function decode(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/**
 * Synchronizes the keys whose delay has passed while the task was synchronizing: a key in `failKeys`
 * fails, a key named twice in one batch is skipped the second time, any other succeeds.
 */
export function advanceSyncTask(ctx: SimContext, task: SimSyncTask): void {
  if (task.status !== 'SYNCHRONIZING' || task.deletedAt !== undefined) return;
  const now = ctx.clock.now();
  const delay = ctx.timings.syncDelayMs;
  const due = task.pending.filter((p) => Math.max(p.receivedAt, task.lastStartAt) + delay <= now);
  if (due.length === 0) return;
  task.pending = task.pending.filter((p) => !due.includes(p));
  const seen = new Set<string>();
  for (const p of due) {
    const at = Math.max(p.receivedAt, task.lastStartAt) + delay;
    const key = decode(p.key);
    if (task.failKeys.includes(key)) {
      task.records.push({ at, type: 'FAILURE', n: 1 });
    } else if (seen.has(`${at}:${key}`)) {
      task.records.push({ at, type: 'SKIP', n: 1 });
    } else {
      seen.add(`${at}:${key}`);
      const object = ctx.buckets
        .find(task.info.src_cloud_type, task.info.src_bucket)
        ?.objects.find((o) => o.key === key);
      task.records.push(
        { at, type: 'SUCCESS', n: 1 },
        { at, type: 'SIZE', n: object?.size ?? task.objectSize },
      );
    }
  }
}

function monthOf(ms: number): [number, number] {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return [start, end];
}

function total(task: SimSyncTask, type: SyncStatisticDataType, from: number, to: number): number {
  return task.records
    .filter((r) => r.type === type && r.at >= from && r.at < to)
    .reduce((s, r) => s + r.n, 0);
}

function toSyncTaskInfo(task: SimSyncTask) {
  return {
    sync_task_id: task.id,
    ...task.info,
    create_time: task.createdAt,
    last_start_time: task.lastStartAt,
    status: task.status,
  };
}

/**
 * ShowSyncTaskResp (Table 5-92): the counters are those of query_time's month (UTC). Table 5-92 has
 * no `source_cdn`, unlike SyncTaskInfo (Table 5-80), so it is left out; the seed's own example
 * answer has none either (test/providers/simulators/simulator-response-fields.test.ts).
 */
function toShowSyncTaskResp(task: SimSyncTask, queryTime: number): JsonObject {
  const [from, to] = monthOf(queryTime);
  const { source_cdn: _notInTable592, ...info } = toSyncTaskInfo(task);
  return {
    ...info,
    monthly_acceptance_request: total(task, 'REQUEST', from, to),
    monthly_success_object: total(task, 'SUCCESS', from, to),
    monthly_failure_object: total(task, 'FAILURE', from, to),
    monthly_skip_object: total(task, 'SKIP', from, to),
    monthly_size: total(task, 'SIZE', from, to),
  };
}

const FIVE_MINUTES = 5 * 60 * 1000;
const ONE_HOUR = 60 * 60 * 1000;
/** Ranges up to a day come in 5-minute points, longer ones in hours (inferred from OMS.2051/2052). */
const FIVE_MINUTE_RANGE_MAX = 24 * ONE_HOUR;

/** Synchronization-task routes (seed 002 §5.3). */
export function registerSyncTaskRoutes(router: Routes, ctx: SimContext, project: string): void {
  const base = `${project}/sync-tasks`;
  router
    .add('GET', base, (r) => listSyncTasks(ctx, r))
    .add('POST', base, (r) => createSyncTask(ctx, r))
    .add('GET', `${base}/:sync_task_id`, (r) =>
      withSyncTask(ctx, r, { missing: 404, deleted: 404 }, (t) => showSyncTask(t, r)),
    )
    .add('GET', `${base}/:sync_task_id/statistics`, (r) =>
      withSyncTask(ctx, r, { missing: 404, deleted: 404 }, (t) => statistics(t, r, ctx.otherReadings)),
    )
    .add('POST', `${base}/:sync_task_id/events`, (r) => events(ctx, r))
    .add('DELETE', `${base}/:sync_task_id`, (r) =>
      withSyncTask(ctx, r, { missing: 403, deleted: 400 }, (t) => {
        if (t.status === 'SYNCHRONIZING') {
          return omsError(400, 'OMS.0063', 'The task is synchronizing. Stop the task and then delete it.');
        }
        t.deletedAt = ctx.clock.now();
        return OK;
      }),
    )
    .add('POST', `${base}/:sync_task_id/stop`, (r) =>
      withSyncTask(ctx, r, { missing: 403, deleted: 400 }, (t) => {
        if (t.status !== 'SYNCHRONIZING') return omsError(400, 'OMS.1012');
        t.status = 'STOPPED';
        return OK;
      }),
    )
    .add('POST', `${base}/:sync_task_id/start`, (r) =>
      withSyncTask(ctx, r, { missing: 400, deleted: 400 }, (t) => {
        const body = checkRequest<StartSyncTaskBody>(r, 'StartSyncTask');
        if (isResponse(body)) return body;
        if (t.status === 'SYNCHRONIZING') return omsError(400, 'OMS.0065');
        t.status = 'SYNCHRONIZING';
        t.lastStartAt = ctx.clock.now();
        return OK;
      }),
    );
}

/**
 * Unknown ids get OMS.0095 with the status each operation documents; a deleted task keeps answering
 * OMS.1011 "The synchronization task has been deleted".
 */
function withSyncTask(
  ctx: SimContext,
  request: SimRequest,
  statuses: { missing: number; deleted: number },
  handler: (task: SimSyncTask) => SimResponse,
): SimResponse {
  const id = request.params.sync_task_id ?? '';
  if (id.length > LIMITS.syncTaskIdMax) {
    return omsError(
      400,
      'OMS.0001',
      'Invalid parameter settings: sync_task_id must be at most 255 characters.',
    );
  }
  const task = ctx.syncTask(id);
  if (!task) return omsError(statuses.missing, 'OMS.0095', `Synchronization task ${id} does not exist.`);
  if (task.deletedAt !== undefined) return omsError(statuses.deleted, 'OMS.1011');
  return handler(task);
}

function listSyncTasks(ctx: SimContext, request: SimRequest): SimResponse {
  const page = pageParams(request, LIMITS.syncTaskOffsetMax);
  if (isResponse(page)) return page;
  const status = request.query.get('status') || undefined;
  if (status !== undefined && !(SYNC_TASK_STATUSES as readonly string[]).includes(status)) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: status must be SYNCHRONIZING or STOPPED.');
  }
  const matching = [...ctx.syncTasks.keys()]
    .map((id) => ctx.syncTask(id))
    .filter((t): t is SimSyncTask => t !== undefined && t.deletedAt === undefined)
    .filter((t) => status === undefined || t.status === status)
    .sort((a, b) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : 1));
  return json(200, {
    tasks: matching.slice(page.offset, page.offset + page.limit).map(toSyncTaskInfo),
    count: matching.length,
  });
}

function createSyncTask(ctx: SimContext, request: SimRequest): SimResponse {
  const body = checkRequest<CreateSyncTaskBody>(request, 'CreateSyncTask');
  if (isResponse(body)) return body;
  if (body.dst_region !== ctx.region) {
    return omsError(
      400,
      'OMS.0080',
      `The destination region must be the region of this endpoint (${ctx.region}), not ${body.dst_region}.`,
    );
  }
  const active = [...ctx.syncTasks.values()].filter((t) => t.deletedAt === undefined).length;
  if (active >= ctx.limits.syncTasks) {
    return omsError(
      400,
      'OMS.0077',
      `A tenant can create a maximum of ${ctx.limits.syncTasks} synchronization tasks.`,
    );
  }
  const task = newSyncTask(ctx, {
    src_cloud_type: body.src_cloud_type ?? 'Aliyun',
    src_region: body.src_region,
    src_bucket: body.src_bucket,
    dst_region: body.dst_region,
    dst_bucket: body.dst_bucket,
    description: body.description,
  });
  task.info.enable_kms = body.enable_kms ?? false;
  task.info.enable_metadata_migration = body.enable_metadata_migration ?? false;
  task.info.enable_restore = body.enable_restore ?? false;
  task.info.app_id = body.app_id ?? null;
  task.info.dst_storage_policy = body.dst_storage_policy ?? null;
  task.info.consistency_check = body.consistency_check ?? 'size_last_modified';
  task.info.source_cdn = body.source_cdn
    ? {
        domain: body.source_cdn.domain,
        protocol: body.source_cdn.protocol,
        authentication_type: body.source_cdn.authentication_type,
      }
    : null;
  ctx.syncTasks.set(task.id, task);
  return json(200, { sync_task_id: task.id });
}

function timeParam(request: SimRequest, name: string): number | SimResponse {
  const value = request.query.get(name);
  if (value === null || value === '')
    return omsError(400, 'OMS.1004', `Some required parameters are missing: ${name}.`);
  if (!/^\d{1,16}$/.test(value)) {
    return omsError(400, 'OMS.0001', `Invalid parameter settings: ${name} must be a time in milliseconds.`);
  }
  return Number(value);
}

/** The unit of ShowSyncTaskStatistic's start_time and end_time (shapes.ts, `otherReadings`). */
export const STATISTICS_TIME_READING: Reading = {
  usual: 'milliseconds since the epoch, like query_time (Table 5-90) and the time_stamp of the example',
  other:
    'seconds since the epoch (migrate_since of Table 5-40 is in seconds); a 13-digit value is refused with 400 OMS.0001',
  source: 'Table 5-95 says "String" and gives no unit; the example request omits both',
};

/** A time in seconds: at most 10 digits (a 13-digit millisecond value would be past the year 5000). */
function secondsParam(request: SimRequest, name: string): number | SimResponse {
  const value = timeParam(request, name);
  if (isResponse(value)) return value;
  if (value >= 1e11) {
    return omsError(400, 'OMS.0001', `Invalid parameter settings: ${name} must be a time in seconds.`);
  }
  return value * 1000;
}

function showSyncTask(task: SimSyncTask, request: SimRequest): SimResponse {
  const queryTime = timeParam(request, 'query_time');
  if (isResponse(queryTime)) return queryTime;
  return json(200, toShowSyncTaskResp(task, queryTime));
}

function statistics(task: SimSyncTask, request: SimRequest, inSeconds: boolean): SimResponse {
  const raw = request.query.get('data_type');
  if (!raw) return omsError(400, 'OMS.1004', 'Some required parameters are missing: data_type.');
  const types = raw.split(',');
  if (raw.length > 255 || types.some((t) => !(SYNC_STATISTIC_DATA_TYPES as readonly string[]).includes(t))) {
    return omsError(
      400,
      'OMS.0001',
      `Invalid parameter settings: data_type must be a comma-separated list of ${SYNC_STATISTIC_DATA_TYPES.join(', ')}.`,
    );
  }
  const time = inSeconds ? secondsParam : timeParam;
  const start = time(request, 'start_time');
  if (isResponse(start)) return start;
  const end = time(request, 'end_time');
  if (isResponse(end)) return end;
  if (end < start)
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: end_time is before start_time.');
  const step = end - start <= FIVE_MINUTE_RANGE_MAX ? FIVE_MINUTES : ONE_HOUR;
  return json(200, {
    sync_task_id: task.id,
    statistic_time_type: step === FIVE_MINUTES ? 'FIVE_MINUTES' : 'ONE_HOUR',
    statistic_datas: [...new Set(types)].map((type) => {
      const points = new Map<number, number>();
      for (const r of task.records) {
        if (r.type !== type || r.at < start || r.at > end) continue;
        const slot = Math.floor(r.at / step) * step;
        points.set(slot, (points.get(slot) ?? 0) + r.n);
      }
      return {
        data_type: type,
        data: [...points.entries()]
          .sort(([a], [b]) => a - b)
          .map(([time_stamp, statistic_num]) => ({ time_stamp, statistic_num })),
      };
    }),
  });
}

/** Events: 404 OMS.2002 for unknown tasks, OMS.1012 while stopped, OMS.1011 once deleted (Table 5-73ff). */
function events(ctx: SimContext, request: SimRequest): SimResponse {
  const id = request.params.sync_task_id ?? '';
  const task = id.length <= LIMITS.syncTaskIdMax ? ctx.syncTask(id) : undefined;
  if (!task) return omsError(404, 'OMS.2002');
  if (task.deletedAt !== undefined) return omsError(400, 'OMS.1011');
  const body = checkRequest<CreateSyncEventsBody>(request, 'CreateSyncEvents');
  if (isResponse(body)) return body;
  if (task.status !== 'SYNCHRONIZING') return omsError(400, 'OMS.1012');
  const now = ctx.clock.now();
  for (const key of body.object_keys) task.pending.push({ key, receivedAt: now });
  task.records.push({ at: now, type: 'REQUEST', n: body.object_keys.length });
  return OK;
}
