import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';

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
 * Several replicas (Redis): one small record per workspace in the store, changed by compare-and-set,
 * so every replica waits when Slack said wait to one. One process keeps its holds in its pacer's view.
 */
export class StoreHolds {
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

  /**
   * Changes the workspace's hold atomically: `fn` may run more than once (pure), `SKIP` leaves it.
   * Resolves with the hold afterwards.
   */
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
  const hold = parseJsonOrUndefined(raw) as Partial<TeamHold> | undefined;
  return hold === undefined ? NO_HOLD : { ...NO_HOLD, ...hold };
}
