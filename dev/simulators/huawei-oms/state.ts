import type { JsonObject } from './request-types.js';

export const GiB = 1024 ** 3;

/** Settings a task keeps from its CreateTaskReq, echoed by TaskResp. */
export interface SimTaskOptions {
  enable_kms?: boolean;
  enable_restore?: boolean;
  enable_metadata_migration?: boolean;
  enable_failed_object_recording?: boolean;
  enable_requester_pays?: boolean;
  object_overwrite_mode?: string;
  dst_storage_policy?: string;
  consistency_check?: string;
  task_priority?: string;
  migrate_since?: number;
  source_cdn?: { domain: string; protocol: string; authentication_type: string };
  smn_topic?: string;
}

/** What the simulator knows about a task beyond what the API returns. */
export interface SimTask {
  id: string;
  name: string;
  status: number;
  taskType: 'list' | 'object' | 'prefix' | 'url_list';
  description: string;
  groupId?: string;
  src: {
    cloud_type: string;
    region: string;
    bucket: string;
    object_key?: string[];
    app_id?: string;
    list_file?: { list_file_key: string; obs_bucket: string; list_file_num?: string };
  };
  dst: { region: string; bucket: string; save_prefix?: string };
  totalSize: number;
  totalNum: number;
  completeSize: number;
  successfulNum: number;
  failedNum: number;
  skippedNum: number;
  /** Bytes of the skipped objects: processed (`complete_size`) but not written (`real_size`). */
  skippedSize: number;
  speed: number;
  /** Virtual clock times, ms. */
  queuedAt: number;
  startedAt?: number;
  runningSince?: number;
  pausingSince?: number;
  accumulatedMs: number;
  /** Fail with this code once progress reaches `failAt` (0..1). */
  failAt?: number;
  failCode?: string;
  failMessage?: string;
  errorReason?: { error_code: string; error_msg: string };
  failedListKey?: string;
  bandwidthPolicy: { start: string; end: string; max_bandwidth: number }[];
  options?: SimTaskOptions;
  /** Still scanning the source: `is_query_over` false (seed 002 Table 5-15). */
  scanning?: boolean;
}

/** How a test or the playground seeds a task (`addTask`, `POST /__sim/tasks`). */
export interface SeedTask {
  name: string;
  status?: number;
  totalSize?: number;
  totalNum?: number;
  progress?: number;
  speed?: number;
  src?: Partial<SimTask['src']>;
  dst?: Partial<SimTask['dst']>;
  taskType?: SimTask['taskType'];
  groupId?: string;
  failAt?: number;
  failCode?: string;
  failMessage?: string;
  id?: string;
  description?: string;
  options?: SimTaskOptions;
  bandwidthPolicy?: SimTask['bandwidthPolicy'];
  scanning?: boolean;
  /**
   * Objects skipped because the destination already has them or they are older than
   * `migrate_since` (Table 5-15 `skipped_num`), and their bytes.
   */
  skippedNum?: number;
  skippedSize?: number;
}

export interface TaskTimings {
  /** Waiting → migrating. */
  scheduleDelayMs: number;
  /** Pausing → paused. */
  pauseDelayMs: number;
  /** Default speed of new tasks, bytes per second. */
  speedBytesPerSecond: number;
  /** Task group: executing/creating (1) → running monitor task (2). */
  groupCreateDelayMs: number;
  /** Task group: waiting for deletion (8) → deleting (9) → gone, each. */
  groupDeleteDelayMs: number;
  /** Synchronization event received → object synchronized. */
  syncDelayMs: number;
  /**
   * How fast a task passes over the objects `migrate_since` skips (compared, not copied), bytes per
   * second; unset, as fast as it copies (`speed`).
   */
  skippedBytesPerSecond?: number;
}

export const DEFAULT_TIMINGS: TaskTimings = {
  scheduleDelayMs: 2_000,
  pauseDelayMs: 1_500,
  speedBytesPerSecond: 64 * 1024 * 1024,
  groupCreateDelayMs: 1_000,
  groupDeleteDelayMs: 1_000,
  syncDelayMs: 1_000,
};

/** A new task from a seed, at virtual time `now`. */
export function newSimTask(seed: SeedTask, id: string, now: number, timings: TaskTimings): SimTask {
  const totalSize = seed.totalSize ?? 10 * GiB;
  const totalNum = seed.totalNum ?? 10_000;
  const status = seed.status ?? 1;
  const progress = status === 5 ? (seed.progress ?? 1) : (seed.progress ?? 0);
  const task: SimTask = {
    id,
    name: seed.name,
    status,
    taskType: seed.taskType ?? 'object',
    description: seed.description ?? '',
    groupId: seed.groupId,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', ...seed.src },
    dst: { region: 'cn-north-4', bucket: 'dst-bucket', ...seed.dst },
    totalSize,
    totalNum,
    completeSize: Math.floor(progress * totalSize),
    successfulNum: Math.floor(progress * (totalNum - Math.min(seed.skippedNum ?? 0, totalNum))),
    failedNum: 0,
    skippedNum: Math.min(seed.skippedNum ?? 0, totalNum),
    skippedSize: Math.min(seed.skippedSize ?? 0, totalSize),
    speed: seed.speed ?? timings.speedBytesPerSecond,
    queuedAt: now,
    startedAt: status === 1 ? undefined : now,
    runningSince: status === 2 || status === 6 ? now : undefined,
    pausingSince: status === 7 ? now : undefined,
    accumulatedMs: 0,
    failAt: seed.failAt,
    failCode: seed.failCode,
    failMessage: seed.failMessage,
    bandwidthPolicy: seed.bandwidthPolicy ?? [],
    options: seed.options,
    ...(seed.scanning ? { scanning: true } : {}),
  };
  if (status === 4) {
    task.errorReason = {
      error_code: seed.failCode ?? 'TRF.0001',
      error_msg: seed.failMessage ?? 'System error.',
    };
    task.failedNum = 1;
    task.failedListKey = failedListKey(task);
    task.failAt = undefined;
    task.failCode = undefined;
  }
  return task;
}

/** Moves a task forward to `now`: the simulator computes state lazily on every read. */
export function advanceTask(task: SimTask, now: number, timings: TaskTimings): void {
  if (task.status === 1 && now - task.queuedAt >= timings.scheduleDelayMs) {
    task.status = 2;
    task.startedAt ??= task.queuedAt + timings.scheduleDelayMs;
    task.runningSince = task.queuedAt + timings.scheduleDelayMs;
  }
  if (
    task.status === 7 &&
    task.pausingSince !== undefined &&
    now - task.pausingSince >= timings.pauseDelayMs
  ) {
    task.status = 3;
  }
  if ((task.status === 2 || task.status === 6) && task.runningSince !== undefined) {
    const elapsed = Math.max(0, now - task.runningSince);
    task.runningSince = now;
    const rate = rateOf(task, timings);
    // A task read long after it ended ran only until it ended (its `total_time`).
    const left = rate > 0 ? ((task.totalSize - task.completeSize) / rate) * 1000 : elapsed;
    task.accumulatedMs += Math.min(elapsed, Math.ceil(left));
    const target = Math.min(task.totalSize, task.completeSize + (rate * elapsed) / 1000);
    const failSize = task.failAt !== undefined ? task.failAt * task.totalSize : Number.POSITIVE_INFINITY;
    if (target >= failSize && task.failCode) {
      setProgress(task, failSize);
      fail(task);
      return;
    }
    setProgress(task, target);
    if (task.completeSize >= task.totalSize) task.status = 5;
  }
}

/**
 * Bytes a second over the whole task: its speed, or, where skipped objects pass faster, the rate
 * that takes (written / speed + skipped / skip speed) seconds in all.
 */
function rateOf(task: SimTask, timings: TaskTimings): number {
  const skip = timings.skippedBytesPerSecond;
  if (!skip || task.skippedSize <= 0 || task.speed <= 0) return task.speed;
  const seconds = (task.totalSize - task.skippedSize) / task.speed + task.skippedSize / skip;
  return seconds > 0 ? task.totalSize / seconds : task.speed;
}

/** Starts a paused or failed task again (StartTask, or a group's start/retry). */
export function restartTask(task: SimTask, now: number, onlyFailedObjects: boolean): void {
  if (onlyFailedObjects) {
    task.completeSize = Math.max(0, task.completeSize - task.failedNum);
  }
  task.status = 1;
  task.queuedAt = now;
  task.errorReason = undefined;
  task.failedNum = 0;
  task.failedListKey = undefined;
}

/** Stops a waiting or running task: it is pausing for a moment, then paused. */
export function pauseTask(task: SimTask, now: number): void {
  task.status = 7;
  task.pausingSince = now;
}

function setProgress(task: SimTask, size: number): void {
  task.completeSize = Math.floor(size);
  const fraction = task.totalSize === 0 ? 1 : task.completeSize / task.totalSize;
  task.successfulNum = Math.floor(fraction * (task.totalNum - task.skippedNum));
  // Done: every object is counted as succeeded, skipped or failed (Table 5-15).
  if (task.completeSize >= task.totalSize)
    task.successfulNum = task.totalNum - task.skippedNum - task.failedNum;
}

function failedListKey(task: SimTask): string {
  return `oms/task/${task.name}/failed_object_lists/${task.id}.failed_list.txt`;
}

function fail(task: SimTask): void {
  task.status = 4;
  task.failedNum = Math.max(1, Math.floor((task.totalNum - task.successfulNum - task.skippedNum) / 10));
  task.errorReason = {
    error_code: task.failCode ?? 'TRF.0001',
    error_msg: task.failMessage ?? 'System error.',
  };
  task.failedListKey = failedListKey(task);
  // A task that fails once does not fail again on retry unless re-armed by the test.
  task.failAt = undefined;
  task.failCode = undefined;
}

export function toTaskResp(task: SimTask): JsonObject {
  const running = task.status === 2 || task.status === 6;
  const remaining = task.totalSize - task.completeSize;
  const o = task.options ?? {};
  return {
    // A Long, as in every example of seed 002 (`"id" : 191297407830872`), never a string.
    id: Number(task.id),
    name: task.name,
    status: task.status,
    description: task.description,
    task_type: task.taskType,
    group_id: task.groupId ?? '',
    group_type: task.groupId ? 'GROUP_TASK' : 'NORMAL_TASK',
    progress: task.totalSize === 0 ? 0 : Number((task.completeSize / task.totalSize).toFixed(4)),
    complete_size: task.completeSize,
    total_size: task.totalSize,
    // "The size of ignored objects is not included" (Table 5-15).
    real_size: Math.max(0, task.completeSize - task.skippedSize),
    total_num: task.totalNum,
    successful_num: task.successfulNum,
    failed_num: task.failedNum,
    skipped_num: task.skippedNum,
    migrate_speed: running ? task.speed : 0,
    migrate_since: (o.migrate_since ?? 0) * 1000,
    left_time: running && task.speed > 0 ? Math.round((remaining / task.speed) * 1000) : 0,
    start_time: task.startedAt ?? 0,
    total_time: task.accumulatedMs,
    is_query_over: !task.scanning,
    error_reason: task.errorReason ?? null,
    failed_object_record: task.failedListKey
      ? { result: true, list_file_key: task.failedListKey, error_code: '' }
      : { result: false, list_file_key: '', error_code: '' },
    // The seed's examples print absent optional objects as null (ShowTaskGroup's `list_file`).
    src_node: { ...task.src, list_file: task.src.list_file ?? null, app_id: task.src.app_id ?? null },
    dst_node: task.dst,
    bandwidth_policy: task.bandwidthPolicy,
    enable_kms: o.enable_kms ?? false,
    enable_restore: o.enable_restore ?? false,
    enable_metadata_migration: o.enable_metadata_migration ?? false,
    enable_failed_object_recording: o.enable_failed_object_recording ?? true,
    enable_requester_pays: o.enable_requester_pays ?? false,
    smn_info: o.smn_topic
      ? {
          notify_result: task.status === 4 || task.status === 5,
          notify_error_message: '',
          topic_name: o.smn_topic,
        }
      : null,
    source_cdn: o.source_cdn ?? null,
    object_overwrite_mode: o.object_overwrite_mode ?? 'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
    dst_storage_policy: o.dst_storage_policy ?? 'STANDARD',
    consistency_check: o.consistency_check ?? 'size_last_modified',
    // Blank when the list was recorded (Table 5-15).
    success_record_error_reason: '',
    skip_record_error_reason: '',
    task_priority: o.task_priority ?? 'MEDIUM',
  };
}
