import { z } from 'zod';
import { CLOUD_TYPES, TASK_GROUP_TYPES } from './enums.js';
import {
  bandwidthPolicySchema,
  bool,
  checkSource,
  commonOptionsShape,
  dstNodeRespSchema,
  errorReasonSchema,
  failedObjectRecordSchema,
  listFileSchema,
  num,
  objectKeys,
  type SourceLike,
  smnInfoSchema,
  sourceCdnRespSchema,
  srcNodeRespSchema,
  str,
  taskDescription,
  text,
} from './parts.js';

// Migration task groups (seed 002 §5.4).

/**
 * TaskGroupResp (Table 5-117); the examples print `null` for most counters. Only the id is required;
 * a status this code does not know (or none) reads as "unknown" with the raw value kept.
 */
export const taskGroupRespSchema = z.looseObject({
  group_id: z.string().min(1),
  status: z.union([z.number(), z.string()]).nullish(),
  // "an empty string if the task is not in the Migration failed state"; the examples print null.
  error_reason: z.union([errorReasonSchema, z.string()]).nullish(),
  src_node: srcNodeRespSchema.nullish(),
  description: text,
  dst_node: dstNodeRespSchema.nullish(),
  enable_metadata_migration: bool,
  enable_failed_object_recording: bool,
  enable_restore: bool,
  enable_kms: bool,
  task_type: text,
  bandwidth_policy: z.array(bandwidthPolicySchema).nullish(),
  smn_config: smnInfoSchema.nullish(),
  source_cdn: sourceCdnRespSchema.nullish(),
  migrate_since: num,
  migrate_speed: num,
  total_time: num,
  start_time: num,
  total_task_num: num,
  create_task_num: num,
  failed_task_num: num,
  complete_task_num: num,
  paused_task_num: num,
  executing_task_num: num,
  waiting_task_num: num,
  total_num: num,
  create_complete_num: num,
  success_num: num,
  fail_num: num,
  skip_num: num,
  total_size: num,
  create_complete_size: num,
  complete_size: num,
  failed_object_record: failedObjectRecordSchema.nullish(),
  object_overwrite_mode: text,
  dst_storage_policy: text,
  consistency_check: text,
  enable_requester_pays: bool,
});
export type TaskGroupResp = z.infer<typeof taskGroupRespSchema>;

/** GET /v2/{project_id}/taskgroups (Table 5-116); items are read one by one by the client. */
export const listTaskGroupsRespSchema = z.looseObject({
  count: num,
  taskgroups: z
    .array(z.unknown())
    .nullish()
    .transform((g) => g ?? []),
});

const groupSrcNodeShape = {
  app_id: str(255).optional(),
  region: str(100).optional(),
  object_key: objectKeys.optional(),
  bucket: str(1024).optional(),
  cloud_type: z.enum(CLOUD_TYPES).optional(),
  list_file: listFileSchema.optional(),
};
const groupSrcSecretsShape = {
  ak: str(100).optional(),
  sk: str(100).optional(),
  json_auth_file: str(65_535).optional(),
};
const groupDstNodeShape = {
  region: str(100),
  bucket: str(1024),
  /** "Huawei Cloud is the destination by default, which is represented by HEC." */
  cloud_type: str(100).optional(),
  save_prefix: str(1024).optional(),
};
const groupDstSecretsShape = { ak: str(100), sk: str(100) };
const groupOptionsShape = {
  ...commonOptionsShape,
  description: taskDescription.optional(),
  task_type: z.enum(TASK_GROUP_TYPES).optional(),
};

function checkTaskGroup(
  req: { task_type?: string; src_node: SourceLike },
  ctx: z.RefinementCtx,
  withKeys: boolean,
) {
  const type = req.task_type ?? 'PREFIX';
  checkSource(
    req.src_node,
    { urlList: type === 'URL_LIST', listFile: type === 'LIST' || type === 'URL_LIST', typeName: 'URL_LIST' },
    ctx,
    withKeys,
  );
}

/** POST /v2/{project_id}/taskgroups body (CreateTaskGroupReq, Table 5-131); enable_kms is mandatory. */
export const createTaskGroupReqSchema = z
  .object({
    ...groupOptionsShape,
    enable_kms: z.boolean(),
    src_node: z.object({ ...groupSrcNodeShape, ...groupSrcSecretsShape }),
    dst_node: z.object({ ...groupDstNodeShape, ...groupDstSecretsShape }),
  })
  .superRefine((req, ctx) => checkTaskGroup(req, ctx, true));
export type CreateTaskGroupReq = z.input<typeof createTaskGroupReqSchema>;

export const createTaskGroupRespSchema = z.looseObject({ group_id: z.string().min(1) });

/** What `HuaweiOmsProvider.create('task-group', …)` takes: CreateTaskGroupReq without the keys. */
export const omsCreateTaskGroupRequestSchema = z
  .strictObject({
    ...groupOptionsShape,
    enable_kms: z.boolean().default(false),
    src_node: z.strictObject(groupSrcNodeShape),
    dst_node: z.strictObject(groupDstNodeShape),
  })
  .superRefine((req, ctx) => checkTaskGroup(req, ctx, false));
export type OmsCreateTaskGroupRequest = z.input<typeof omsCreateTaskGroupRequestSchema>;

/** PUT …/taskgroups/{group_id}/start (Table 5-164). */
export const startTaskGroupReqSchema = z.object({
  src_ak: str(100, 1).optional(),
  src_sk: str(100, 1).optional(),
  json_auth_file: str(65_535).optional(),
  dst_ak: str(100, 1),
  dst_sk: str(100, 1),
  source_cdn_authentication_key: str(255).optional(),
});
export type StartTaskGroupReq = z.infer<typeof startTaskGroupReqSchema>;

/** PUT …/taskgroups/{group_id}/retry (Table 5-169): every field optional. */
export const retryTaskGroupReqSchema = z.object({
  src_ak: str(100).optional(),
  src_sk: str(100).optional(),
  json_auth_file: str(65_535).optional(),
  dst_ak: str(100).optional(),
  dst_sk: str(100).optional(),
  source_cdn_authentication_key: str(255).optional(),
  migrate_failed_object: z.boolean().optional(),
});
export type RetryTaskGroupReq = z.infer<typeof retryTaskGroupReqSchema>;
