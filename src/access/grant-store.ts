import { z } from 'zod';
import { type AtomicKv, SKIP } from '../store/atomic-kv.js';
import { readJson } from '../store/open-atomic-kv.js';
import { ROLES } from './roles.js';

export const grantSchema = z.object({
  subject: z.object({ kind: z.enum(['user', 'usergroup']), id: z.string().regex(/^[USW][A-Z0-9]+$/) }),
  role: z.enum(ROLES),
  /** Only in this channel; everywhere when absent. */
  channel: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
  grantedBy: z.string(),
  grantedAt: z.string(),
});
export type Grant = z.infer<typeof grantSchema>;

const grantsSchema = z.array(grantSchema);

function sameTarget(a: Grant, b: Pick<Grant, 'subject' | 'channel'>): boolean {
  return a.subject.kind === b.subject.kind && a.subject.id === b.subject.id && a.channel === b.channel;
}

function parseGrants(raw: string | undefined): Grant[] {
  const value = readJson(raw);
  return value === undefined ? [] : grantsSchema.parse(value);
}

/**
 * Role grants of one workspace, validated on read. Changes are compare-and-set, so two admins
 * granting at once on different replicas both land.
 */
export class GrantStore {
  readonly #kv: AtomicKv;

  constructor(kv: AtomicKv) {
    this.#kv = kv;
  }

  async list(teamId: string): Promise<Grant[]> {
    return parseGrants(await this.#kv.get(key(teamId)));
  }

  /** Sets the role of a subject (in a channel, or everywhere), replacing an earlier grant of the same scope. */
  async grant(teamId: string, grant: Grant): Promise<void> {
    const valid = grantSchema.parse(grant);
    await this.#kv.update(key(teamId), (raw) =>
      JSON.stringify([...parseGrants(raw).filter((g) => !sameTarget(g, valid)), valid]),
    );
  }

  /** Returns whether a grant was removed. */
  async revoke(teamId: string, target: Pick<Grant, 'subject' | 'channel'>): Promise<boolean> {
    let removed = false;
    await this.#kv.update(key(teamId), (raw) => {
      const grants = parseGrants(raw);
      const kept = grants.filter((g) => !sameTarget(g, target));
      removed = kept.length !== grants.length;
      return removed ? JSON.stringify(kept) : SKIP;
    });
    return removed;
  }

  /** The workspace uninstalled the app: every grant of it goes. */
  async forget(teamId: string): Promise<void> {
    await this.#kv.update(key(teamId), (raw) => (raw === undefined ? SKIP : undefined));
  }
}

function key(teamId: string): string {
  return `access:${teamId}`;
}
