import { z } from 'zod';
import { bandwidthProblem } from './bandwidth.js';

/**
 * Requests and responses of every OMS v2 operation (seed 002, section 5). Field names, enums and limits
 * are the seed's. Responses are tolerant: unknown fields are kept (`z.looseObject`), and anything the
 * examples print as `null` or leave out is optional. Requests are checked before they are sent, with
 * the documented limits, so a bad value fails with a message naming the field instead of a 400.
 */

// ---------------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------------

/** Migration task status (Table 5-15). */
export const TASK_STATUS = {
  waiting: 1,
  migrating: 2,
  paused: 3,
  failed: 4,
  succeeded: 5,
  retrying: 6,
  pausing: 7,
} as const;

/** Migration task group status (Table 5-117): 0..9. */
export const TASK_GROUP_STATUS = {
  waiting: 0,
  executingOrCreating: 1,
  runningMonitorTask: 2,
  paused: 3,
  creationFailed: 4,
  migrationFailed: 5,
  migrationCompleted: 6,
  pausing: 7,
  waitingForDeletion: 8,
  deleting: 9,
} as const;

/** Synchronization task status (Table 5-80). */
export const SYNC_TASK_STATUSES = ['SYNCHRONIZING', 'STOPPED'] as const;
export type SyncTaskStatus = (typeof SYNC_TASK_STATUSES)[number];

export const TASK_TYPES = ['list', 'object', 'prefix', 'url_list'] as const;
/** Task groups spell their types in upper case (Table 5-131). */
export const TASK_GROUP_TYPES = ['LIST', 'URL_LIST', 'PREFIX'] as const;
export const GROUP_TYPES = ['NORMAL_TASK', 'SYNC_TASK', 'GROUP_TASK'] as const;

/** Source clouds of a migration task or task group (Tables 5-20, 5-40, 5-132). */
export const CLOUD_TYPES = [
  'AWS',
  'Azure',
  'Aliyun',
  'Tencent',
  'HuaweiCloud',
  'QingCloud',
  'KingsoftCloud',
  'Baidu',
  'Qiniu',
  'URLSource',
  'UCloud',
  'Google',
] as const;
/** Source clouds of a synchronization task (Table 5-85): no URL lists, no Google. */
export const SYNC_CLOUD_TYPES = [
  'AWS',
  'Azure',
  'Aliyun',
  'Tencent',
  'HuaweiCloud',
  'QingCloud',
  'KingsoftCloud',
  'Baidu',
  'Qiniu',
  'UCloud',
] as const;
/** Clouds the bucket queries take (Tables 5-180, 5-194, 5-199, 5-204), HEC included. */
export const BUCKET_CLOUD_TYPES = [
  'AWS',
  'Aliyun',
  'Qiniu',
  'QingCloud',
  'Tencent',
  'Baidu',
  'KingsoftCloud',
  'Azure',
  'UCloud',
  'HuaweiCloud',
  'Google',
  'URLSource',
  'HEC',
] as const;
/** The CDN query (Table 5-186) does not list Google. */
export const CDN_CLOUD_TYPES = [
  'AWS',
  'Aliyun',
  'Qiniu',
  'QingCloud',
  'Tencent',
  'Baidu',
  'KingsoftCloud',
  'Azure',
  'UCloud',
  'HuaweiCloud',
  'URLSource',
  'HEC',
] as const;

export const OBJECT_OVERWRITE_MODES = [
  'NO_OVERWRITE',
  'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
  'CRC64_COMPARISON_OVERWRITE',
  'FULL_OVERWRITE',
] as const;
export const DST_STORAGE_POLICIES = [
  'STANDARD',
  'IA',
  'ARCHIVE',
  'DEEP_ARCHIVE',
  'SRC_STORAGE_MAPPING',
] as const;
export const CONSISTENCY_CHECKS = ['size_last_modified', 'crc64', 'no_check'] as const;
/** CreateSyncTaskReq (Table 5-85) says `transmission` where the others say `no_check`. */
export const SYNC_CONSISTENCY_CHECKS = ['size_last_modified', 'crc64', 'transmission'] as const;
export const TASK_PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export const CDN_PROTOCOLS = ['http', 'https'] as const;
export const CDN_AUTHENTICATION_TYPES = [
  'NONE',
  'QINIU_PRIVATE_AUTHENTICATION',
  'ALIYUN_OSS_A',
  'ALIYUN_OSS_B',
  'ALIYUN_OSS_C',
  'KSYUN_PRIVATE_AUTHENTICATION',
  'AZURE_SAS_TOKEN',
  'TENCENT_COS_A',
  'TENCENT_COS_B',
  'TENCENT_COS_C',
  'TENCENT_COS_D',
] as const;
export const SMN_LANGUAGES = ['zh-cn', 'en-us'] as const;
export const SMN_TRIGGER_CONDITIONS = ['SUCCESS', 'FAILURE'] as const;
export const SYNC_STATISTIC_DATA_TYPES = ['REQUEST', 'SUCCESS', 'FAILURE', 'SKIP', 'SIZE'] as const;
export type SyncStatisticDataType = (typeof SYNC_STATISTIC_DATA_TYPES)[number];
export const STATISTIC_TIME_TYPES = ['FIVE_MINUTES', 'ONE_HOUR'] as const;
export const VERSION_STATUSES = ['CURRENT', 'DEPRECATED', 'SUPPORTED'] as const;
/** `type` of GET /objectstorage/cloud-type (Table 5-208). */
export const CLOUD_VENDOR_END_TYPES = ['src', 'dst'] as const;
export type CloudVendorEndType = (typeof CLOUD_VENDOR_END_TYPES)[number];

/** Characters a task or task-group description may not contain (Tables 5-39, 5-131). */
export const TASK_DESCRIPTION_FORBIDDEN = '^<>&"\'';
/** …and a synchronization task's (Table 5-85). */
export const SYNC_DESCRIPTION_FORBIDDEN = '<>()"\'&';

// ---------------------------------------------------------------------------------------------------
// Documented limits (query and path parameters)
// ---------------------------------------------------------------------------------------------------

export const LIMITS = {
  pageSize: { min: 1, max: 100, default: 10 },
  taskOffsetMax: 2_147_483_647,
  taskGroupOffsetMax: 2_147_483_647,
  syncTaskOffsetMax: 10_000,
  /** Task ids are Longs up to 999999999999999 (Table 5-15). */
  taskId: /^\d{1,15}$/,
  /** TaskGroupResp.group_id: 1..100 characters; group_id in batch updates: 1..36 (a UUID). */
  groupIdMax: 100,
  /** SyncTaskInfo.sync_task_id: up to 255 characters. */
  syncTaskIdMax: 255,
  versionMax: 10,
  syncEventKeysMax: 100,
  /** "A maximum of 10 objects can be included" (Table 5-72) — the array limit says 100; see README. */
  syncEventKeysPerCall: 10,
  batchUpdateIdsMax: 20,
  objectKeysMax: 500,
  bucketPageSizeMax: 100,
  prefixKeysMax: 100,
} as const;

// ---------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------

const str = (max: number, min = 0) =>
  z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
const long = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Response numbers: Longs (a double once parsed), sometimes printed as `null`. */
const num = z.number().nullish();
const bool = z.boolean().nullish();
const text = z.string().nullish();

/** The OMS code the simulator answers with when this refinement fails. */
function omsCode(code: string): { params: { omsCode: string } } {
  return { params: { omsCode: code } };
}

function description(forbidden: string) {
  return z
    .string()
    .max(255, 'must be at most 255 characters')
    .refine((value) => ![...forbidden].some((c) => value.includes(c)), {
      message: `must not contain any of these characters: ${forbidden}`,
      ...omsCode('OMS.0078'),
    });
}

const taskDescription = description(TASK_DESCRIPTION_FORBIDDEN);
const syncDescription = description(SYNC_DESCRIPTION_FORBIDDEN);

export const bandwidthPolicySchema = z.looseObject({
  start: z.string(),
  end: z.string(),
  max_bandwidth: z.number(),
});
export type BandwidthPolicy = z.infer<typeof bandwidthPolicySchema>;

/** BandwidthPolicyDto[] of a request: at most 5 `hh:mm` windows, no overlap, 1 MB/s..200 MB/s each. */
export const bandwidthPolicyReqSchema = z
  .array(z.object({ start: z.string(), end: z.string(), max_bandwidth: z.number() }))
  .superRefine((policies, ctx) => {
    const problem = bandwidthProblem(policies);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        path: problem.path,
        ...omsCode(problem.code),
      });
    }
  });
export type BandwidthPolicyReq = z.infer<typeof bandwidthPolicyReqSchema>;

export const listFileSchema = z.object({
  list_file_key: str(1024, 1),
  obs_bucket: str(1024),
  list_file_num: str(65_535).optional(),
});

export const sourceCdnReqSchema = z.object({
  authentication_key: str(255).optional(),
  authentication_type: z.enum(CDN_AUTHENTICATION_TYPES),
  domain: str(1024),
  protocol: z.enum(CDN_PROTOCOLS),
});
export type SourceCdnReq = z.infer<typeof sourceCdnReqSchema>;

export const smnConfigSchema = z.object({
  language: z.enum(SMN_LANGUAGES).optional(),
  topic_urn: str(1024),
  trigger_conditions: z
    .array(z.enum(SMN_TRIGGER_CONDITIONS))
    .min(1, 'must name at least one of SUCCESS, FAILURE')
    .max(2, 'must have at most 2 items'),
  message_template_name: z.string().optional(),
});

const objectKeys = z
  .array(str(1024))
  .max(LIMITS.objectKeysMax, `must have at most ${LIMITS.objectKeysMax} items`);

// ---------------------------------------------------------------------------------------------------
// Migration tasks (5.2)
// ---------------------------------------------------------------------------------------------------

export const errorReasonSchema = z.looseObject({
  error_code: text,
  error_msg: text,
});

export const failedObjectRecordSchema = z.looseObject({
  result: bool,
  list_file_key: text,
  error_code: text,
});

export const listFileRespSchema = z.looseObject({
  list_file_key: text,
  obs_bucket: text,
  list_file_num: text,
});

export const srcNodeRespSchema = z.looseObject({
  bucket: z.string().optional(),
  cloud_type: z.string().optional(),
  region: z.string().optional(),
  app_id: z.string().optional(),
  object_key: z.array(z.string()).optional(),
  list_file: listFileRespSchema.nullish(),
});

export const dstNodeRespSchema = z.looseObject({
  bucket: z.string().optional(),
  region: z.string().optional(),
  save_prefix: z.string().optional(),
});

export const smnInfoSchema = z.looseObject({
  notify_result: bool,
  notify_error_message: text,
  topic_name: text,
});

export const sourceCdnRespSchema = z.looseObject({
  domain: text,
  protocol: text,
  authentication_type: text,
});

// Numbers may exceed 2^53 in theory (Long); JSON.parse gives the nearest double, which is fine for display.
const taskLong = z.number().nonnegative();

/** TaskResp (Table 5-15). Unknown fields are kept; only what the bot reads is typed. */
export const taskRespSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).transform(String),
  name: z.string().optional().default(''),
  status: z.number().int(),
  description: z.string().optional(),
  task_type: z.string().optional(),
  group_id: z.string().nullish(),
  group_type: z.string().optional(),
  progress: z.number().min(0).max(1).optional(),
  complete_size: taskLong.optional(),
  total_size: taskLong.optional(),
  real_size: taskLong.optional(),
  total_num: taskLong.optional(),
  successful_num: taskLong.optional(),
  failed_num: taskLong.optional(),
  skipped_num: taskLong.optional(),
  migrate_speed: taskLong.optional(),
  migrate_since: taskLong.optional(),
  left_time: taskLong.optional(),
  start_time: taskLong.optional(),
  total_time: taskLong.optional(),
  is_query_over: z.boolean().optional(),
  // "The value is an empty string if the task is not in the Failed state."
  error_reason: z.union([errorReasonSchema, z.string(), z.null()]).optional(),
  failed_object_record: failedObjectRecordSchema.nullish(),
  src_node: srcNodeRespSchema.optional(),
  dst_node: dstNodeRespSchema.optional(),
  // Not validated against the request limits: the documented example prints max_bandwidth 0.
  bandwidth_policy: z.array(bandwidthPolicySchema).optional(),
  enable_failed_object_recording: z.boolean().optional(),
  enable_kms: z.boolean().optional(),
  enable_metadata_migration: z.boolean().optional(),
  enable_restore: z.boolean().optional(),
  enable_requester_pays: z.boolean().optional(),
  smn_info: smnInfoSchema.nullish(),
  source_cdn: sourceCdnRespSchema.nullish(),
  success_record_error_reason: z.string().nullish(),
  skip_record_error_reason: z.string().nullish(),
  object_overwrite_mode: z.string().optional(),
  dst_storage_policy: z.string().nullish(),
  consistency_check: z.string().optional(),
  task_priority: z.string().optional(),
});
export type TaskResp = z.infer<typeof taskRespSchema>;

/** GET /v2/{project_id}/tasks (Table 5-14). */
export const listTasksRespSchema = z.looseObject({
  tasks: z.array(taskRespSchema).default([]),
  count: z.number().nonnegative().optional(),
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
const commonOptionsShape = {
  enable_kms: z.boolean().optional(),
  migrate_since: long.optional(),
  bandwidth_policy: bandwidthPolicyReqSchema.optional(),
  source_cdn: sourceCdnReqSchema.optional(),
  smn_config: smnConfigSchema.optional(),
  enable_metadata_migration: z.boolean().optional(),
  enable_restore: z.boolean().optional(),
  enable_failed_object_recording: z.boolean().optional(),
  object_overwrite_mode: z.enum(OBJECT_OVERWRITE_MODES).optional(),
  dst_storage_policy: z.enum(DST_STORAGE_POLICIES).optional(),
  consistency_check: z.enum(CONSISTENCY_CHECKS).optional(),
  enable_requester_pays: z.boolean().optional(),
};
const taskOptionsShape = {
  ...commonOptionsShape,
  task_type: z.enum(TASK_TYPES).optional(),
  description: taskDescription.optional(),
  task_priority: z.enum(TASK_PRIORITIES).optional(),
};

interface SourceLike {
  cloud_type?: string;
  region?: string;
  bucket?: string;
  app_id?: string;
  list_file?: unknown;
  ak?: string;
  sk?: string;
  json_auth_file?: string;
}

/**
 * The conditional rules of SrcNodeReq and TaskGroupSrcNode (Tables 5-40, 5-132): region, bucket and
 * keys unless the task is a URL list; a list file for list and URL-list tasks; URLSource for URL
 * lists; app_id for Tencent. `withKeys` is false for the provider-level request, whose keys come
 * from the connection.
 */
function checkSource(
  src: SourceLike,
  kind: { urlList: boolean; listFile: boolean; typeName: string },
  ctx: z.RefinementCtx,
  withKeys: boolean,
): void {
  const issue = (field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['src_node', field], message, ...omsCode('OMS.0057') });
  if (kind.urlList) {
    if (src.cloud_type !== 'URLSource') {
      issue('cloud_type', `must be URLSource when task_type is ${kind.typeName}`);
    }
  } else {
    if (!src.region) issue('region', `is required unless task_type is ${kind.typeName}`);
    if (!src.bucket) issue('bucket', `is required unless task_type is ${kind.typeName}`);
    const googleFile = src.cloud_type === 'Google' && !!src.json_auth_file;
    if (withKeys && !googleFile && (!src.ak || !src.sk)) {
      issue(src.ak ? 'sk' : 'ak', `ak and sk are required unless task_type is ${kind.typeName}`);
    }
  }
  if (kind.listFile && !src.list_file) {
    issue('list_file', 'is required when the task migrates an object list or URL list');
  }
  if (src.cloud_type === 'Tencent' && !src.app_id) issue('app_id', 'is required when cloud_type is Tencent');
}

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

// ---------------------------------------------------------------------------------------------------
// Synchronization tasks (5.3)
// ---------------------------------------------------------------------------------------------------

/** SyncTaskInfo (Table 5-80); the example prints `null` for several strings. */
export const syncTaskInfoSchema = z.looseObject({
  sync_task_id: z.string(),
  src_cloud_type: text,
  src_region: text,
  src_bucket: text,
  create_time: num,
  last_start_time: num,
  dst_bucket: text,
  dst_region: text,
  description: text,
  status: z.string(),
  enable_kms: bool,
  enable_metadata_migration: bool,
  enable_restore: bool,
  app_id: text,
  source_cdn: sourceCdnRespSchema.nullish(),
  object_overwrite_mode: text,
  dst_storage_policy: text,
  consistency_check: text,
});
export type SyncTaskInfo = z.infer<typeof syncTaskInfoSchema>;

/** ShowSyncTaskResp (Table 5-92): SyncTaskInfo plus this month's counters. */
export const showSyncTaskRespSchema = syncTaskInfoSchema.extend({
  monthly_acceptance_request: num,
  monthly_success_object: num,
  monthly_failure_object: num,
  monthly_skip_object: num,
  monthly_size: num,
});
export type ShowSyncTaskResp = z.infer<typeof showSyncTaskRespSchema>;

export const listSyncTasksRespSchema = z.looseObject({
  tasks: z
    .array(syncTaskInfoSchema)
    .nullish()
    .transform((t) => t ?? []),
  count: num,
});

const syncTaskShape = {
  src_cloud_type: z.enum(SYNC_CLOUD_TYPES).optional(),
  src_region: str(100),
  src_bucket: str(1024),
  dst_region: str(100),
  dst_bucket: str(1024),
  description: syncDescription.optional(),
  enable_metadata_migration: z.boolean().optional(),
  enable_kms: z.boolean().optional(),
  enable_restore: z.boolean().optional(),
  dst_storage_policy: z.enum(DST_STORAGE_POLICIES).optional(),
  app_id: str(255).optional(),
  source_cdn: sourceCdnReqSchema.optional(),
  consistency_check: z.enum(SYNC_CONSISTENCY_CHECKS).optional(),
};

function checkSyncTask(req: { src_cloud_type?: string; app_id?: string }, ctx: z.RefinementCtx) {
  if (req.src_cloud_type === 'Tencent' && !req.app_id) {
    ctx.addIssue({
      code: 'custom',
      path: ['app_id'],
      message: 'is required when src_cloud_type is Tencent',
      ...omsCode('OMS.0057'),
    });
  }
}

/** POST /v2/{project_id}/sync-tasks body (CreateSyncTaskReq, Table 5-85). */
export const createSyncTaskReqSchema = z
  .object({
    ...syncTaskShape,
    src_ak: str(100),
    src_sk: str(100),
    dst_ak: str(100),
    dst_sk: str(100),
  })
  .superRefine(checkSyncTask);
export type CreateSyncTaskReq = z.input<typeof createSyncTaskReqSchema>;

export const createSyncTaskRespSchema = z.looseObject({ sync_task_id: z.string().min(1) });

/** What `HuaweiOmsProvider.create('sync-task', …)` takes: CreateSyncTaskReq without the keys. */
export const omsCreateSyncTaskRequestSchema = z.strictObject(syncTaskShape).superRefine(checkSyncTask);
export type OmsCreateSyncTaskRequest = z.input<typeof omsCreateSyncTaskRequestSchema>;

/** POST /v2/{project_id}/sync-tasks/{sync_task_id}/start (Table 5-111; seed 004). */
export const startSyncTaskReqSchema = z.object({
  src_ak: str(100, 1),
  src_sk: str(100, 1),
  dst_ak: str(100, 1),
  dst_sk: str(100, 1),
  source_cdn_authentication_key: str(255).optional(),
});
export type StartSyncTaskReq = z.infer<typeof startSyncTaskReqSchema>;

/** POST /v2/{project_id}/sync-tasks/{sync_task_id}/events (Table 5-72). */
export const createSyncEventsReqSchema = z.object({
  object_keys: z
    .array(str(16_384, 1))
    .min(1, 'must name at least one object')
    .max(LIMITS.syncEventKeysMax, `must have at most ${LIMITS.syncEventKeysMax} items`),
});
export type CreateSyncEventsReq = z.infer<typeof createSyncEventsReqSchema>;

/** GET …/sync-tasks/{sync_task_id}/statistics (Tables 5-97 to 5-99). */
export const syncTaskStatisticsRespSchema = z.looseObject({
  sync_task_id: text,
  statistic_time_type: text,
  statistic_datas: z
    .array(
      z.looseObject({
        data_type: z.string(),
        data: z
          .array(z.looseObject({ time_stamp: z.number(), statistic_num: z.number() }))
          .nullish()
          .transform((d) => d ?? []),
      }),
    )
    .nullish()
    .transform((d) => d ?? []),
});
export type SyncTaskStatisticsResp = z.infer<typeof syncTaskStatisticsRespSchema>;

// ---------------------------------------------------------------------------------------------------
// Migration task groups (5.4)
// ---------------------------------------------------------------------------------------------------

/** TaskGroupResp (Table 5-117); the examples print `null` for most counters. */
export const taskGroupRespSchema = z.looseObject({
  group_id: z.string(),
  status: z.number().int(),
  // "an empty string if the task is not in the Migration failed state"; the examples print null.
  error_reason: z.union([errorReasonSchema, z.string(), z.null()]).optional(),
  src_node: z
    .looseObject({
      bucket: text,
      cloud_type: text,
      region: text,
      app_id: text,
      object_key: z.array(z.string()).nullish(),
      list_file: listFileRespSchema.nullish(),
    })
    .nullish(),
  description: text,
  dst_node: z.looseObject({ bucket: text, region: text, save_prefix: text }).nullish(),
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

export const listTaskGroupsRespSchema = z.looseObject({
  count: num,
  taskgroups: z
    .array(taskGroupRespSchema)
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

// ---------------------------------------------------------------------------------------------------
// Buckets (5.5): every body carries the source cloud's keys — never log one.
// ---------------------------------------------------------------------------------------------------

const bucketKeysShape = {
  ak: str(100).optional(),
  sk: str(100).optional(),
  json_auth_file: str(65_535).optional(),
  app_id: str(255).optional(),
};

/** POST /v2/{project_id}/objectstorage/buckets/objects (Table 5-180). */
export const listBucketObjectsReqSchema = z.object({
  ...bucketKeysShape,
  cloud_type: z.enum(BUCKET_CLOUD_TYPES),
  file_path: str(1023).refine((path) => path === '' || path.endsWith('/'), {
    message: 'must end with a slash (/)',
    ...omsCode('OMS.0001'),
  }),
  connection_string: str(2048).optional(),
  data_center: str(100),
  page_size: z.number().int().min(0).max(LIMITS.bucketPageSizeMax, 'must be at most 100'),
  behind_filename: str(1024),
  bucket_name: str(100),
});
export type ListBucketObjectsReq = z.infer<typeof listBucketObjectsReqSchema>;

export const listBucketObjectsRespSchema = z.looseObject({
  next_page: bool,
  next_marker: text,
  records: z
    .array(z.looseObject({ name: z.string(), size: text }))
    .nullish()
    .transform((r) => r ?? []),
});
export type ListBucketObjectsResp = z.infer<typeof listBucketObjectsRespSchema>;

/** POST /v2/{project_id}/objectstorage/buckets/cdn-info (Table 5-186). */
export const showBucketCdnInfoReqSchema = z.object({
  ak: str(100),
  sk: str(100),
  cloud_type: z.enum(CDN_CLOUD_TYPES),
  region: str(100),
  app_id: str(255).optional(),
  bucket: str(100),
  prefix: z
    .object({
      keys: z.array(str(2048)).max(LIMITS.prefixKeysMax, `must have at most ${LIMITS.prefixKeysMax} items`),
    })
    .optional(),
  source_cdn: sourceCdnReqSchema,
});
export type ShowBucketCdnInfoReq = z.infer<typeof showBucketCdnInfoReqSchema>;

export const showBucketCdnInfoRespSchema = z.looseObject({
  is_same_cloud_type: bool,
  is_download_available: bool,
  checked_keys: z
    .array(z.looseObject({ key: z.string(), is_etag_matching: bool, is_object_existing: bool }))
    .nullish()
    .transform((k) => k ?? []),
});
export type ShowBucketCdnInfoResp = z.infer<typeof showBucketCdnInfoRespSchema>;

/** POST /v2/{project_id}/objectstorage/buckets (Table 5-194). */
export const listBucketsReqSchema = z.object({ ...bucketKeysShape, cloud_type: z.enum(BUCKET_CLOUD_TYPES) });
export type ListBucketsReq = z.infer<typeof listBucketsReqSchema>;
export const listBucketsRespSchema = z.array(z.string());

/** POST /v2/{project_id}/objectstorage/buckets/regions (Table 5-199). */
export const showBucketRegionReqSchema = z.object({
  ...bucketKeysShape,
  cloud_type: z.enum(BUCKET_CLOUD_TYPES),
  bucket_name: str(100),
});
export type ShowBucketRegionReq = z.infer<typeof showBucketRegionReqSchema>;
export const showBucketRegionRespSchema = z.looseObject({ id: text, name: text, support: bool });
export type ShowBucketRegionResp = z.infer<typeof showBucketRegionRespSchema>;

/** POST /v2/{project_id}/objectstorage/buckets/prefix (Table 5-204). */
export const checkPrefixReqSchema = z.object({
  ...bucketKeysShape,
  cloud_type: z.enum(BUCKET_CLOUD_TYPES),
  bucket_name: str(100),
  file_name: str(1024),
  data_center: str(100),
  security_token: str(16_384).optional(),
});
export type CheckPrefixReq = z.infer<typeof checkPrefixReqSchema>;
export const checkPrefixRespSchema = z.looseObject({
  exist: z
    .boolean()
    .nullish()
    .transform((e) => e ?? false),
});

// ---------------------------------------------------------------------------------------------------
// Cloud vendors (5.6), regions (5.7), API versions (5.1)
// ---------------------------------------------------------------------------------------------------

export const listCloudVendorsRespSchema = z.array(z.string());

export const regionInfoSchema = z.looseObject({
  cloud_type: text,
  value: z.string(),
  description: text,
});
export const showRegionInfoRespSchema = z.looseObject({
  service_name: text,
  region_list: z
    .array(regionInfoSchema)
    .nullish()
    .transform((r) => r ?? []),
});
export type ShowRegionInfoResp = z.infer<typeof showRegionInfoRespSchema>;
export const listRegionsRespSchema = z.array(showRegionInfoRespSchema);

export const linkSchema = z.looseObject({ href: text, rel: text });

/**
 * Version (Tables 5-3, 5-8). The table says `status` is a string; the printed examples show an
 * OpenAPI fragment (`{"type":"string","example":"SUPPORTED",…}`) there instead, so both are accepted.
 */
export const versionSchema = z.looseObject({
  id: z.string(),
  links: z.array(linkSchema).nullish(),
  status: z.union([z.string(), z.looseObject({ example: text, default: text })]).nullish(),
  updated: text,
});
export type VersionResp = z.infer<typeof versionSchema>;
export const listVersionsRespSchema = z.looseObject({
  versions: z
    .array(versionSchema)
    .nullish()
    .transform((v) => v ?? []),
});

/** The version status as a plain string, whichever of the two documented shapes came back. */
export function versionStatus(version: VersionResp): string | undefined {
  const status = version.status;
  if (typeof status === 'string') return status;
  return status?.example ?? status?.default ?? undefined;
}

// ---------------------------------------------------------------------------------------------------
// Errors and IAM
// ---------------------------------------------------------------------------------------------------

/** `{"error_code": "...", "error_msg": "...", "request_id": "..."}`, or the SDK's `{error:{code,message}}`. */
export const omsErrorBodySchema = z.looseObject({
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
  request_id: z.string().optional(),
  error: z
    .looseObject({
      code: z.union([z.string(), z.number()]).transform(String).optional(),
      message: z.string().optional(),
    })
    .optional(),
});

/** IAM POST /v3/auth/tokens response body (the token itself is in X-Subject-Token). */
export const iamTokenRespSchema = z.looseObject({
  token: z.looseObject({ expires_at: z.string(), issued_at: z.string().optional() }),
});
