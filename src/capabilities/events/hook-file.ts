import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FileSection } from '../../connections/file-sections.js';
import { ConfigError } from '../../errors.js';
import { CATEGORIES } from './envelope.js';
import { checkHookUrl } from './hook-url.js';
import type { Hook } from './hooks.js';

/** A webhook the connections file declares: its secret is in the environment variable it names. */
export interface FileHook extends Hook {
  team: string;
  secret: string;
}

const entrySchema = z
  .object({
    team: z.string().regex(/^[TE][A-Z0-9]{2,}$/, 'team: a Slack workspace id (T…)'),
    url: z.string(),
    events: z.array(z.enum(CATEGORIES)).default([]),
    connection: z.string().min(1).optional(),
    secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'secret_env: the name of an environment variable'),
  })
  .strict();

/**
 * The `webhooks:` section (a list), reviewed like code: every entry's URL passes the endpoint
 * rules and its secret's variable is set (at least 32 characters), or the whole section is refused
 * with each problem's line and reason and the running webhooks stay.
 */
export function parseFileHooks(
  section: FileSection,
  allowList: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): FileHook[] {
  if (section.value === undefined || section.value === null) return [];
  const problems: string[] = [];
  const at = (path: PropertyKey[]) => `line ${section.lineOf(path) ?? '?'}`;
  if (!Array.isArray(section.value))
    throw new ConfigError(`${section.source}: ${at([])}: webhooks must be a list`);
  const hooks: FileHook[] = [];
  section.value.forEach((raw: unknown, i) => {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${at([i, ...issue.path])}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
      return;
    }
    const e = parsed.data;
    const url = checkHookUrl(e.url, allowList);
    if (!url.ok) problems.push(`${at([i, 'url'])}: url refused by the endpoint rules (${url.reason})`);
    const secret = env[e.secret_env];
    if (!secret || secret.length < 32)
      problems.push(
        `${at([i, 'secret_env'])}: ${e.secret_env} is not set to a secret of at least 32 characters`,
      );
    if (!url.ok || !secret || secret.length < 32) return;
    const id = `f${createHash('sha256').update(`${e.team}\u0000${url.url}`).digest('hex').slice(0, 6)}`;
    hooks.push({
      team: e.team,
      id,
      url: url.url,
      events: e.events,
      ...(e.connection ? { connection: e.connection } : {}),
      sealed: '',
      createdBy: 'file',
      createdAt: 0,
      secret,
    });
  });
  if (problems.length > 0)
    throw new ConfigError(`${section.source}: the webhooks section has problems:\n${problems.join('\n')}`);
  return hooks;
}
