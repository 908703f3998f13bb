import { z } from 'zod';
import { bandwidthProblem } from '../bandwidth.js';
import {
  CDN_AUTHENTICATION_TYPES,
  CDN_PROTOCOLS,
  CONSISTENCY_CHECKS,
  DST_STORAGE_POLICIES,
  LIMITS,
  OBJECT_OVERWRITE_MODES,
  SMN_LANGUAGES,
  SMN_TRIGGER_CONDITIONS,
  SYNC_DESCRIPTION_FORBIDDEN,
  TASK_DESCRIPTION_FORBIDDEN,
} from './enums.js';

/**
 * Building blocks shared by the OMS schemas. Response parts follow one rule: a field the seed marks
 * optional (or whose examples print `null`) accepts both a missing value and `null`, so a real
 * response with nulls reads like the documented one. Only what identifies a resource is required.
 */

export const str = (max: number, min = 0) =>
  z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
export const long = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * Response numbers: Longs (a double once parsed, fine for display past 2^53), sometimes printed as
 * `null`. Negative values are kept here and dropped by the mappers, so a `-1` never hides an item.
 */
export const num = z.number().nullish();
export const bool = z.boolean().nullish();
export const text = z.string().nullish();
/** A response string the seed types as String but that a server could plausibly send as a number. */
export const textOrNumber = z.union([z.string(), z.number().transform(String)]).nullish();

/** The OMS code the simulator answers with when this refinement fails. */
export function omsCode(code: string): { params: { omsCode: string } } {
  return { params: { omsCode: code } };
}

function description(forbidden: string) {
  return z
    .string()
    .max(255, 'must be at most 255 characters')
    .refine((value) => ![...forbidden].some((c) => value.includes(c)), {
      message: `must not contain any of these characters: ${forbidden}`,
      // `words`: the form says the rule in the reader's language (form-result.ts).
      params: {
        ...omsCode('OMS.0078').params,
        words: 'form.huawei-oms.error.forbidden',
        values: { forbidden },
      },
    });
}

export const taskDescription = description(TASK_DESCRIPTION_FORBIDDEN);
export const syncDescription = description(SYNC_DESCRIPTION_FORBIDDEN);

/** A traffic-limiting window as a response prints it. */
export const bandwidthPolicySchema = z.looseObject({
  start: text,
  end: text,
  max_bandwidth: num,
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

export const objectKeys = z
  .array(str(1024))
  .max(LIMITS.objectKeysMax, `must have at most ${LIMITS.objectKeysMax} items`);

// Response parts (Tables 5-15, 5-117): every field optional, every one nullable.

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
  list_file_num: textOrNumber,
});

/** SrcNodeResp (Table 5-15) and the group's source (Table 5-117). */
export const srcNodeRespSchema = z.looseObject({
  bucket: text,
  cloud_type: text,
  region: text,
  app_id: text,
  object_key: z.array(z.string()).nullish(),
  list_file: listFileRespSchema.nullish(),
});

export const dstNodeRespSchema = z.looseObject({
  bucket: text,
  region: text,
  save_prefix: text,
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

// Request parts shared by tasks and task groups (Tables 5-39, 5-40, 5-131, 5-132).

export const commonOptionsShape = {
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

export interface SourceLike {
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
export function checkSource(
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
