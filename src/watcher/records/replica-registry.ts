import type { AtomicKv } from '../../store/atomic-kv.js';

/** The sorted set where replicas announce themselves (`AtomicKv.heartbeat`). */
const REPLICAS = 'replicas';

/**
 * The replicas sharing the watching: each announces itself at the start of every cycle and again
 * after its last connection's turn, each time until the earliest of its leases lapses (on the
 * store's time, like its leases; `Leases`), so it is counted as long as it holds work, one that
 * dies drops out of the count no later than its leases lapse, and the survivors' fair share grows
 * in time to take its connections.
 */
export class ReplicaRegistry {
  readonly #backend: AtomicKv;
  readonly #holder: string;
  readonly #ttlMs: number;

  constructor(backend: AtomicKv, holder: string, ttlMs: number) {
    this.#backend = backend;
    this.#holder = holder;
    this.#ttlMs = ttlMs;
  }

  /**
   * Announces this replica for `ttlMs` (a lease period unless told) and returns the live ones
   * (itself included), sorted.
   */
  async heartbeat(ttlMs = this.#ttlMs): Promise<string[]> {
    const live = await this.#backend.heartbeat(REPLICAS, this.#holder, ttlMs);
    return live.includes(this.#holder) ? live : [...live, this.#holder].sort();
  }

  /** A clean stop: the others count one replica fewer at their next cycle. */
  leave(): Promise<void> {
    return this.#backend.leave(REPLICAS, this.#holder);
  }
}

/**
 * The share of `connections` of the replica at `rank` among `replicas` (the live ones sorted by
 * name, as every replica sees them): floor(connections ÷ replicas), one more for the first
 * `connections mod replicas` ranks. The shares add up to the connections exactly: with ceil for
 * everyone, three of four replicas could take everything and leave the fourth nothing (6 over 4:
 * 2 + 2 + 2 + 0).
 */
export function fairShare(connections: number, replicas: number, rank = 0): number {
  const n = Math.max(1, replicas);
  return Math.floor(connections / n) + (rank < connections % n ? 1 : 0);
}
