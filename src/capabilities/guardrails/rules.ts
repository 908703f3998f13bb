import { z } from 'zod';
import type { FileSection } from '../../connections/file-sections.js';
import { ConfigError } from '../../errors.js';

const UNITS: Record<string, number> = {
  B: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB|PiB)$/;

/** `40TiB`, `500 GiB` or a number of bytes. */
export function bytesOf(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m ? Number(m[1]) * (UNITS[m[2]!] ?? 1) : undefined;
}

const size = z.union([
  z.number().min(0),
  z
    .string()
    .refine((s) => bytesOf(s) !== undefined, 'must be a size such as 40TiB or 500GiB')
    .transform((s) => bytesOf(s) ?? 0),
]);

const word = z.string().min(1).max(100);
/** Allowed or denied values; patterns may use `*` (any run of characters). */
const allowDeny = z
  .strictObject({
    allow: z.array(word).min(1).max(50).optional(),
    deny: z.array(word).min(1).max(50).optional(),
  })
  .refine((v) => v.allow || v.deny, 'must say allow or deny');

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date and time such as 2026-12-20T00:00');

const freeze = z
  .strictObject({
    from: localTime,
    to: localTime,
    zone: z.string().refine(isZone, 'must be a time zone such as Asia/Seoul'),
  })
  .refine((f) => f.from < f.to, 'from must be before to');

const pattern = z
  .string()
  .min(1)
  .max(100)
  .refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'must be a regular expression such as CHG-\\d+')
  // Checked against names anyone types: no groups, alternation or backreferences, and few
  // open-ended repeats, so no pattern can backtrack for long (nested repeats are exponential).
  .refine(
    (p) => !/[()|]|\\[1-9k]/.test(p) && (p.match(/[*+]|\{\d*,\}/g) ?? []).length <= 2,
    'must be a simple pattern: no groups, no |, at most two of * + {n,}',
  );

/**
 * One guardrail: what it applies to (`scope`; absent: everywhere) and what it says. Every rule that
 * applies must pass, so a rule can only add a restriction: none loosens another.
 */
export const ruleSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,47}$/, 'must be lowercase letters, digits, . _ or - (at most 48)'),
  /** How to get an exception, shown with every refusal (who to ask). */
  exception: z.string().min(1).max(200).optional(),
  scope: z
    .strictObject({
      workspaces: z
        .array(z.string().regex(/^[TE][A-Z0-9]+$/, 'must be a Slack team id'))
        .min(1)
        .optional(),
      connections: z.array(word).min(1).optional(),
      channels: z
        .array(z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a channel id'))
        .min(1)
        .optional(),
    })
    .optional(),
  // where
  regions: allowDeny.optional(),
  providers: allowDeny.optional(),
  sourceBuckets: allowDeny.optional(),
  destinationBuckets: allowDeny.optional(),
  // how
  overwrite: z.array(word).min(1).optional(),
  maxBandwidthMiBps: z.number().positive().optional(),
  /** The request must cap its bandwidth by time (a traffic window). */
  mustHaveWindow: z.boolean().optional(),
  /** The request must set a start time (it waits, approved, until then). */
  mustHaveStartTime: z.boolean().optional(),
  /**
   * The migration must start (at its start time, else at once) inside an occurrence of a traffic
   * window of its connection or resource (`/migrate window add … limit …`); outside, refused.
   */
  mustStartInWindow: z.boolean().optional(),
  // how much, and who decides
  approvals: z
    .strictObject({
      approvers: z.number().int().min(2).max(10),
      /** A Slack user group (`S…`) every approver must be in. */
      group: z
        .string()
        .regex(/^S[A-Z0-9]+$/, 'must be a Slack user group id such as S0123ABCD')
        .optional(),
      above: z
        .strictObject({
          size: size.optional(),
          objects: z.number().int().min(0).optional(),
          egressUsd: z.number().min(0).optional(),
        })
        .optional(),
    })
    .optional(),
  ticket: pattern.optional(),
  // how many
  quota: z
    .strictObject({
      tibPerMonth: z.number().positive().optional(),
      concurrentPerConnection: z.number().int().min(1).optional(),
      /** Migrations approved in the workspace and not yet ended, counted across replicas. */
      concurrentPerWorkspace: z.number().int().min(1).max(1000).optional(),
    })
    .optional(),
  // when
  freeze: z.array(freeze).min(1).max(20).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

/** A rule and where it came from: the file, or Slack (by whom, when). */
export interface SourcedRule {
  rule: Rule;
  source: 'file' | 'slack';
  by?: string;
  at?: string;
}

/**
 * Whom a refusal tells to ask for an exception: the rule's own words, else `_admin` (a rule from
 * Slack: a workspace admin) or `_file` (the owners of the connections file), which the refusal's
 * words name in the reader's language.
 */
export function exceptionOf(source: SourcedRule | undefined): string {
  return source?.rule.exception ?? (source?.source === 'slack' ? '_admin' : '_file');
}

/** The file's `policies:` section: a list of rules with distinct ids; a problem names its line. */
export function parsePolicies(section: FileSection): Rule[] {
  if (section.value === undefined || section.value === null) return [];
  const parsed = z.array(ruleSchema).max(200).safeParse(section.value);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 10)) {
      const line = section.lineOf(issue.path);
      const where = `policies${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
      problems.push(`${line ? `line ${line}: ` : ''}${where}: ${issue.message}`);
    }
  } else {
    const seen = new Set<string>();
    parsed.data.forEach((rule, i) => {
      const line = section.lineOf([i, 'id']);
      if (seen.has(rule.id))
        problems.push(`line ${line ?? '?'}: policies[${i}].id: ${rule.id} is used twice`);
      seen.add(rule.id);
    });
  }
  if (problems.length > 0 || !parsed.success)
    throw new ConfigError(
      `MIGRATE_BOT_CONNECTIONS (${section.source}): the policies section has ${problems.length} problem${
        problems.length === 1 ? '' : 's'
      }:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return parsed.data;
}

/** `*` matches any run of characters; everything else is itself. */
export function matches(patternText: string, value: string): boolean {
  const re = new RegExp(`^${patternText.split('*').map(escapeRe).join('.*')}$`);
  return re.test(value);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
