import { bucketNameRule } from '../bucket-names.js';
import type { FormValues } from '../definition.js';
import { type FieldMap, type FieldWords, type FormResult, validateWithSchema } from '../form-result.js';
import { ncpCreatePolicyRequestSchema } from './schemas.js';

export const NCP_LABELS = {
  title: 'Policy title',
  src_csp: 'Source cloud',
  src_region: 'Source region',
  src_bucket: 'Source bucket',
  src_prefix: 'Source prefix',
  dst_bucket: 'Target bucket',
  dst_prefix: 'Target prefix',
} as const;

const FIELDS: Record<string, keyof typeof NCP_LABELS> = {
  title: 'title',
  sourceCspType: 'src_csp',
  sourceRegion: 'src_region',
  sourceBucket: 'src_bucket',
  sourcePrefix: 'src_prefix',
  targetBucket: 'dst_bucket',
  targetPrefix: 'dst_prefix',
};

const NCP_FIELD_MAP: FieldMap = {
  labels: NCP_LABELS,
  fallback: 'title',
  fieldFor: (path) => (typeof path[0] === 'string' ? FIELDS[path[0]] : undefined),
};

/** The NCP modal's values → `ncpCreatePolicyRequestSchema` input (no keys: they come from the connection). */
export function ncpRequestFromForm(v: FormValues): FormResult {
  const request: Record<string, unknown> = {
    title: v.title,
    sourceCspType: v.src_csp,
    sourceRegion: v.src_region,
    sourceBucket: v.src_bucket,
    targetBucket: v.dst_bucket,
  };
  if (v.src_prefix) request.sourcePrefix = v.src_prefix;
  if (v.dst_prefix) request.targetPrefix = v.dst_prefix;
  // The target is always NCP Object Storage: its naming rules apply before anyone approves. The
  // source may be another cloud's bucket with other rules, so it is left to the provider.
  const errors: Record<string, string> = {};
  const words: Record<string, FieldWords> = {};
  const targetProblem = v.dst_bucket
    ? bucketNameRule(v.dst_bucket, { service: 'NCP Object Storage' })
    : undefined;
  if (targetProblem) {
    errors.dst_bucket = targetProblem.english;
    words.dst_bucket = targetProblem.words;
  }
  return validateWithSchema(ncpCreatePolicyRequestSchema, request, NCP_FIELD_MAP, errors, words);
}
