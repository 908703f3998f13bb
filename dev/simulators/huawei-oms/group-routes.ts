import { json, type SimRequest, type SimResponse } from '../kit.js';
import type { Reading } from '../shapes.js';
import { intParam, isResponse, OK, omsError, pageParams, type Routes, type SimContext } from './common.js';
import { advanceTaskGroup, newTaskGroup, type SimTaskGroup, tasksOf, toTaskGroupResp } from './groups.js';
import { checkRequest } from './request-check.js';
import type { BandwidthBody, CreateTaskGroupBody, StartTaskGroupBody } from './request-types.js';
import { LIMITS } from './seed-values.js';
import { pauseTask, restartTask } from './state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Task-group routes (seed 002 §5.4). */
export function registerTaskGroupRoutes(router: Routes, ctx: SimContext, project: string): void {
  const groups = `${project}/taskgroups`;
  router
    .add('GET', groups, (r) => listGroups(ctx, r))
    .add('POST', groups, (r) => createGroup(ctx, r))
    .add('GET', `${groups}/:group_id`, (r) =>
      withGroup(ctx, r, 404, (g) => json(200, toTaskGroupResp(ctx, g))),
    )
    .add('DELETE', `${groups}/:group_id`, (r) => withGroup(ctx, r, 403, (g) => deleteGroup(ctx, g)))
    .add('PUT', `${groups}/:group_id/stop`, (r) => withGroup(ctx, r, 403, (g) => stopGroup(ctx, g)))
    .add('PUT', `${groups}/:group_id/start`, (r) => withGroup(ctx, r, 403, (g) => startGroup(ctx, g, r)))
    .add('PUT', `${groups}/:group_id/retry`, (r) => withGroup(ctx, r, 403, (g) => retryGroup(ctx, g, r)))
    .add('PUT', `${groups}/:group_id/update`, (r) => withGroup(ctx, r, 403, (g) => updateGroup(ctx, g, r)));
}

/** Unknown groups: 404 where the operation documents it (show), 403 OMS.0095 elsewhere. */
function withGroup(
  ctx: SimContext,
  request: SimRequest,
  notFoundStatus: 403 | 404,
  handler: (group: SimTaskGroup) => SimResponse,
): SimResponse {
  const id = request.params.group_id ?? '';
  if (id.length < 1 || id.length > 1024) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: group_id must be 1 to 1024 characters.');
  }
  const group = ctx.taskGroup(id);
  if (!group) return omsError(notFoundStatus, 'OMS.0095', `Task group ${id} does not exist.`);
  return handler(group);
}

function listGroups(ctx: SimContext, request: SimRequest): SimResponse {
  const page = pageParams(request, LIMITS.taskGroupOffsetMax);
  if (isResponse(page)) return page;
  const q = request.query;
  const status = q.has('status') ? intParam(q.get('status'), Number.NaN) : undefined;
  if (status !== undefined && (Number.isNaN(status) || status < 0 || status > 9)) {
    return omsError(400, 'OMS.0001', 'Invalid parameter settings: status must be 0 to 9.');
  }
  const matching = [...ctx.taskGroups.keys()]
    .map((id) => ctx.taskGroup(id))
    .filter((g): g is SimTaskGroup => g !== undefined)
    .filter((g) => status === undefined || g.status === status)
    .sort((a, b) => b.queuedAt - a.queuedAt || (b.id < a.id ? -1 : 1));
  return json(200, {
    count: matching.length,
    taskgroups: matching.slice(page.offset, page.offset + page.limit).map((g) => toTaskGroupResp(ctx, g)),
  });
}

function createGroup(ctx: SimContext, request: SimRequest): SimResponse {
  const body = checkRequest<CreateTaskGroupBody>(request, 'CreateTaskGroup');
  if (isResponse(body)) return body;
  if (body.dst_node.region !== ctx.region) {
    return omsError(
      400,
      'OMS.0080',
      `The destination region must be the region of this endpoint (${ctx.region}), not ${body.dst_node.region}.`,
    );
  }
  const now = ctx.clock.now();
  if (ctx.taskGroupCreations.filter((at) => now - at < DAY_MS).length >= ctx.limits.taskGroupsPerDay) {
    return omsError(400, 'OMS.1037');
  }
  ctx.taskGroupCreations.push(now);
  const taskType = body.task_type ?? 'PREFIX';
  const src = body.src_node;
  const cloud = src.cloud_type ?? 'Aliyun';
  const size = ctx.buckets.sizeOf(
    cloud,
    src.bucket ?? '',
    taskType === 'PREFIX' ? src.object_key : undefined,
  );
  const group = newTaskGroup(ctx, {
    taskType,
    description: body.description,
    src: {
      cloud_type: cloud,
      region: src.region ?? '',
      bucket: src.bucket ?? '',
      object_key: src.object_key ?? [''],
    },
    dst: {
      region: body.dst_node.region,
      bucket: body.dst_node.bucket,
      save_prefix: body.dst_node.save_prefix ?? '',
    },
    totalSize: size?.bytes,
    totalNum: size?.objects,
  });
  group.src.app_id = src.app_id ?? '';
  if (src.list_file) group.src.list_file = src.list_file;
  group.bandwidthPolicy = body.bandwidth_policy ?? [];
  group.options = {
    enable_kms: body.enable_kms,
    enable_restore: body.enable_restore,
    enable_metadata_migration: body.enable_metadata_migration,
    enable_failed_object_recording: body.enable_failed_object_recording,
    enable_requester_pays: body.enable_requester_pays,
    object_overwrite_mode: body.object_overwrite_mode,
    dst_storage_policy: body.dst_storage_policy,
    consistency_check: body.consistency_check,
    migrate_since: body.migrate_since,
    source_cdn: body.source_cdn && {
      domain: body.source_cdn.domain,
      protocol: body.source_cdn.protocol,
      authentication_type: body.source_cdn.authentication_type,
    },
    smn_topic: body.smn_config?.topic_urn,
  };
  ctx.taskGroups.set(group.id, group);
  return json(200, { group_id: group.id });
}

/** "Task groups in the Creating, Executing, or Paused state cannot be deleted" (5.4.4); nor pausing/deleting ones. */
const UNDELETABLE = new Set([1, 2, 3, 7, 8, 9]);

function deleteGroup(ctx: SimContext, group: SimTaskGroup): SimResponse {
  if (UNDELETABLE.has(group.status)) return omsError(400, 'OMS.1047');
  group.status = 8;
  group.statusSince = ctx.clock.now();
  return OK;
}

/** Whether a group in status 2 "running monitor task" counts as executing for a pause (shapes.ts). */
export const PAUSE_MONITORING_GROUP_READING: Reading = {
  usual:
    'a creating/executing group (1) or one running its monitor task (2) can be paused; other statuses are refused with OMS.1038',
  other:
    'only a creating/executing group (1) can be paused; 2 "running monitor task" is refused with OMS.1038',
  source:
    'seed 002 §5.4.5 "in the Creating or Executing state" and the group error S3M.1038 "Only tasks in the Running or Monitoring state can be paused"; OMS.1038 says "Executing" only',
};

/**
 * Seed 002 §5.4.5: "pause a migration task group in the Creating or Executing state"; the group's
 * S3M.1038 names the two "Running or Monitoring", the status table's 1 "executing/creating" and 2
 * "running monitor task" (where a group is while its tasks migrate).
 */
function stopGroup(ctx: SimContext, group: SimTaskGroup): SimResponse {
  const pausable = group.status === 1 || (!ctx.otherReadings && group.status === 2);
  if (!pausable) return omsError(400, 'OMS.1038');
  const now = ctx.clock.now();
  for (const task of tasksOf(ctx, group))
    if (task.status === 1 || task.status === 2 || task.status === 6) pauseTask(task, now);
  group.status = 7;
  group.statusSince = now;
  advanceTaskGroup(ctx, group);
  return OK;
}

function keysMissing(
  group: SimTaskGroup,
  body: { src_ak?: string; src_sk?: string; json_auth_file?: string },
) {
  return group.taskType !== 'URL_LIST' && !body.json_auth_file && (!body.src_ak || !body.src_sk);
}

/** Only paused groups resume (5.4.6). */
function startGroup(ctx: SimContext, group: SimTaskGroup, request: SimRequest): SimResponse {
  const body = checkRequest<StartTaskGroupBody>(request, 'StartTaskGroup');
  if (isResponse(body)) return body;
  if (keysMissing(group, body))
    return omsError(400, 'OMS.1004', 'Some required parameters are missing: src_ak and src_sk.');
  if (group.status !== 3) return omsError(400, 'OMS.1039');
  const now = ctx.clock.now();
  for (const task of tasksOf(ctx, group)) if (task.status === 3) restartTask(task, now, false);
  group.status = 2;
  group.statusSince = now;
  return OK;
}

/** Only groups whose creation or migration failed restart (5.4.7). */
function retryGroup(ctx: SimContext, group: SimTaskGroup, request: SimRequest): SimResponse {
  const body = checkRequest<StartTaskGroupBody>(request, 'RetryTaskGroup');
  if (isResponse(body)) return body;
  if (group.status !== 4 && group.status !== 5) return omsError(400, 'OMS.1040');
  const now = ctx.clock.now();
  group.errorReason = undefined;
  group.statusSince = now;
  if (group.status === 4) {
    group.creationFailure = undefined;
    group.status = 0;
    return OK;
  }
  for (const task of tasksOf(ctx, group)) {
    if (task.status === 4) restartTask(task, now, body.migrate_failed_object ?? false);
  }
  group.status = 2;
  return OK;
}

/** Traffic limits change until the group completes (5.4.8); its unfinished tasks follow. */
function updateGroup(ctx: SimContext, group: SimTaskGroup, request: SimRequest): SimResponse {
  const body = checkRequest<BandwidthBody>(request, 'UpdateTaskGroupBandwidthPolicy');
  if (isResponse(body)) return body;
  if (group.status === 6 || group.status === 8 || group.status === 9) return omsError(400, 'OMS.1036');
  group.bandwidthPolicy = body.bandwidth_policy;
  for (const task of tasksOf(ctx, group)) {
    if (task.status !== 5) task.bandwidthPolicy = [...body.bandwidth_policy];
  }
  return OK;
}
