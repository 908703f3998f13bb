import type { MigrationResource, NormalizedState, ResourceError } from '../../domain/migration-resource.js';
import {
  CLOUD_TYPES,
  type ShowSyncTaskResp,
  type SyncTaskInfo,
  type SyncTaskStatus,
  type TaskGroupResp,
  type TaskResp,
} from './schemas.js';

/** OMS task status (Table 5-15) → normalized state. */
export const TASK_STATE_BY_STATUS: Readonly<Record<number, NormalizedState>> = {
  1: 'queued',
  2: 'running',
  3: 'paused',
  4: 'failed',
  5: 'succeeded',
  6: 'retrying',
  7: 'pausing',
};

export const TASK_STATUS_BY_STATE: Partial<Record<NormalizedState, number>> = Object.fromEntries(
  Object.entries(TASK_STATE_BY_STATUS).map(([status, state]) => [state, Number(status)]),
);

/**
 * OMS task-group status (Table 5-117) → normalized state. 2 "running monitor task" is the group
 * watching the tasks it created while they migrate, so it is `running` to a user (inferred, README).
 */
export const TASK_GROUP_STATE_BY_STATUS: Readonly<Record<number, NormalizedState>> = {
  0: 'queued', // waiting
  1: 'running', // executing/creating
  2: 'running', // running monitor task
  3: 'paused', // paused
  4: 'failed', // creation failed
  5: 'failed', // migration failed
  6: 'succeeded', // migration completed
  7: 'pausing', // pausing
  8: 'deleting', // waiting for deletion
  9: 'deleting', // deleting
};

/** The group statuses behind each normalized state (several map to one). */
export const TASK_GROUP_STATUSES_BY_STATE: Partial<Record<NormalizedState, number[]>> =
  invert(TASK_GROUP_STATE_BY_STATUS);

/** Synchronization task status (Table 5-80): it watches for events until stopped. */
export const SYNC_TASK_STATE_BY_STATUS: Readonly<Record<SyncTaskStatus, NormalizedState>> = {
  SYNCHRONIZING: 'monitoring',
  STOPPED: 'paused',
};

export const SYNC_TASK_STATUS_BY_STATE: Partial<Record<NormalizedState, SyncTaskStatus>> = {
  monitoring: 'SYNCHRONIZING',
  paused: 'STOPPED',
};

function invert(
  table: Readonly<Record<number, NormalizedState>>,
): Partial<Record<NormalizedState, number[]>> {
  const out: Partial<Record<NormalizedState, number[]>> = {};
  for (const [status, state] of Object.entries(table)) {
    const statuses = out[state] ?? [];
    statuses.push(Number(status));
    out[state] = statuses;
  }
  return out;
}

/** Task groups spell clouds in upper case (HUAWEICLOUD); shown with the task spelling (HuaweiCloud). */
export function canonicalCloud(cloud: string | null | undefined): string | undefined {
  if (!cloud) return undefined;
  return CLOUD_TYPES.find((c) => c.toUpperCase() === cloud.toUpperCase()) ?? cloud;
}

function errorOf(reason: unknown): ResourceError | undefined {
  if (typeof reason !== 'object' || reason === null) return undefined;
  const { error_code: code, error_msg: message } = reason as { error_code?: unknown; error_msg?: unknown };
  const out: ResourceError = {};
  if (typeof code === 'string' && code) out.code = code;
  if (typeof message === 'string' && message) out.message = message;
  return out.code || out.message ? out : undefined;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function dateOf(ms: number | null | undefined): Date | undefined {
  return ms ? new Date(ms) : undefined;
}

export function mapTask(task: TaskResp, connection: string): MigrationResource {
  const state = TASK_STATE_BY_STATUS[task.status] ?? 'unknown';
  const record = task.failed_object_record;
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'task',
    id: task.id,
    name: task.name || `task ${task.id}`,
    state,
    rawStatus: String(task.status),
    progress: task.progress,
    bytes: { done: task.complete_size, total: task.total_size },
    objects: {
      done: task.successful_num,
      failed: task.failed_num,
      skipped: task.skipped_num,
      total: task.total_num,
    },
    speed: state === 'running' || state === 'retrying' ? task.migrate_speed : undefined,
    etaSeconds:
      task.left_time !== undefined && state === 'running' ? Math.round(task.left_time / 1000) : undefined,
    source: {
      cloud: task.src_node?.cloud_type,
      region: task.src_node?.region,
      bucket: task.src_node?.bucket,
      prefix: task.task_type === 'prefix' ? task.src_node?.object_key?.join(', ') : undefined,
    },
    destination: {
      cloud: 'HuaweiCloud',
      region: task.dst_node?.region,
      bucket: task.dst_node?.bucket,
      prefix: task.dst_node?.save_prefix || undefined,
    },
    lastError: errorOf(task.error_reason),
    failedObjectList: record?.list_file_key || undefined,
    groupId: task.group_id || undefined,
    startedAt: task.start_time ? new Date(task.start_time) : undefined,
    elapsedSeconds: task.total_time !== undefined ? Math.round(task.total_time / 1000) : undefined,
  };
}

/**
 * TaskGroupResp → `task-group`. Progress is complete_size / total_size: the examples show total_size
 * as the group's whole size (a completed group has both equal), whatever the table's wording says.
 */
export function mapTaskGroup(group: TaskGroupResp, connection: string): MigrationResource {
  const state = TASK_GROUP_STATE_BY_STATUS[group.status] ?? 'unknown';
  const total = orUndefined(group.total_size);
  const done = orUndefined(group.complete_size);
  const progress =
    state === 'succeeded'
      ? 1
      : total && done !== undefined
        ? Math.min(1, Math.max(0, done / total))
        : undefined;
  const src = group.src_node ?? undefined;
  const dst = group.dst_node ?? undefined;
  const active = state === 'running';
  const speed = orUndefined(group.migrate_speed);
  const taskType = group.task_type?.toUpperCase();
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'task-group',
    id: group.group_id,
    name: group.description || groupName(src?.bucket, dst?.bucket) || `task group ${group.group_id}`,
    state,
    rawStatus: String(group.status),
    progress,
    bytes: { done, total },
    objects: {
      done: orUndefined(group.success_num),
      failed: orUndefined(group.fail_num),
      skipped: orUndefined(group.skip_num),
      total: orUndefined(group.total_num),
    },
    speed: active ? speed : undefined,
    etaSeconds:
      active && speed && total !== undefined && done !== undefined && total > done
        ? Math.round((total - done) / speed)
        : undefined,
    source: {
      cloud: canonicalCloud(src?.cloud_type),
      region: orUndefined(src?.region),
      bucket: orUndefined(src?.bucket),
      prefix:
        taskType === 'PREFIX' && src?.object_key?.some((k) => k !== '')
          ? src.object_key.join(', ')
          : undefined,
    },
    destination: {
      cloud: 'HuaweiCloud',
      region: orUndefined(dst?.region),
      bucket: orUndefined(dst?.bucket),
      prefix: dst?.save_prefix || undefined,
    },
    lastError: errorOf(group.error_reason),
    failedObjectList: group.failed_object_record?.list_file_key || undefined,
    startedAt: dateOf(group.start_time),
    elapsedSeconds: group.total_time ? Math.round(group.total_time / 1000) : undefined,
  };
}

function groupName(src: string | null | undefined, dst: string | null | undefined): string | undefined {
  return src && dst ? `${src} → ${dst}` : undefined;
}

/**
 * SyncTaskInfo / ShowSyncTaskResp → `sync-task`. A synchronization task never finishes, so it has no
 * progress; the counters are those of the month asked about (only ShowSyncTask returns them).
 */
export function mapSyncTask(task: SyncTaskInfo | ShowSyncTaskResp, connection: string): MigrationResource {
  const state = SYNC_TASK_STATE_BY_STATUS[task.status as SyncTaskStatus] ?? 'unknown';
  const monthly = task as Partial<ShowSyncTaskResp>;
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'sync-task',
    id: task.sync_task_id,
    name: task.description || groupName(task.src_bucket, task.dst_bucket) || `sync task ${task.sync_task_id}`,
    state,
    rawStatus: task.status,
    bytes: { done: orUndefined(monthly.monthly_size) },
    objects: {
      done: orUndefined(monthly.monthly_success_object),
      failed: orUndefined(monthly.monthly_failure_object),
      skipped: orUndefined(monthly.monthly_skip_object),
      total: orUndefined(monthly.monthly_acceptance_request),
    },
    source: {
      cloud: canonicalCloud(task.src_cloud_type),
      region: orUndefined(task.src_region),
      bucket: orUndefined(task.src_bucket),
    },
    destination: {
      cloud: 'HuaweiCloud',
      region: orUndefined(task.dst_region),
      bucket: orUndefined(task.dst_bucket),
    },
    createdAt: dateOf(task.create_time),
    startedAt: dateOf(task.last_start_time),
  };
}
