import { z } from 'zod';
import type { FileSection } from '../../connections/file-sections.js';
import { ConfigError } from '../../errors.js';
import { filePolicySchema, fromFile, type RetryPolicy } from './retry-policy.js';

/** The connections file's `retry:` section: a policy per connection name. */
const sectionSchema = z.record(z.string().min(1).max(40), filePolicySchema);

/**
 * Reads the `retry:` section, refusing a malformed one with each problem's line and reason (a
 * class that is never retried, a max above 10, a wait under a minute): a reload refused so keeps
 * the running policies.
 */
export function parseRetrySection(section: FileSection): ReadonlyMap<string, RetryPolicy> {
  if (section.value === undefined || section.value === null) return new Map();
  const parsed = sectionSchema.safeParse(section.value);
  if (parsed.success) return new Map(Object.entries(parsed.data).map(([c, p]) => [c, fromFile(p)]));
  const problems = parsed.error.issues.slice(0, 10).map((issue) => {
    const line = section.lineOf(issue.path);
    const where = `retry${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
    return `${line ? `line ${line}: ` : ''}${where}: ${issue.message}`;
  });
  throw new ConfigError(
    `MIGRATE_BOT_CONNECTIONS (${section.source}): the retry section has ${problems.length} problem${
      problems.length === 1 ? '' : 's'
    }:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
