import { z } from 'zod';
import { PREFLIGHT_UNKNOWN } from '../providers/preflight-types.js';

const count = z.number().int().min(0);
const bytes = z.number().min(0);
const words = z.strictObject({
  key: z.string().min(1).max(100),
  values: z.record(z.string().max(40), z.union([z.string().max(300), z.number()])).optional(),
});

/** Why a part of the pre-flight has no answer: in words at render time, never the provider's body. */
const failureSchema = z.strictObject({
  why: z.enum(['timeout', 'refused', 'failed']),
  /** The provider's error code (OMS.0153), explained from the catalogue when known. */
  code: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,40}$/)
    .optional(),
  status: z.number().int().optional(),
});
export type PreflightFailure = z.infer<typeof failureSchema>;

export const preflightSizeSchema = z.discriminatedUnion('basis', [
  z.strictObject({
    basis: z.literal('listed'),
    objects: count,
    bytes,
    prefixes: count,
    unsized: count.optional(),
    /** Sized by the bot's bucket check of a retry's listed objects, not by the provider's listing. */
    checked: z.literal(true).optional(),
  }),
  z.strictObject({ basis: z.literal('sampled'), objects: count, bytes, prefixes: count, bound: count }),
  z.strictObject({ basis: z.literal('estimated'), objects: count, bytes, done: z.boolean() }),
  z.strictObject({ basis: z.literal('unknown'), why: z.enum(PREFLIGHT_UNKNOWN) }),
]);

/**
 * The pre-flight stored with an approval request (`preflight-types.ts` says what each provider can
 * tell): each part is an answer, or why there is none. The card renders it in each reader's language.
 */
export const preflightRecordSchema = z.strictObject({
  size: preflightSizeSchema.optional(),
  sizeFailure: failureSchema.optional(),
  /** Bytes a second at the request's highest cap; absent: no cap. */
  bandwidth: z.number().positive().optional(),
  /** Migrations of the kind already running or waiting on the connection (a page of at most 100). */
  running: z
    .strictObject({
      running: count,
      waiting: count,
      /** The page was full: "at least". */
      more: z.boolean(),
      region: z.string().max(64).optional(),
      /** The provider's documented limits (its quota codes), in its words. */
      limits: words.optional(),
    })
    .optional(),
  runningFailure: failureSchema.optional(),
  /** What the form alone shows, and prefixes the listing found empty: provider or bot words. */
  warnings: z.array(words).max(10),
  /** The operator's price for egress from the source, per GiB (`egressPricePerGiB`), when set. */
  egressPricePerGiB: z.number().positive().optional(),
  /** The deadline the provider's calls had, for "did not answer within 5 s". */
  deadlineMs: z.number().int().positive(),
});
export type PreflightRecord = z.infer<typeof preflightRecordSchema>;
