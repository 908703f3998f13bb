import { z } from 'zod';
import { CLOUD_TYPES, LIMITS, TASK_PRIORITIES, TASK_TYPES } from './enums.js';
import {
  bandwidthPolicyReqSchema,
  bandwidthPolicySchema,
  bool,
  checkSource,
  commonOptionsShape,
  dstNodeRespSchema,
  errorReasonSchema,
  failedObjectRecordSchema,
  listFileSchema,
  long,
  num,
  objectKeys,
  omsCode,
  type SourceLike,
  smnInfoSchema,
  sourceCdnRespSchema,
  srcNodeRespSchema,
  str,
  taskDescription,
  text,
} from './parts.js';

// Migration tasks (seed 002 §5.2).

/** Task ids are Longs up to 15 digits (Table 5-15); a number or a digit string, kept as a string. */
const taskId = z
  .union([z.number().int().min(0).max(999_999_999_999_999), z.string().regex(LIMITS.taskId)])
  .transform(String);

/**
 * TaskResp (Table 5-15). Unknown fields are kept; only what the bot reads is typed. Only `id` is
 * required: every other field may be missing or `null`, and `status` is kept whatever its value, so
 * a status this code does not know reads as "unknown (raw value)" instead of failing the response.
 */
export const taskRespSchema = z.looseObject({
  id: taskId,
  name: z
    .string()
    .nullish()
    .transform((name) => name ?? ''),
  status: z.union([z.number(), z.string()]).nullish(),
  description: text,
  task_type: text,
  group_id: text,
  group_type: text,
  // 0..1 documented; the mapper clamps, so a rounding overshoot does not make the task unreadable.
  progress: num,
  complete_size: num,
  total_size: num,
  real_size: num,
  total_num: num,
  successful_num: num,
  failed_num: num,
  skipped_num: num,
  migrate_speed: num,
  migrate_since: num,
  left_time: num,
  start_time: num,
  total_time: num,
  is_query_over: bool,
  // "The value is an empty string if the task is not in the Failed state."
  error_reason: z.union([errorReasonSchema, z.string()]).nullish(),
  failed_object_record: failedObjectRecordSchema.nullish(),
  src_node: srcNodeRespSchema.nullish(),
  dst_node: dstNodeRespSchema.nullish(),
  // Not validated against the request limits: the documented example prints max_bandwidth 0.
  bandwidth_policy: z.array(bandwidthPolicySchema).nullish(),
  enable_failed_object_recording: bool,
  enable_kms: bool,
  enable_metadata_migration: bool,
  enable_restore: bool,
  enable_requester_pays: bool,
  smn_info: smnInfoSchema.nullish(),
  source_cdn: sourceCdnRespSchema.nullish(),
  success_record_error_reason: text,
  skip_record_error_reason: text,
  object_overwrite_mode: text,
  dst_storage_policy: text,
  consistency_check: text,
  task_priority: text,
});
export type TaskResp = z.infer<typeof taskRespSchema>;

/**
 * A task as a list page is read: the fields `mapTask` reads, each as `taskRespSchema` has it, and
 * nothing else kept. The watcher reads every page of every connection each cycle, and zod's work
 * grows with the fields: 0.7-1.5 ms and 995 KB allocated a 100-task page with the whole TaskResp,
 * 0.5-0.9 ms and 544 KB with these (bench/notes.md, sixteenth session). A task shown on its own
 * (`ShowTask`) is read whole.
 */
export const taskListItemSchema = taskRespSchema
  .pick({
    id: true,
    name: true,
    status: true,
    task_type: true,
    group_id: true,
    progress: true,
    complete_size: true,
    total_size: true,
    real_size: true,
    total_num: true,
    successful_num: true,
    failed_num: true,
    skipped_num: true,
    migrate_speed: true,
    left_time: true,
    is_query_over: true,
    start_time: true,
    total_time: true,
    error_reason: true,
    failed_object_record: true,
    src_node: true,
    dst_node: true,
    // What a finished task is verified against.
    success_record_error_reason: true,
    skip_record_error_reason: true,
    consistency_check: true,
  })
  .strip();
export type TaskListItem = z.infer<typeof taskListItemSchema>;

/**
 * GET /v2/{project_id}/tasks (Table 5-14). Items are read one by one by the client (`readItems`),
 * so one malformed task is reported instead of failing the whole page.
 */
export const listTasksRespSchema = z.looseObject({
  tasks: z
    .array(z.unknown())
    .nullish()
    .transform((t) => t ?? []),
  count: num,
});

/** Source of a migration task without its keys: the part a user chooses. */
const taskSrcNodeShape = {
  cloud_type: z.enum(CLOUD_TYPES).optional(),
  region: str(100).optional(),
  app_id: str(255).optional(),
  bucket: str(1024).optional(),
  object_key: objectKeys.optional(),
  list_file: listFileSchema.optional(),
};
const taskSrcSecretsShape = {
  ak: str(100).optional(),
  sk: str(100).optional(),
  json_auth_file: str(65_535).optional(),
  security_token: str(16_384).optional(),
};
const taskDstNodeShape = {
  bucket: str(1024),
  save_prefix: str(1024).optional(),
  region: str(100),
};
const taskDstSecretsShape = {
  ak: str(100),
  sk: str(100),
  security_token: str(16_384).optional(),
};
const taskOptionsShape = {
  ...commonOptionsShape,
  task_type: z.enum(TASK_TYPES).optional(),
  description: taskDescription.optional(),
  task_priority: z.enum(TASK_PRIORITIES).optional(),
};

function checkTask(
  req: { task_type?: string; src_node: SourceLike },
  ctx: z.RefinementCtx,
  withKeys: boolean,
) {
  const type = req.task_type ?? 'object';
  checkSource(
    req.src_node,
    { urlList: type === 'url_list', listFile: type === 'list' || type === 'url_list', typeName: 'url_list' },
    ctx,
    withKeys,
  );
}

/** POST /v2/{project_id}/tasks body (CreateTaskReq, Table 5-39). */
export const createTaskReqSchema = z
  .object({
    ...taskOptionsShape,
    src_node: z.object({ ...taskSrcNodeShape, ...taskSrcSecretsShape }),
    dst_node: z.object({ ...taskDstNodeShape, ...taskDstSecretsShape }),
  })
  .superRefine((req, ctx) => checkTask(req, ctx, true));
export type CreateTaskReq = z.input<typeof createTaskReqSchema>;

/** CreateTaskResp (Table 5-46). */
export const createTaskRespSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).transform(String),
  task_name: z.string().nullish(),
});

/**
 * What a caller gives `HuaweiOmsProvider.create('task', …)`: CreateTaskReq without any key. The
 * source and destination AK/SK (and tokens) come from the connection's storage credentials.
 */
export const omsCreateTaskRequestSchema = z
  .strictObject({
    ...taskOptionsShape,
    src_node: z.strictObject(taskSrcNodeShape),
    dst_node: z.strictObject(taskDstNodeShape),
  })
  .superRefine((req, ctx) => checkTask(req, ctx, false));
export type OmsCreateTaskRequest = z.input<typeof omsCreateTaskRequestSchema>;

/** Body of POST /v2/{project_id}/tasks/{task_id}/start (Table 5-54). */
export const startTaskReqSchema = z.object({
  src_ak: str(100, 1).optional(),
  src_sk: str(100, 1).optional(),
  json_auth_file: str(65_535).optional(),
  src_security_token: str(16_384).optional(),
  dst_ak: str(100, 1),
  dst_sk: str(100, 1),
  dst_security_token: str(16_384).optional(),
  source_cdn_authentication_key: str(255).optional(),
  migrate_failed_object: z.boolean().optional(),
});
export type StartTaskReq = z.infer<typeof startTaskReqSchema>;

/** PUT /v2/{project_id}/tasks/{task_id}/bandwidth-policy (Table 5-62). */
export const updateBandwidthPolicyReqSchema = z.object({ bandwidth_policy: bandwidthPolicyReqSchema });
export type UpdateBandwidthPolicyReq = z.infer<typeof updateBandwidthPolicyReqSchema>;

/** POST /v2/{project_id}/tasks/batch-update (Table 5-67): either group_id or ids. */
export const batchUpdateTasksReqSchema = z
  .object({
    group_id: str(36, 1).optional(),
    ids: z
      .array(long)
      .max(LIMITS.batchUpdateIdsMax, `must have at most ${LIMITS.batchUpdateIdsMax} items`)
      .optional(),
    bandwidth_policy: bandwidthPolicyReqSchema,
    task_priority: z.enum(TASK_PRIORITIES).optional(),
  })
  .superRefine((req, ctx) => {
    if (!req.group_id && !req.ids?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['ids'],
        message: 'either group_id or ids must be given',
        ...omsCode('OMS.1004'),
      });
    }
  });
export type BatchUpdateTasksReq = z.infer<typeof batchUpdateTasksReqSchema>;
