import { z } from 'zod';

/**
 * NCP Object Migration shapes. Field names, enums and limits come from providers.md §1.2–1.5 and the
 * policy object of seed 000. Responses are parsed tolerantly (unknown keys kept, nulls accepted);
 * request bodies strictly, so a bad request never leaves the bot.
 */

export const NCP_JOB_STATES = ['INITIALIZED', 'STARTED', 'PAUSED', 'DELETED', 'DONE', 'ERROR'] as const;
export type NcpJobState = (typeof NCP_JOB_STATES)[number];

export const NCP_SOURCE_CSP_TYPES = ['AWS', 'Azure'] as const;
export type NcpSourceCspType = (typeof NCP_SOURCE_CSP_TYPES)[number];

/** The "sort target" of GetMigrationJobList (§1.3). */
export const NCP_LIST_ORDERS = [
  'createTime',
  'updateTime',
  'title',
  'sourceBucketName',
  'targetBucketName',
] as const;
export type NcpListOrder = (typeof NCP_LIST_ORDERS)[number];
export const NCP_SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type NcpSortDirection = (typeof NCP_SORT_DIRECTIONS)[number];

export const NCP_TITLE_MAX_BYTES = 100;

/**
 * Title rule (providers.md §1.1): "up to 100 bytes. The only special characters allowed are `.`, `-`
 * and `_`." A limit in bytes implies letters beyond ASCII, so letters and digits of any script are
 * accepted (a Hangul title among them) and the limit is counted in UTF-8 bytes. This is for titles
 * the bot sends in a create or update body; a title NCP returns is used as it is (`policyPath`).
 * `.` and `..` alone are refused too: URL normalization would turn `/policy/..` into another path.
 */
export const policyTitleSchema = z
  .string()
  .min(1, 'is required')
  .refine((title) => Buffer.byteLength(title, 'utf8') <= NCP_TITLE_MAX_BYTES, {
    message: `must be at most ${NCP_TITLE_MAX_BYTES} bytes (a Hangul letter takes 3)`,
    params: { words: 'form.ncp.error.titleBytes', values: { max: NCP_TITLE_MAX_BYTES } },
  })
  // `params.words`: the form says the rule in the reader's language (form-result.ts).
  .refine((title) => /^[\p{L}\p{M}\p{N}._-]*$/u.test(title), {
    message: 'may contain only letters, digits, ".", "-" and "_"',
    params: { words: 'form.ncp.error.titleChars' },
  })
  .refine((title) => !isDotSegment(title), {
    message: 'cannot be "." or ".."',
    params: { words: 'create.field.dotSegment' },
  });

/** `.` and `..` cannot be sent as a path segment: a URL parser resolves them away. */
export function isDotSegment(title: string): boolean {
  return title === '.' || title === '..';
}

const required = z.string().min(1, 'is required');

/** Body of CreateMigrationJob and UpdateMigrationJob (§1.2). `secretKey` is a secret: never log the body. */
export const ncpPolicyBodySchema = z.object({
  title: policyTitleSchema,
  source: z.object({
    sourceCspType: z.enum(NCP_SOURCE_CSP_TYPES),
    regionName: required,
    bucketName: required,
    prefix: z.string().optional(),
    /** AWS: access key. Azure: storage account name. */
    accessKey: required,
    /** AWS: secret key. Azure: account access key. */
    secretKey: required,
  }),
  target: z.object({
    bucketName: required,
    prefix: z.string().optional(),
  }),
});
export type NcpPolicyBody = z.infer<typeof ncpPolicyBodySchema>;

/**
 * What a user gives to create a policy. Bucket keys are not part of it: they come from the
 * connection's `storage.source`, so they never pass through Slack. There is no target region: NCP
 * takes it from the `x-ncp-region_code` header, i.e. the connection's region.
 */
export const ncpCreatePolicyRequestSchema = z.strictObject({
  title: policyTitleSchema,
  sourceCspType: z.enum(NCP_SOURCE_CSP_TYPES),
  sourceRegion: required,
  sourceBucket: required,
  sourcePrefix: z.string().optional(),
  targetBucket: required,
  targetPrefix: z.string().optional(),
});
export type NcpCreatePolicyRequest = z.infer<typeof ncpCreatePolicyRequestSchema>;

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/**
 * Sizes and counts. The doc says Number/Long/Integer; values may pass 2^31, and a Long serialized as
 * a string is accepted too [I]. JSON numbers above 2^53 lose precision, which is fine for display.
 */
const amount = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .nullish()
  .transform((value) => value ?? undefined);

/*
 * The policy's fields accept `null` as given and the policy turns every `null` into `undefined` once,
 * in one transform: a transform on each field made zod run a pipe per field and value, 1.5-1.8 ms
 * and about 960 KB allocated for each 100-policy list page, against 0.55-0.8 ms and 600 KB this way
 * (bench/notes.md, sixteenth session). The watcher reads every page of every connection each cycle.
 */
const nullableText = z.string().nullish();
const nullableAmount = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish();
/** ISO 8601 in the current doc; older editions said "Date", so epoch milliseconds are accepted too [I]. */
const nullableTime = z.union([z.string(), z.number()]).nullish();

/** The object with each `null` value read as missing (`undefined`), typed so. */
type WithoutNulls<T> = { [K in keyof T]: Exclude<T[K], null> };
function withoutNulls<T extends Record<string, unknown>>(value: T): WithoutNulls<T> {
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = value[key] ?? undefined;
  return out as WithoutNulls<T>;
}

/** The policy object returned by Create, Get, Start, Pause, Delete and in `jobList` (§1.4, seed 000). */
export const ncpPolicySchema = z
  .looseObject({
    // The policy's id: the one field an item cannot be read without.
    title: z.string().min(1),
    sourceBucketName: nullableText,
    sourceRegionName: nullableText,
    sourceCspType: nullableText,
    sourceEndpoint: nullableText,
    sourcePrefix: nullableText,
    targetBucketName: nullableText,
    /** The misspelling of older doc editions. */
    targetBuketName: nullableText,
    targetRegionName: nullableText,
    targetEndpoint: nullableText,
    targetPrefix: nullableText,
    // A string, not an enum: an unknown state maps to 'unknown' instead of failing the whole call.
    jobState: nullableText,
    createTime: nullableTime,
    updateTime: nullableTime,
    estimatedDone: z.boolean().nullish(),
    estimatedSize: nullableAmount,
    migratedSize: nullableAmount,
    skippedSize: nullableAmount,
    estimatedObjectNum: nullableAmount,
    migratedObjectNum: nullableAmount,
    skippedObjectNum: nullableAmount,
  })
  .transform((raw) => {
    const { targetBuketName, ...policy } = withoutNulls(raw);
    policy.targetBucketName ??= targetBuketName;
    return policy;
  });
export type NcpPolicy = z.output<typeof ncpPolicySchema>;

/**
 * GetMigrationJobList response (§1.3). `jobList` items are read one by one by the client
 * (`readItems`), so one malformed policy is reported instead of failing the whole page.
 */
export const ncpPolicyListSchema = z.looseObject({
  /** Whether Object Storage is subscribed. */
  objStrContracted: z
    .boolean()
    .nullish()
    .transform((value) => value ?? undefined),
  /** "Number of policies" [I: read as the total, not the page size]. */
  num: amount,
  jobList: z
    .array(z.unknown())
    .nullish()
    .transform((value) => value ?? []),
});

/**
 * The Update response is not documented [I]: a policy object when there is one, anything else (an
 * empty body included) is accepted as success.
 */
export const ncpUpdateResponseSchema = z.union([
  ncpPolicySchema,
  z.unknown().transform((): undefined => undefined),
]);

const errorCode = z.union([z.string(), z.number()]).transform(String);

/**
 * API Gateway error body `{"error":{"errorCode":"200","message":"…","details":"…"}}` (§1.8). Object
 * Migration's own error bodies are undocumented, so a top-level `message` is accepted too [I].
 */
export const ncpErrorBodySchema = z.looseObject({
  error: z
    .union([
      z.looseObject({
        errorCode: errorCode.nullish().transform((value) => value ?? undefined),
        message: text,
        details: z.unknown().optional(),
      }),
      z.string(),
    ])
    .nullish(),
  errorCode: errorCode.nullish().transform((value) => value ?? undefined),
  message: text,
});
