// Task groups as the simulator keeps them: seeding, advancing with the clock, and the documented
// response. Their HTTP routes are in group-routes.ts.
import { z } from 'zod';
import { type SimContext, uuid } from './common.js';
import type { JsonObject } from './request-types.js';
import { cloudAsDocumented, TASK_GROUP_TYPES } from './seed-values.js';
import { GiB, type SimTask, type SimTaskOptions } from './state.js';

type GroupTaskType = (typeof TASK_GROUP_TYPES)[number];

/** A migration task group: it creates its tasks, then watches them (seed 002 §5.4). */
export interface SimTaskGroup {
  id: string;
  status: number;
  taskType: GroupTaskType;
  description: string;
  src: {
    cloud_type: string;
    region: string;
    bucket: string;
    app_id: string;
    object_key: string[];
    list_file: { list_file_key: string; obs_bucket: string; list_file_num?: string } | null;
  };
  dst: { bucket: string; region: string; save_prefix: string };
  options: SimTaskOptions;
  bandwidthPolicy: { start: string; end: string; max_bandwidth: number }[];
  taskIds: string[];
  /** What the tasks will be once created. */
  plan: {
    tasks: number;
    totalSize: number;
    totalNum: number;
    progress: number;
    speed?: number;
    failAt?: number;
    failCode?: string;
    failMessage?: string;
  };
  queuedAt: number;
  /** When the group entered its current status (virtual ms). */
  statusSince: number;
  startedAt?: number;
  errorReason?: { error_code: string; error_msg: string };
  /** Seeded creation failure: the group goes 0 → 4 with this reason. */
  creationFailure?: { error_code: string; error_msg: string };
}

export interface SeedTaskGroup {
  id?: string;
  status?: number;
  description?: string;
  taskType?: GroupTaskType;
  src?: Partial<{ cloud_type: string; region: string; bucket: string; object_key: string[] }>;
  dst?: Partial<{ region: string; bucket: string; save_prefix: string }>;
  /** Tasks the group creates (PREFIX groups: one per prefix unless given). */
  taskCount?: number;
  totalSize?: number;
  totalNum?: number;
  progress?: number;
  speed?: number;
  /** The group's first task fails at this fraction with this TRF code. */
  failAt?: number;
  failCode?: string;
  failMessage?: string;
  /** The group fails while creating its tasks (status 4). */
  creationFailCode?: string;
  creationFailMessage?: string;
}

export const seedTaskGroupSchema: z.ZodType<SeedTaskGroup> = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,100}$/)
    .optional(),
  status: z.number().int().min(0).max(9).optional(),
  description: z.string().max(255).optional(),
  taskType: z.enum(TASK_GROUP_TYPES).optional(),
  src: z
    .object({
      cloud_type: z.string(),
      region: z.string(),
      bucket: z.string(),
      object_key: z.array(z.string()),
    })
    .partial()
    .optional(),
  dst: z.object({ region: z.string(), bucket: z.string(), save_prefix: z.string() }).partial().optional(),
  taskCount: z.number().int().min(1).max(50).optional(),
  totalSize: z.number().nonnegative().optional(),
  totalNum: z.number().int().nonnegative().optional(),
  progress: z.number().min(0).max(1).optional(),
  speed: z.number().nonnegative().optional(),
  failAt: z.number().min(0).max(1).optional(),
  failCode: z.string().optional(),
  failMessage: z.string().optional(),
  creationFailCode: z.string().optional(),
  creationFailMessage: z.string().optional(),
});

const ACTIVE_TASK = new Set([1, 2, 6, 7]);
const TERMINAL_TASK = new Set([4, 5]);

/** Task status each seeded group status implies for its tasks (status 5: the first task failed). */
const TASK_STATUS_FOR_GROUP: Record<number, number> = { 1: 2, 2: 2, 3: 3, 5: 5, 6: 5, 7: 7, 8: 5, 9: 5 };

export function newTaskGroup(ctx: SimContext, seed: SeedTaskGroup): SimTaskGroup {
  const now = ctx.clock.now();
  const taskType = seed.taskType ?? 'PREFIX';
  const objectKey = seed.src?.object_key ?? [''];
  const prefixes = objectKey.filter((k) => k !== '');
  const status = seed.status ?? 0;
  const group: SimTaskGroup = {
    id: seed.id ?? uuid(),
    status,
    taskType,
    description: seed.description ?? '',
    src: {
      cloud_type: seed.src?.cloud_type ?? 'AWS',
      region: seed.src?.region ?? 'us-east-1',
      bucket: seed.src?.bucket ?? 'src-bucket',
      app_id: '',
      object_key: taskType === 'PREFIX' ? objectKey : [],
      list_file: taskType === 'PREFIX' ? null : { list_file_key: 'lists/', obs_bucket: 'list-file-bucket' },
    },
    dst: { region: ctx.region, bucket: 'dst-bucket', save_prefix: '', ...seed.dst },
    options: {},
    bandwidthPolicy: [],
    taskIds: [],
    plan: {
      tasks: seed.taskCount ?? (taskType === 'PREFIX' && prefixes.length > 0 ? prefixes.length : 2),
      totalSize: seed.totalSize ?? 10 * GiB,
      totalNum: seed.totalNum ?? 10_000,
      progress: seed.progress ?? 0,
      speed: seed.speed,
      failAt: seed.failAt,
      failCode: seed.failCode,
      failMessage: seed.failMessage,
    },
    queuedAt: now,
    statusSince: now,
    startedAt: status === 0 ? undefined : now,
  };
  if (seed.creationFailCode) {
    group.creationFailure = {
      error_code: seed.creationFailCode,
      error_msg: seed.creationFailMessage ?? 'Failed to create the migration tasks of the group.',
    };
  }
  if (status === 4) {
    group.errorReason = group.creationFailure ?? {
      error_code: 'OMS.0302',
      error_msg: 'Failed to list source objects.',
    };
  } else if (status !== 0) {
    createTasks(ctx, group, now, TASK_STATUS_FOR_GROUP[status] ?? 1);
    if (status === 5) finish(ctx, group);
  }
  return group;
}

/** The group's tasks, with sizes split evenly; task statuses follow the group's. */
function createTasks(ctx: SimContext, group: SimTaskGroup, at: number, taskStatus: number): void {
  const { plan } = group;
  const prefixes = group.src.object_key.filter((k) => k !== '');
  const short = group.id.slice(0, 8);
  for (let i = 0; i < plan.tasks; i++) {
    const last = i === plan.tasks - 1;
    const size = last
      ? plan.totalSize - Math.floor(plan.totalSize / plan.tasks) * i
      : Math.floor(plan.totalSize / plan.tasks);
    const num = last
      ? plan.totalNum - Math.floor(plan.totalNum / plan.tasks) * i
      : Math.floor(plan.totalNum / plan.tasks);
    const failsHere = i === 0 && (group.status === 5 || plan.failCode !== undefined);
    const status = group.status === 5 && i === 0 ? 4 : taskStatus;
    const task = ctx.addTask(
      {
        name: `group_${short}_${i + 1}`,
        status,
        totalSize: size,
        totalNum: num,
        progress: status === 5 ? 1 : plan.progress,
        speed: plan.speed,
        taskType: group.taskType === 'PREFIX' ? 'prefix' : group.taskType === 'LIST' ? 'list' : 'url_list',
        groupId: group.id,
        src: {
          cloud_type: cloudAsDocumented(group.src.cloud_type),
          region: group.src.region,
          bucket: group.src.bucket,
          object_key:
            group.taskType === 'PREFIX' ? [prefixes[i % Math.max(1, prefixes.length)] ?? ''] : undefined,
          list_file: group.src.list_file ?? undefined,
        },
        dst: { ...group.dst },
        failAt: failsHere ? plan.failAt : undefined,
        failCode: failsHere ? plan.failCode : undefined,
        failMessage: failsHere ? plan.failMessage : undefined,
        bandwidthPolicy: [...group.bandwidthPolicy],
        options: group.options,
      },
      at,
    );
    group.taskIds.push(task.id);
  }
}

export function tasksOf(ctx: SimContext, group: SimTaskGroup): SimTask[] {
  return group.taskIds.map((id) => ctx.task(id)).filter((t): t is SimTask => t !== undefined);
}

function finish(ctx: SimContext, group: SimTaskGroup): void {
  const failed = tasksOf(ctx, group).find((t) => t.status === 4);
  group.status = failed ? 5 : 6;
  group.errorReason = failed?.errorReason ? { ...failed.errorReason } : undefined;
  group.statusSince = ctx.clock.now();
}

/**
 * Moves a group forward to now, after its tasks: 0 → 1 (tasks created) → 2 → 5/6 once every task
 * ended; 7 → 3 once no task is active; 8 → 9 → removed. Returns false once the group is gone.
 */
export function advanceTaskGroup(ctx: SimContext, group: SimTaskGroup): boolean {
  const t = ctx.timings;
  const now = ctx.clock.now();
  for (let step = 0; step < 10; step++) {
    const before = group.status;
    switch (group.status) {
      case 0: {
        const at = group.statusSince + t.scheduleDelayMs;
        if (now < at) break;
        group.statusSince = at;
        group.startedAt ??= at;
        if (group.creationFailure) {
          group.status = 4;
          group.errorReason = group.creationFailure;
        } else {
          group.status = 1;
          createTasks(ctx, group, at, 1);
        }
        break;
      }
      case 1:
      case 2: {
        const tasks = tasksOf(ctx, group);
        if (tasks.length > 0 && tasks.every((task) => TERMINAL_TASK.has(task.status))) {
          finish(ctx, group);
        } else if (group.status === 1 && now >= group.statusSince + t.groupCreateDelayMs) {
          group.status = 2;
          group.statusSince += t.groupCreateDelayMs;
        }
        break;
      }
      case 7:
        if (!tasksOf(ctx, group).some((task) => ACTIVE_TASK.has(task.status))) {
          group.status = 3;
          group.statusSince = now;
        }
        break;
      case 8:
      case 9:
        if (now >= group.statusSince + t.groupDeleteDelayMs) {
          if (group.status === 9) {
            for (const id of group.taskIds) ctx.tasks.delete(id);
            ctx.taskGroups.delete(group.id);
            return false;
          }
          group.status = 9;
          group.statusSince += t.groupDeleteDelayMs;
        }
        break;
    }
    if (group.status === before) break;
  }
  return true;
}

/** TaskGroupResp (Table 5-117): counters aggregate the group's tasks; clouds in upper case as printed. */
export function toTaskGroupResp(ctx: SimContext, group: SimTaskGroup): JsonObject {
  const tasks = group.taskIds.map((id) => ctx.tasks.get(id)).filter((t): t is SimTask => t !== undefined);
  const sum = (f: (task: SimTask) => number) => tasks.reduce((total, task) => total + f(task), 0);
  const count = (...statuses: number[]) => tasks.filter((task) => statuses.includes(task.status)).length;
  const created = tasks.length > 0;
  const o = group.options;
  const failedList = group.status === 5;
  return {
    group_id: group.id,
    status: group.status,
    error_reason: (group.status === 4 || group.status === 5) && group.errorReason ? group.errorReason : null,
    src_node: {
      bucket: group.src.bucket,
      cloud_type: group.src.cloud_type.toUpperCase(),
      region: group.src.region,
      app_id: group.src.app_id,
      object_key: group.src.object_key,
      list_file: group.src.list_file,
    },
    description: group.description,
    dst_node: { ...group.dst },
    enable_metadata_migration: o.enable_metadata_migration ?? false,
    enable_failed_object_recording: o.enable_failed_object_recording ?? true,
    enable_restore: o.enable_restore ?? false,
    enable_kms: o.enable_kms ?? false,
    task_type: group.taskType,
    bandwidth_policy: group.bandwidthPolicy,
    smn_config: o.smn_topic
      ? {
          notify_result: group.status === 5 || group.status === 6,
          notify_error_message: '',
          topic_name: o.smn_topic,
        }
      : null,
    source_cdn: o.source_cdn ?? null,
    migrate_since: (o.migrate_since ?? 0) * 1000,
    migrate_speed: sum((task) => (task.status === 2 || task.status === 6 ? task.speed : 0)),
    total_time: tasks.reduce((max, task) => Math.max(max, task.accumulatedMs), 0),
    start_time: group.startedAt ?? 0,
    total_task_num: created ? tasks.length : null,
    create_task_num: created ? tasks.length : null,
    failed_task_num: created ? count(4) : null,
    complete_task_num: created ? count(5) : null,
    paused_task_num: created ? count(3) : null,
    executing_task_num: created ? count(2, 6, 7) : null,
    waiting_task_num: created ? count(1) : null,
    total_num: sum((task) => task.totalNum),
    create_complete_num: created ? sum((task) => task.totalNum) : null,
    success_num: sum((task) => task.successfulNum),
    fail_num: sum((task) => task.failedNum),
    skip_num: sum((task) => task.skippedNum),
    total_size: sum((task) => task.totalSize),
    create_complete_size: created ? sum((task) => task.totalSize) : null,
    complete_size: sum((task) => task.completeSize),
    failed_object_record: failedList
      ? { result: true, list_file_key: `oms/task_group/${group.id}/failed_object_lists/`, error_code: null }
      : { result: null, list_file_key: null, error_code: null },
    object_overwrite_mode: o.object_overwrite_mode ?? 'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
    dst_storage_policy: o.dst_storage_policy ?? null,
    consistency_check: o.consistency_check ?? 'size_last_modified',
    enable_requester_pays: o.enable_requester_pays ?? false,
  };
}
