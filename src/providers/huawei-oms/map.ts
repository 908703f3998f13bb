import type {
  MigrationResource,
  NormalizedState,
  ObjectList,
  Reconciliation,
  ResourceError,
} from '../../domain/migration-resource.js';
import {
  CLOUD_TYPES,
  type ShowSyncTaskResp,
  type SyncTaskInfo,
  type SyncTaskStatus,
  type TaskGroupResp,
  type TaskListItem,
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

/** Text shown on a card: a missing, null or empty value is no value. */
const textOf = (value: string | null | undefined): string | undefined => value || undefined;

/** A count, size, speed or duration: negative or non-finite values (a `-1` for "unknown") are no value. */
function amount(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function dateOf(ms: number | null | undefined): Date | undefined {
  const value = amount(ms);
  return value ? new Date(value) : undefined;
}

/** The provider's status as shown: the raw value as text, or '' when there was none. */
function rawStatusOf(status: number | string | null | undefined): string {
  return status === null || status === undefined ? '' : String(status).slice(0, 100);
}

/**
 * A numeric OMS status (a number, or a string of digits) → its normalized state; any other value,
 * or one the table does not have, is `unknown` (the card then shows the raw value).
 */
function stateOf(
  table: Readonly<Record<number, NormalizedState>>,
  status: number | string | null | undefined,
): NormalizedState {
  const n = typeof status === 'string' && /^\d{1,3}$/.test(status.trim()) ? Number(status) : status;
  return typeof n === 'number' && Object.hasOwn(table, n) ? table[n]! : 'unknown';
}

export function mapTask(task: TaskListItem, connection: string): MigrationResource {
  const state = stateOf(TASK_STATE_BY_STATUS, task.status);
  const record = task.failed_object_record;
  const progress = amount(task.progress);
  const leftTime = amount(task.left_time);
  const totalTime = amount(task.total_time);
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'task',
    id: task.id,
    name: task.name || `task ${task.id}`,
    state,
    rawStatus: rawStatusOf(task.status),
    progress: progress === undefined ? undefined : Math.min(1, progress),
    bytes: { done: amount(task.complete_size), total: amount(task.total_size) },
    objects: {
      done: amount(task.successful_num),
      failed: amount(task.failed_num),
      skipped: amount(task.skipped_num),
      total: amount(task.total_num),
    },
    speed: state === 'running' || state === 'retrying' ? amount(task.migrate_speed) : undefined,
    etaSeconds: leftTime !== undefined && state === 'running' ? Math.round(leftTime / 1000) : undefined,
    ...(task.is_query_over === false ? { scanning: true as const } : {}),
    source: {
      cloud: textOf(task.src_node?.cloud_type),
      region: textOf(task.src_node?.region),
      bucket: textOf(task.src_node?.bucket),
      prefix: task.task_type === 'prefix' ? textOf(task.src_node?.object_key?.join(', ')) : undefined,
    },
    destination: {
      cloud: 'HuaweiCloud',
      region: textOf(task.dst_node?.region),
      bucket: textOf(task.dst_node?.bucket),
      prefix: textOf(task.dst_node?.save_prefix),
    },
    lastError: errorOf(task.error_reason),
    failedObjectList: textOf(record?.list_file_key),
    reconciliation: taskReconciliation(task),
    groupId: textOf(task.group_id),
    startedAt: dateOf(task.start_time),
    elapsedSeconds: totalTime !== undefined ? Math.round(totalTime / 1000) : undefined,
  };
}

/**
 * TaskGroupResp → `task-group`. Progress is complete_size / total_size: the examples show total_size
 * as the group's whole size (a completed group has both equal), whatever the table's wording says.
 */
export function mapTaskGroup(group: TaskGroupResp, connection: string): MigrationResource {
  const state = stateOf(TASK_GROUP_STATE_BY_STATUS, group.status);
  const total = amount(group.total_size);
  const done = amount(group.complete_size);
  const progress =
    state === 'succeeded'
      ? 1
      : total && done !== undefined
        ? Math.min(1, Math.max(0, done / total))
        : undefined;
  const src = group.src_node ?? undefined;
  const dst = group.dst_node ?? undefined;
  const active = state === 'running';
  const speed = amount(group.migrate_speed);
  const totalTime = amount(group.total_time);
  const taskType = group.task_type?.toUpperCase();
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'task-group',
    id: group.group_id,
    name: group.description || groupName(src?.bucket, dst?.bucket) || `task group ${group.group_id}`,
    state,
    rawStatus: rawStatusOf(group.status),
    progress,
    bytes: { done, total },
    objects: {
      done: amount(group.success_num),
      failed: amount(group.fail_num),
      skipped: amount(group.skip_num),
      total: amount(group.total_num),
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
    reconciliation: groupReconciliation(group, textOf(dst?.bucket)),
    startedAt: dateOf(group.start_time),
    elapsedSeconds: totalTime ? Math.round(totalTime / 1000) : undefined,
  };
}

/** `consistency_check` (Table 5-15) in the domain's words; a value it does not list says nothing. */
const CHECKS: Readonly<Record<string, Reconciliation['check']>> = {
  size_last_modified: 'size-last-modified',
  crc64: 'crc64',
  no_check: 'none',
};

function checkOf(value: string | null | undefined): Pick<Reconciliation, 'check'> {
  const check = value ? CHECKS[value] : undefined;
  return check ? { check } : {};
}

/**
 * Every object of `total_num` is counted as succeeded, skipped or failed (Table 5-15); `real_size`
 * is what was written, skipped objects excluded. The failed list is a path in the destination
 * bucket (Table 5-19); for the succeeded and skipped lists the task gives only why recording
 * failed, blank when it worked, and no path.
 */
function taskReconciliation(task: TaskListItem): Reconciliation {
  const bucket = textOf(task.dst_node?.bucket);
  const lists: NonNullable<Reconciliation['lists']> = {};
  const succeeded = recordedUnlessReason(task.success_record_error_reason);
  if (succeeded) lists.succeeded = succeeded;
  const skipped = recordedUnlessReason(task.skip_record_error_reason);
  if (skipped) lists.skipped = skipped;
  const failed = failedList(task.failed_object_record, bucket);
  if (failed) lists.failed = failed;
  const written = amount(task.real_size);
  return {
    basis: 'outcomes',
    ...(task.is_query_over === false ? { totalFinal: false as const } : {}),
    ...checkOf(task.consistency_check),
    ...(written === undefined ? {} : { bytesWritten: written }),
    ...(Object.keys(lists).length > 0 ? { lists } : {}),
  };
}

function groupReconciliation(group: TaskGroupResp, bucket: string | undefined): Reconciliation {
  const failed = failedList(group.failed_object_record, bucket);
  return { basis: 'outcomes', ...checkOf(group.consistency_check), ...(failed ? { lists: { failed } } : {}) };
}

function recordedUnlessReason(reason: string | null | undefined): ObjectList | undefined {
  if (reason === null || reason === undefined) return undefined;
  return reason ? { recorded: false, error: reason.slice(0, 255) } : { recorded: true };
}

function failedList(
  record: { list_file_key?: string | null; error_code?: string | null } | null | undefined,
  bucket: string | undefined,
): ObjectList | undefined {
  if (!record) return undefined;
  const path = textOf(record.list_file_key);
  if (path) return { recorded: true, path, ...(bucket ? { bucket } : {}) };
  const error = textOf(record.error_code);
  return error ? { recorded: false, error } : undefined;
}

function groupName(src: string | null | undefined, dst: string | null | undefined): string | undefined {
  return src && dst ? `${src} → ${dst}` : undefined;
}

/**
 * SyncTaskInfo / ShowSyncTaskResp → `sync-task`. A synchronization task never finishes, so it has no
 * progress; the counters are those of the month asked about (only ShowSyncTask returns them).
 */
export function mapSyncTask(task: SyncTaskInfo | ShowSyncTaskResp, connection: string): MigrationResource {
  const status = task.status ?? '';
  const state = Object.hasOwn(SYNC_TASK_STATE_BY_STATUS, status)
    ? SYNC_TASK_STATE_BY_STATUS[status as SyncTaskStatus]
    : 'unknown';
  const monthly = task as Partial<ShowSyncTaskResp>;
  return {
    provider: 'huawei-oms',
    connection,
    kind: 'sync-task',
    id: task.sync_task_id,
    name: task.description || groupName(task.src_bucket, task.dst_bucket) || `sync task ${task.sync_task_id}`,
    state,
    rawStatus: rawStatusOf(task.status),
    bytes: { done: amount(monthly.monthly_size) },
    objects: {
      done: amount(monthly.monthly_success_object),
      failed: amount(monthly.monthly_failure_object),
      skipped: amount(monthly.monthly_skip_object),
      total: amount(monthly.monthly_acceptance_request),
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
