import { z } from 'zod';
import { DST_STORAGE_POLICIES, LIMITS, SYNC_CLOUD_TYPES, SYNC_CONSISTENCY_CHECKS } from './enums.js';
import {
  bool,
  num,
  omsCode,
  sourceCdnReqSchema,
  sourceCdnRespSchema,
  str,
  syncDescription,
  text,
} from './parts.js';

// Synchronization tasks (seed 002 §5.3).

/**
 * SyncTaskInfo (Table 5-80); the example prints `null` for several strings. Only the id is required;
 * a status this code does not know (or none) reads as "unknown" with the raw value kept.
 */
export const syncTaskInfoSchema = z.looseObject({
  sync_task_id: z.union([z.string().min(1), z.number().transform(String)]),
  src_cloud_type: text,
  src_region: text,
  src_bucket: text,
  create_time: num,
  last_start_time: num,
  dst_bucket: text,
  dst_region: text,
  description: text,
  status: text,
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

/** GET /v2/{project_id}/sync-tasks (Table 5-79); items are read one by one by the client. */
export const listSyncTasksRespSchema = z.looseObject({
  tasks: z
    .array(z.unknown())
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
