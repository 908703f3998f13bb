import type { Clock } from '../../watcher/clock.js';
import type { WatchTarget } from '../../watcher/records/watch-store.js';
import type { EscalationPolicy } from './escalation.js';

/** Reads the escalation that applies in a channel (the bot's settings, `/migrate settings escalation`). */
export type EscalationPolicyReader = (
  teamId: string,
  channelId: string,
) => Promise<EscalationPolicy | undefined>;

/** Policies are read again after this long: a setting changed applies within a minute. */
const FRESH_MS = 60_000;

/**
 * The escalation policy of each watch's channel, read before a connection's records are compared
 * (`load`, async) so the comparison itself stays pure and synchronous (`get`). A policy that cannot
 * be read keeps the last one known (none at first): escalation waits, the watch is polled as ever.
 */
export class EscalationPolicies {
  readonly #read: EscalationPolicyReader;
  readonly #clock: Clock;
  readonly #known = new Map<string, { policy: EscalationPolicy | undefined; at: number }>();
  readonly #teams = new Map<string, { on: boolean; at: number }>();
  readonly #readTeam: (teamId: string) => Promise<boolean>;

  /** `readTeam`: whether a workspace escalates anywhere (its own setting or a channel's). */
  constructor(read: EscalationPolicyReader, clock: Clock, readTeam: (teamId: string) => Promise<boolean>) {
    this.#read = read;
    this.#readTeam = readTeam;
    this.#clock = clock;
  }

  async load(targets: Iterable<Pick<WatchTarget, 'teamId' | 'channelId'>>): Promise<void> {
    const now = this.#clock.now();
    const due = new Map<string, Pick<WatchTarget, 'teamId' | 'channelId'>>();
    for (const t of targets) {
      const key = `${t.teamId}:${t.channelId}`;
      const known = this.#known.get(key);
      if (!known || now - known.at >= FRESH_MS) due.set(key, t);
    }
    await Promise.all(
      [...due].map(async ([key, t]) => {
        try {
          this.#known.set(key, { policy: await this.#read(t.teamId, t.channelId), at: now });
        } catch {
          // Unreadable now (the store): the last policy known stays until the next try.
          const known = this.#known.get(key);
          this.#known.set(key, { policy: known?.policy, at: known?.at ?? now });
        }
      }),
    );
  }

  /**
   * Of these workspaces, those that escalate somewhere (read again after a minute, as policies
   * are): the others' watches need not be read. One that cannot be read now counts as escalating.
   */
  async escalating(teams: Iterable<string>): Promise<Set<string>> {
    const now = this.#clock.now();
    const on = new Set<string>();
    for (const team of new Set(teams)) {
      let known = this.#teams.get(team);
      if (!known || now - known.at >= FRESH_MS) {
        known = { on: await this.#readTeam(team).catch(() => true), at: now };
        this.#teams.set(team, known);
      }
      if (known.on) on.add(team);
    }
    return on;
  }

  get(target: Pick<WatchTarget, 'teamId' | 'channelId'>): EscalationPolicy | undefined {
    return this.#known.get(`${target.teamId}:${target.channelId}`)?.policy;
  }
}
