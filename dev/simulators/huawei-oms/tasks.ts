import { z } from 'zod';
import { json, type SimRequest, type SimResponse } from '../kit.js';
import type { Reading } from '../shapes.js';
import { intParam, isResponse, OK, omsError, pageParams, type Routes, type SimContext } from './common.js';
import { checkRequest } from './request-check.js';
import type { BandwidthBody, BatchUpdateTasksBody, CreateTaskBody, StartTaskBody } from './request-types.js';
import { LIMITS, TASK_TYPES } from './seed-values.js';
import { pauseTask, restartTask, type SeedTask, type SimTask, toTaskResp } from './state.js';

export const seedTaskSchema: z.ZodType<SeedTask> = z.object({
  scanning: z.boolean().optional(),
  name: z.string().min(1),
  status: z.number().int().min(1).max(7).optional(),
  totalSize: z.number().nonnegative().optional(),
  totalNum: z.number().int().nonnegative().optional(),
  progress: z.number().min(0).max(1).optional(),
  speed: z.number().nonnegative().optional(),
  src: z.object({ cloud_type: z.string(), region: z.string(), bucket: z.string() }).partial().optional(),
  dst: z.object({ region: z.string(), bucket: z.string(), save_prefix: z.string() }).partial().optional(),
  taskType: z.enum(TASK_TYPES).optional(),
  groupId: z.string().optional(),
  failAt: z.number().min(0).max(1).optional(),
  failCode: z.string().optional(),
  failMessage: z.string().optional(),
  description: z.string().optional(),
  id: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Migration-task routes (seed 002 §5.2): list, show, create, stop, start, delete, bandwidth, batch update. */
export function registerTaskRoutes(router: Routes, ctx: SimContext, project: string): void {
  router
    .add('GET', `${project}/tasks`, (r) => listTasks(ctx, r))
    .add('POST', `${project}/tasks`, (r) => createTask(ctx, r))
    .add('POST', `${project}/tasks/batch-update`, (r) => batchUpdate(ctx, r))
    .add('GET', `${project}/tasks/:task_id`, (r) => withTask(ctx, r, 404, (t) => json(200, toTaskResp(t))))
    .add('POST', `${project}/tasks/:task_id/stop`, (r) => withTask(ctx, r, 403, (t) => stopTask(ctx, t)))
    .add('POST', `${project}/tasks/:task_id/start`, (r) => withTask(ctx, r, 400, (t) => startTask(ctx, t, r)))
    .add('DELETE', `${project}/tasks/:task_id`, (r) => withTask(ctx, r, 403, (t) => deleteTask(ctx, t)))
    .add('PUT', `${project}/tasks/:task_id/bandwidth-policy`, (r) =>
      withTask(ctx, r, 400, (t) => updateBandwidth(t, r)),
    );
}

/**
 * An unknown task answers with the status its operation documents (seed 002 §5.2): ShowTask 404;
 * StopTask and DeleteTask list 400 and 403, and the catalogue's OMS.0095 "no permission to access
 * the task or the task does not exist" is the 403 one; StartTask and UpdateBandwidthPolicy list
 * only 400, so the 400 OMS.0095.
 */
function withTask(
  ctx: SimContext,
  request: SimRequest,
  missing: 400 | 403 | 404,
  handler: (task: SimTask) => SimResponse,
): SimResponse {
  const id = request.params.task_id ?? '';
  if (!LIMITS.taskId.test(id)) return omsError(400, 'OMS.0054', 'Invalid task ID. Enter a valid task ID.');
  const task = ctx.task(id);
  if (!task)
    return missing === 404
      ? omsError(404, 'OMS.0054', `Task ${id} does not exist.`)
      : omsError(missing, 'OMS.0095', `Task ${id} does not exist, or you may not access it.`);
  return handler(task);
}

function listTasks(ctx: SimContext, request: SimRequest): SimResponse {
  const q = request.query;
  const page = pageParams(request, LIMITS.taskOffsetMax);
  if (isResponse(page)) return page;
  const status = q.has('status') ? intParam(q.get('status'), Number.NaN) : undefined;
  if (status !== undefined && (Number.isNaN(status) || status < 1 || status > 7)) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: status must be 1 to 7.');
  }
  const groupId = q.get('group_id');
  if (groupId !== null && (groupId.length < 1 || groupId.length > 100)) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: group_id must be 1 to 100 characters.');
  }
  // Groups first: moving them forward creates (or deletes) their tasks.
  for (const id of [...ctx.taskGroups.keys()]) ctx.taskGroup(id);
  const matching = [...ctx.tasks.keys()]
    .map((id) => ctx.task(id))
    .filter((t): t is SimTask => t !== undefined)
    .filter((t) => status === undefined || t.status === status)
    .filter((t) => !groupId || t.groupId === groupId)
    // Newest first, as the console shows them.
    .sort((a, b) => b.queuedAt - a.queuedAt || (b.id < a.id ? -1 : 1));
  return json(200, {
    tasks: matching.slice(page.offset, page.offset + page.limit).map(toTaskResp),
    count: matching.length,
  });
}

function createTask(ctx: SimContext, request: SimRequest): SimResponse {
  const body = checkRequest<CreateTaskBody>(request, 'CreateTask');
  if (isResponse(body)) return body;
  if (body.dst_node.region !== ctx.region) {
    return omsError(
      400,
      'OMS.0080',
      `The destination region must be the region of this endpoint (${ctx.region}), not ${body.dst_node.region}.`,
    );
  }
  const now = ctx.clock.now();
  const recent = ctx.taskCreations.filter((at) => now - at < DAY_MS);
  if (recent.length >= ctx.limits.tasksPerDay) return omsError(400, 'OMS.1021');
  const waiting = [...ctx.tasks.values()].filter((t) => t.status === 1).length;
  if (waiting >= ctx.limits.waitingTasks) return omsError(400, 'OMS.0077');
  ctx.taskCreations.push(now);
  // Table 5-40: migrate_since is "A timestamp in seconds"; a millisecond value (13 digits) would be
  // past the year 5000, so it is refused rather than read as a time that never comes.
  if (body.migrate_since !== undefined && body.migrate_since >= 1e11)
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: migrate_since must be a time in seconds.');
  const src = body.src_node;
  const type = body.task_type ?? 'object';
  const listed =
    type === 'list' && src.list_file
      ? ctx.listSize?.({ bucket: src.bucket ?? '', list_file: src.list_file })
      : undefined;
  const size = listed
    ? { ...listed, skippedObjects: 0, skippedBytes: 0 }
    : ctx.buckets.sizeOf(
        src.cloud_type ?? 'Aliyun',
        src.bucket ?? '',
        type === 'prefix' || type === 'object' ? src.object_key : undefined,
        body.migrate_since ?? 0,
      );
  const task = ctx.addTask({
    name: `task_${now}_${ctx.tasks.size + 1}`,
    taskType: type,
    description: body.description ?? '',
    src: {
      cloud_type: src.cloud_type ?? 'Aliyun',
      region: src.region ?? '',
      bucket: src.bucket ?? '',
      object_key: src.object_key,
      app_id: src.app_id,
      list_file: src.list_file,
    },
    dst: {
      region: body.dst_node.region,
      bucket: body.dst_node.bucket,
      save_prefix: body.dst_node.save_prefix,
    },
    totalSize: size?.bytes,
    totalNum: size?.objects,
    ...(size?.skippedObjects ? { skippedNum: size.skippedObjects, skippedSize: size.skippedBytes } : {}),
    bandwidthPolicy: body.bandwidth_policy,
    options: {
      enable_kms: body.enable_kms,
      enable_restore: body.enable_restore,
      enable_metadata_migration: body.enable_metadata_migration,
      enable_failed_object_recording: body.enable_failed_object_recording,
      enable_requester_pays: body.enable_requester_pays,
      object_overwrite_mode: body.object_overwrite_mode,
      dst_storage_policy: body.dst_storage_policy,
      consistency_check: body.consistency_check,
      task_priority: body.task_priority,
      migrate_since: body.migrate_since,
      source_cdn: body.source_cdn && {
        domain: body.source_cdn.domain,
        protocol: body.source_cdn.protocol,
        authentication_type: body.source_cdn.authentication_type,
      },
      smn_topic: body.smn_config?.topic_urn,
    },
  });
  return json(200, { id: Number(task.id), task_name: task.name });
}

/** Whether a retrying task (6) counts as "in progress" for a pause (shapes.ts, `otherReadings`). */
export const PAUSE_RETRYING_READING: Reading = {
  usual: 'only a migrating task (2) can be paused; retrying (6) is refused with OMS.0066',
  other: 'a retrying task (6) can be paused as well',
  source: 'seed 002 §2 "in the Migrating state", §5.2.4 "being migrated"; Table 5-15 lists 6 apart',
};

/**
 * Seed 002 §2: "Stop a migration task that is in the Migrating state"; §5.2.4 "a migration task that
 * is being migrated"; OMS.0066 "Failed to pause the task. The task is not in progress." A waiting
 * task (1) is not migrating: it is refused.
 */
export function stopTask(ctx: SimContext, task: SimTask): SimResponse {
  if (task.status === 5) return omsError(400, 'OMS.0070');
  const pausable = task.status === 2 || (ctx.otherReadings && task.status === 6);
  if (!pausable) return omsError(400, 'OMS.0066');
  pauseTask(task, ctx.clock.now());
  return OK;
}

function startTask(ctx: SimContext, task: SimTask, request: SimRequest): SimResponse {
  const body = checkRequest<StartTaskBody>(request, 'StartTask');
  if (isResponse(body)) return body;
  if (task.taskType !== 'url_list' && !body.json_auth_file && (!body.src_ak || !body.src_sk)) {
    return omsError(400, 'OMS.1004', 'Some required parameters are missing: src_ak and src_sk.');
  }
  if (task.status === 5) return omsError(400, 'OMS.0070');
  if (task.status !== 3 && task.status !== 4) return omsError(400, 'OMS.0065');
  restartTask(task, ctx.clock.now(), body.migrate_failed_object ?? false);
  return OK;
}

function deleteTask(ctx: SimContext, task: SimTask): SimResponse {
  if (task.status === 2 || task.status === 6 || task.status === 7) return omsError(400, 'OMS.0063');
  ctx.tasks.delete(task.id);
  return OK;
}

function updateBandwidth(task: SimTask, request: SimRequest): SimResponse {
  const body = checkRequest<BandwidthBody>(request, 'UpdateBandwidthPolicy');
  if (isResponse(body)) return body;
  // "update the traffic limiting rules for a migration task before it is completed" (5.2.7)
  if (task.status === 5) {
    return omsError(400, 'OMS.0086', 'Failed to update the bandwidth policy: the task is complete.');
  }
  task.bandwidthPolicy = body.bandwidth_policy;
  return OK;
}

/** Priorities change only for waiting, paused or failed tasks (Table 5-67). */
const PRIORITY_STATUSES = new Set([1, 3, 4]);

function batchUpdate(ctx: SimContext, request: SimRequest): SimResponse {
  const body = checkRequest<BatchUpdateTasksBody>(request, 'BatchUpdateTasks');
  if (isResponse(body)) return body;
  // Table 5-67: the tasks are those of `group_id` or those listed in `ids`; one of them is needed.
  if (!body.group_id && !body.ids?.length)
    return omsError(400, 'OMS.1004', 'Some required parameters are missing: group_id or ids.');
  const targets: SimTask[] = [];
  if (body.group_id) {
    const group = ctx.taskGroup(body.group_id);
    if (!group) return omsError(400, 'OMS.0095');
    targets.push(...group.taskIds.map((id) => ctx.task(id)).filter((t): t is SimTask => t !== undefined));
  }
  for (const id of body.ids ?? []) {
    const task = ctx.task(String(id));
    if (!task) return omsError(400, 'OMS.0095', `Task ${id} does not exist.`);
    if (!targets.includes(task)) targets.push(task);
  }
  if (body.task_priority && targets.some((t) => !PRIORITY_STATUSES.has(t.status))) {
    return omsError(
      400,
      'OMS.0170',
      'The migration tasks update failed: priority changes only for waiting, paused or failed tasks.',
    );
  }
  for (const task of targets) {
    if (task.status !== 5) task.bandwidthPolicy = body.bandwidth_policy;
    if (body.task_priority) task.options = { ...task.options, task_priority: body.task_priority };
  }
  return OK;
}
