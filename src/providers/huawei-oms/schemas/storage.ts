import { z } from 'zod';
import { BUCKET_CLOUD_TYPES, CDN_CLOUD_TYPES, LIMITS } from './enums.js';
import { bool, omsCode, sourceCdnReqSchema, str, text, textOrNumber } from './parts.js';

// Buckets (seed 002 §5.5): every body carries the source cloud's keys — never log one.

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
    .array(z.looseObject({ name: z.string(), size: textOrNumber }))
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

// Cloud vendors (5.6), regions (5.7), API versions (5.1).

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
