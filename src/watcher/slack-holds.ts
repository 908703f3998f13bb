import { type AtomicKv, SKIP } from '../store/atomic-kv.js';

/**
 * What Slack told us about one workspace beyond the pace windows: until when it asked us to wait
 * (429's Retry-After) or is down, when it last took a call, when a backed-off post last probed it,
 * and which failure has the workspace's budget reserved (`by` the pacer that reserved it).
 */
export interface TeamHold {
  pausedUntil: number;
  deliveredAt: number;
  probedAt: number;
  /** Which pacer made that probe: the one replica that probes after an outage. */
  probedBy?: string;
  failures?: { retryAt: number; until: number; by: string };
}

export const NO_HOLD: TeamHold = { pausedUntil: 0, deliveredAt: 0, probedAt: 0 };

/**
 * Where the holds live: in this process's memory when it is the only replica (SQLite, memory), in
 * the store when there are several (Redis), so every replica waits when Slack said wait to one.
 */
export interface SlackHolds {
  readonly shared: boolean;
  /** The workspace's hold as it is now. */
  read(teamId: string): Promise<TeamHold>;
  /**
   * Changes the workspace's hold atomically: `fn` may run more than once (pure), `SKIP` leaves it.
   * Resolves with the hold afterwards.
   */
  change(teamId: string, fn: (hold: TeamHold) => TeamHold | typeof SKIP): Promise<TeamHold>;
}

/** One process: a map. */
export class MemoryHolds implements SlackHolds {
  readonly shared = false;
  readonly #holds = new Map<string, TeamHold>();

  async read(teamId: string): Promise<TeamHold> {
    return this.#holds.get(teamId) ?? NO_HOLD;
  }

  async change(teamId: string, fn: (hold: TeamHold) => TeamHold | typeof SKIP): Promise<TeamHold> {
    const current = this.#holds.get(teamId) ?? NO_HOLD;
    const next = fn(current);
    if (next === SKIP) return current;
    this.#holds.set(teamId, next);
    return next;
  }
}

/** Several replicas: one small record per workspace in the store, changed by compare-and-set. */
export class StoreHolds implements SlackHolds {
  readonly shared = true;
  readonly #backend: AtomicKv;
  /**
   * Team → the record as last read or written here: a change starts from it (one round trip, not
   * two), so a pause reaches the other replicas as soon as it can; a stale one just costs a read.
   */
  readonly #raw = new Map<string, string>();

  constructor(backend: AtomicKv) {
    this.#backend = backend;
  }

  async read(teamId: string): Promise<TeamHold> {
    const raw = await this.#backend.get(holdKey(teamId));
    this.#remember(teamId, raw);
    return parse(raw);
  }

  async change(teamId: string, fn: (hold: TeamHold) => TeamHold | typeof SKIP): Promise<TeamHold> {
    const written = await this.#backend.update(
      holdKey(teamId),
      (raw) => {
        const next = fn(parse(raw));
        return next === SKIP ? SKIP : JSON.stringify(next);
      },
      this.#raw.get(teamId),
    );
    this.#remember(teamId, written);
    return parse(written);
  }

  #remember(teamId: string, raw: string | undefined): void {
    if (raw === undefined) this.#raw.delete(teamId);
    else this.#raw.set(teamId, raw);
  }
}

/** One per workspace, small and few: kept like the pacing windows' keys, under the watcher's prefix. */
export function holdKey(teamId: string): string {
  return `slack-hold:${teamId}`;
}

function parse(raw: string | undefined): TeamHold {
  if (!raw) return NO_HOLD;
  try {
    return { ...NO_HOLD, ...(JSON.parse(raw) as Partial<TeamHold>) };
  } catch {
    return NO_HOLD;
  }
}

/** The holds for this store: shared on Redis, in memory otherwise. */
export function slackHoldsFor(backend: AtomicKv): SlackHolds {
  return backend.kind === 'redis' ? new StoreHolds(backend) : new MemoryHolds();
}
