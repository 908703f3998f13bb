import { z } from 'zod';
import type { AtomicKv } from '../../store/atomic-kv.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';
import { RETRIABLE, type RetryPolicy } from './retry-policy.js';

const TEAMS = 'auto-retry:teams';
const keyOf = (team: string) => `auto-retry:policies:${team}`;

const storedSchema = z.record(
  z.string(),
  z.object({
    on: z.boolean(),
    classes: z.array(z.enum(RETRIABLE)),
    max: z.number().int(),
    afterMinutes: z.number().int(),
    dailyBudget: z.number().int(),
    by: z.string(),
    from: z.literal('slack'),
  }),
);

/**
 * The retry policies in force: the connections file's (every workspace) and those set from Slack
 * (a workspace's own, which win for its connection). Kept in memory for the watcher's cycle, whose
 * decision is pure: each replica reads the stored ones again before each cycle (`refresh`).
 */
export class RetryPolicies {
  readonly #kv: AtomicKv;
  #file: ReadonlyMap<string, RetryPolicy> = new Map();
  #slack = new Map<string, ReadonlyMap<string, RetryPolicy>>();
  /** Every connection a file section named since start: one removed on SIGHUP may still hold failures. */
  readonly #fileEver = new Set<string>();

  constructor(kv: AtomicKv) {
    this.#kv = kv;
  }

  /** A new file section (parsed: it replaces the running one whole). */
  setFile(policies: ReadonlyMap<string, RetryPolicy>): void {
    this.#file = policies;
    for (const connection of policies.keys()) this.#fileEver.add(connection);
  }

  /** Whether failures of this connection may be held (a policy is or was set): the job reads them. */
  mayHold(team: string, connection: string): boolean {
    return this.setFor(team, connection) !== undefined || this.#fileEver.has(connection);
  }

  /** The policy of a workspace's connection now (off or none: undefined). */
  of(team: string, connection: string): RetryPolicy | undefined {
    const policy = this.#slack.get(team)?.get(connection) ?? this.#file.get(connection);
    return policy?.on ? policy : undefined;
  }

  /** What is set for it, on or off (what `/migrate settings` shows). */
  setFor(team: string, connection: string): RetryPolicy | undefined {
    return this.#slack.get(team)?.get(connection) ?? this.#file.get(connection);
  }

  /** The workspace's own and the file's, by connection (the workspace's first). */
  all(team: string): [string, RetryPolicy][] {
    const own = this.#slack.get(team) ?? new Map();
    const file = [...this.#file].filter(([c]) => !own.has(c));
    return [...own, ...file].sort(([a], [b]) => a.localeCompare(b));
  }

  /** Reads every workspace's stored policies again (a bad record is skipped, not fatal). */
  async refresh(): Promise<void> {
    const teams = await this.#kv.setMembers(TEAMS);
    const values = teams.length > 0 ? await this.#kv.getMany(teams.map(keyOf)) : [];
    const next = new Map<string, ReadonlyMap<string, RetryPolicy>>();
    teams.forEach((team, i) => {
      const parsed = storedSchema.safeParse(parseJsonOrUndefined(values[i]));
      if (parsed.success) next.set(team, new Map(Object.entries(parsed.data)));
    });
    this.#slack = next;
  }

  /** Sets (or turns off) a connection's policy from Slack, in one compare-and-set. */
  async put(team: string, connection: string, policy: RetryPolicy): Promise<void> {
    await this.#kv.setAdd(TEAMS, team);
    const written = await this.#kv.update(keyOf(team), (current) => {
      const parsed = storedSchema.safeParse(parseJsonOrUndefined(current));
      const all = parsed.success ? parsed.data : {};
      return JSON.stringify({ ...all, [connection]: { ...policy, from: 'slack' } });
    });
    const parsed = storedSchema.safeParse(parseJsonOrUndefined(written));
    if (parsed.success) this.#slack.set(team, new Map(Object.entries(parsed.data)));
  }

  async forget(team: string): Promise<void> {
    await this.#kv.update(keyOf(team), () => undefined);
    await this.#kv.setRemove(TEAMS, team);
    this.#slack.delete(team);
  }
}
