import { bucketNameRule } from '../bucket-names.js';
import type { FormValues } from '../definition.js';
import { type FieldMap, type FieldWords, type FormResult, validateWithSchema } from '../form-result.js';
import { upcloudCreateJobRequestSchema } from './schemas.js';

export const UPCLOUD_LABELS = {
  name: 'Job name',
  src_endpoint: 'Source endpoint',
  src_region: 'Source region',
  src_bucket: 'Source bucket',
  src_prefix: 'Source prefix',
  dst_bucket: 'Target bucket',
  dst_prefix: 'Target prefix',
} as const;

const FIELDS: Record<string, keyof typeof UPCLOUD_LABELS> = {
  name: 'name',
  sourceEndpoint: 'src_endpoint',
  sourceRegion: 'src_region',
  sourceBucket: 'src_bucket',
  sourcePrefix: 'src_prefix',
  targetBucket: 'dst_bucket',
  targetPrefix: 'dst_prefix',
};

const UPCLOUD_FIELD_MAP: FieldMap = {
  labels: UPCLOUD_LABELS,
  fallback: 'name',
  fieldFor: (path) => (typeof path[0] === 'string' ? FIELDS[path[0]] : undefined),
};

/** The UpCloud modal's values → `upcloudCreateJobRequestSchema` input (the source keys come from the connection). */
export function upcloudRequestFromForm(v: FormValues): FormResult {
  // The target is this Managed Object Storage: its (S3) naming rules apply before anyone approves.
  // The source is any S3 endpoint with rules of its own, so it is left to the provider.
  const errors: Record<string, string> = {};
  const words: Record<string, FieldWords> = {};
  const targetProblem = v.dst_bucket
    ? bucketNameRule(v.dst_bucket, { service: 'UpCloud Object Storage' })
    : undefined;
  if (targetProblem) {
    errors.dst_bucket = targetProblem.english;
    words.dst_bucket = targetProblem.words;
  }
  return validateWithSchema(
    upcloudCreateJobRequestSchema,
    {
      name: v.name,
      sourceEndpoint: v.src_endpoint,
      sourceRegion: v.src_region,
      sourceBucket: v.src_bucket,
      sourcePrefix: v.src_prefix,
      targetBucket: v.dst_bucket,
      targetPrefix: v.dst_prefix,
    },
    UPCLOUD_FIELD_MAP,
    errors,
    words,
  );
}
