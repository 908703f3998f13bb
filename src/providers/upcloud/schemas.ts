import { z } from 'zod';

/**
 * UpCloud Managed Object Storage jobs (seed 001, providers.md §2). The endpoints, the create body and
 * the five job states are documented; the job object returned by the API is not (§2.3), so its
 * schema is deliberately tolerant: unknown fields pass through, and every progress, error and
 * timestamp field is optional and falls back to `undefined` rather than failing the whole response.
 */

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_TYPE = 'data-migration';

// A surprising type in an undocumented field must not hide the job: it reads as "not given".
const count = z.number().nonnegative().optional().catch(undefined);
const text = z.string().optional().catch(undefined);
const timestamp = z.string().nullish().catch(undefined);

/**
 * [I] Candidate names for progress counters. The seed shows no job response, so none is known;
 * the first name present wins (see `map.ts`). Correct this list once the real shape is seen.
 */
export const COUNTER_FIELDS = {
  objectsTotal: ['total_objects', 'objects_total'],
  objectsDone: ['migrated_objects', 'objects_migrated', 'completed_objects', 'objects_completed'],
  objectsFailed: ['failed_objects', 'objects_failed'],
  objectsSkipped: ['skipped_objects', 'objects_skipped'],
  bytesTotal: ['total_bytes', 'bytes_total'],
  bytesDone: ['migrated_bytes', 'bytes_migrated', 'transferred_bytes', 'bytes_transferred'],
} as const;
export type CounterName = (typeof COUNTER_FIELDS)[keyof typeof COUNTER_FIELDS][number];

const COUNTER_NAMES: readonly CounterName[] = Object.values(COUNTER_FIELDS).flat();
type Counters = { [name in CounterName]?: number };

/**
 * Keeps each candidate counter that is a non-negative number and drops any other value, as a
 * `count` field each would, in one pass over the names. Declared as 16 zod fields, every item of a
 * list page paid for all 16 whether present or not (a result pair each, and one more for `catch`):
 * 810 KB allocated for a 100-job page of the simulator's shape.
 */
function keepCounters<T extends Record<string, unknown>>(item: T): T & Counters {
  const fields: Record<string, unknown> = item;
  for (const name of COUNTER_NAMES) {
    const value = fields[name];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) fields[name] = undefined;
  }
  return item as T & Counters;
}

/** [I] An error may come as a string or as an object with a code and a message. */
const jobErrorSchema = z
  .union([
    z.string(),
    z.looseObject({
      code: text,
      message: text,
      error_code: text,
      error_message: text,
    }),
  ])
  .optional()
  .catch(undefined);

/** The job's source as the API echoes it; a secret key, should the API ever return one, is dropped here. */
const jobSourceSchema = z
  .looseObject({
    endpoint: text,
    region: text,
    bucket: text,
    prefix: text,
  })
  .transform(({ secret_access_key: _secret, ...rest }) => rest)
  .optional()
  .catch(undefined);

const jobTargetSchema = z.looseObject({ bucket: text, prefix: text }).optional().catch(undefined);

/** [I] `progress` may be a number (fraction or percentage) or an object holding counters. */
const progressSchema = z
  .union([z.number().nonnegative(), z.looseObject({ percent: count }).transform(keepCounters)])
  .optional()
  .catch(undefined);

/** One data-migration job (shape [I], see the file comment). `uuid` is the only field we insist on. */
export const jobSchema = z
  .looseObject({
    uuid: z.string().min(1),
    name: text,
    type: text,
    // A missing status is shown as unknown rather than failing the listing.
    status: z.string().catch(''),
    source: jobSourceSchema,
    target: jobTargetSchema,
    created_at: timestamp,
    updated_at: timestamp,
    started_at: timestamp,
    completed_at: timestamp,
    progress: progressSchema,
    error: jobErrorSchema,
    error_code: text,
    error_message: text,
    failure_reason: text,
  })
  // The counters' candidate names pass through as unknown keys and are checked here (see above).
  .transform(keepCounters);
export type UpCloudJob = z.infer<typeof jobSchema>;

/**
 * GET …/jobs. Other object-storage-2 lists answer with a bare array; an object wrapping a `jobs`
 * array is accepted too [I]. Items are read one by one by the client (`readItems`), so one
 * malformed job is reported instead of failing the whole page.
 */
export const listJobsResponseSchema = z
  .union([z.array(z.unknown()), z.looseObject({ jobs: z.array(z.unknown()).nullish() })])
  .transform((body) => (Array.isArray(body) ? body : (body.jobs ?? [])));

// ---------------------------------------------------------------------------------------------
// Requests

/** Zod messages that name the problem the way a user would fix it. */
function requiredText(what: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });
}

/**
 * [I] Bucket names: the seed gives no rule. A slash or whitespace is never valid in an S3 bucket
 * name and usually means a prefix was typed into the bucket field, so that is rejected here.
 */
const bucketName = requiredText('a bucket name')
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  // `params.words`: the form says the rule in the reader's language (form-result.ts).
  .refine((name) => /^[^\s/]+$/.test(name), {
    message: "must be a bucket name only (no '/' or spaces; put paths in the prefix)",
    params: { words: 'form.upcloud.error.bucketOnly' },
  });

const prefix = z
  .string({ error: 'must be text' })
  .trim()
  .max(1024, 'must be at most 1024 characters')
  .optional()
  .transform((value) => value || undefined);

/**
 * "S3-compatible endpoint URL". The seed's own example is a bare host (`s3.amazonaws.com`) while
 * providers.md shows `https://…`, so both are accepted. Credentials inside the URL are refused:
 * they would be stored by the provider and shown back in the job.
 */
export function isEndpointUrl(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.hostname !== '' &&
      url.username === '' &&
      url.password === '' &&
      url.search === '' &&
      url.hash === ''
    );
  }
  return /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(value);
}

const endpointUrl = requiredText('a URL')
  .trim()
  .min(1, 'must not be empty')
  .refine(isEndpointUrl, {
    message: 'must be an S3 endpoint such as https://s3.eu-central-1.amazonaws.com',
    params: { words: 'form.upcloud.error.s3Endpoint' },
  });

const nonEmpty = (what: string) => requiredText(what).trim().min(1, 'must not be empty');

/** POST …/jobs body, exactly the documented attributes (seed 001 "Create job"). */
export const createJobBodySchema = z.object({
  name: nonEmpty('text').max(255, 'must be at most 255 characters'),
  type: z.literal(JOB_TYPE),
  source: z.object({
    endpoint: endpointUrl,
    region: nonEmpty('a region name'),
    bucket: bucketName,
    access_key_id: nonEmpty('an access key id'),
    secret_access_key: nonEmpty('a secret access key'),
    prefix,
  }),
  target: z.object({ bucket: bucketName, prefix }),
});
/** What callers pass; the schema trims and drops empty prefixes on the way out. */
export type CreateJobBody = z.input<typeof createJobBodySchema>;

/**
 * What a user asks for when creating a job. The source bucket's keys are not part of it: they come
 * from the connection's `storage.source` credentials, so they never pass through Slack.
 */
export const upcloudCreateJobRequestSchema = z.object({
  name: nonEmpty('text').max(255, 'must be at most 255 characters'),
  sourceEndpoint: endpointUrl,
  sourceRegion: nonEmpty('a region name'),
  sourceBucket: bucketName,
  sourcePrefix: prefix,
  targetBucket: bucketName,
  targetPrefix: prefix,
});
export type UpCloudCreateJobRequest = z.infer<typeof upcloudCreateJobRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Errors (providers.md §2.5)

/** RFC 7807 body, sent with `Content-Type: application/problem+json`. */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string().nullish(),
  status: z.number().nullish(),
  correlation_id: z.string().nullish(),
  invalid_params: z
    .array(z.looseObject({ name: z.string().nullish(), reason: z.string().nullish() }))
    .nullish(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The deprecated format, still returned by parts of the API: `{"error":{"error_code","error_message"}}`. */
export const legacyErrorSchema = z.looseObject({
  error: z.looseObject({
    error_code: z.string().nullish(),
    error_message: z.string().nullish(),
  }),
});
