import { z } from 'zod';
import { CODE_CLASSES, type CodeClass } from '../../catalogue/code-classes.js';

/**
 * A connection's automatic retries: which failure classes are tried again, how many times per
 * failure (`max`), after how long (`afterMinutes`, doubling each time) and how many retries a day
 * the connection may take in all (`dailyBudget`). Acts as `by`, the person who turned it on.
 */
export interface RetryPolicy {
  on: boolean;
  classes: readonly RetriableClass[];
  max: number;
  afterMinutes: number;
  dailyBudget: number;
  /** Whom the retries act as (their role asked, audited as theirs): a Slack user id. */
  by: string;
  /** Where it was set: `file` (the connections file) or `slack` (`/migrate settings retry`). */
  from: 'file' | 'slack';
}

/** Classes whose failures trying again can mend: the only ones a policy may name. */
export const RETRIABLE = ['network', 'transient', 'partial'] as const;
export type RetriableClass = (typeof RETRIABLE)[number];
/** Retried when a policy names no classes. */
export const DEFAULT_CLASSES: readonly RetriableClass[] = ['network', 'transient'];
/** Never retried automatically, whatever is written: a person must change something first. */
export const NEVER: readonly CodeClass[] = [
  'credentials',
  'permissions',
  'configuration',
  'not-found',
  'quota',
];

export const DEFAULT_MAX = 3;
export const MAX_BOUND = 10;
export const DEFAULT_AFTER_MINUTES = 10;
/** Longest first wait: a retry a day later is no longer "quiet while it works". */
export const AFTER_BOUND_MINUTES = 1_440;
export const DEFAULT_DAILY_BUDGET = 20;
export const BUDGET_BOUND = 500;

export function isRetriable(codeClass: CodeClass): codeClass is RetriableClass {
  return (RETRIABLE as readonly string[]).includes(codeClass);
}

/** Minutes before attempt `n` (1-based): `after`, doubling with each attempt, on the bot's clock. */
export function backoffMs(policy: Pick<RetryPolicy, 'afterMinutes'>, n: number): number {
  return policy.afterMinutes * 60_000 * 2 ** Math.max(0, n - 1);
}

/** Why a class may not be named, in words for the file's refusal. */
export function classRefusal(name: string): string | undefined {
  if ((RETRIABLE as readonly string[]).includes(name)) return undefined;
  if ((NEVER as readonly string[]).includes(name))
    return `${name} failures are never retried automatically (a person must change something first)`;
  if ((CODE_CLASSES as readonly string[]).includes(name) || name === 'unknown')
    return `${name} failures are not retried automatically; retried are ${RETRIABLE.join(', ')}`;
  return `${name} is not a failure class; retried are ${RETRIABLE.join(', ')}`;
}

/** One connection's section in the file (`retry: { <connection>: { … } }`). */
export const filePolicySchema = z.strictObject({
  by: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'by: the Slack user id the retries act as (U…)'),
  on: z.boolean().default(true),
  classes: z
    .array(z.string())
    .min(1)
    .max(RETRIABLE.length)
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        const why = classRefusal(name);
        if (why) ctx.addIssue({ code: 'custom', message: why, path: [i] });
      });
    })
    .optional(),
  max: z
    .number()
    .int()
    .min(1)
    .max(MAX_BOUND, `at most ${MAX_BOUND} retries per failure`)
    .default(DEFAULT_MAX),
  after: z
    .number()
    .int()
    .min(1, 'the first retry waits at least 1 minute')
    .max(AFTER_BOUND_MINUTES)
    .default(DEFAULT_AFTER_MINUTES),
  budget: z.number().int().min(1).max(BUDGET_BOUND).default(DEFAULT_DAILY_BUDGET),
});

export type FilePolicy = z.output<typeof filePolicySchema>;

export function fromFile(p: FilePolicy): RetryPolicy {
  return {
    on: p.on,
    classes: (p.classes as RetriableClass[] | undefined) ?? DEFAULT_CLASSES,
    max: p.max,
    afterMinutes: p.after,
    dailyBudget: p.budget,
    by: p.by,
    from: 'file',
  };
}
