import type { AtomicKv } from '../store/atomic-kv.js';

/** The sorted set where replicas announce themselves (`AtomicKv.heartbeat`). */
const REPLICAS = 'replicas';

/**
 * The replicas sharing the watching: each announces itself at the start of every cycle for one
 * lease period (on the store's time, like its leases), so one that dies drops out of the count no
 * later than its leases lapse, and the survivors' fair share grows in time to take its connections.
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

  /** Announces this replica and returns the live ones (itself included), sorted. */
  async heartbeat(): Promise<string[]> {
    const live = await this.#backend.heartbeat(REPLICAS, this.#holder, this.#ttlMs);
    return live.includes(this.#holder) ? live : [...live, this.#holder].sort();
  }

  /** A clean stop: the others count one replica fewer at their next cycle. */
  leave(): Promise<void> {
    return this.#backend.leave(REPLICAS, this.#holder);
  }
}

/** A replica's fair share of `connections` among `replicas`: ceil(connections ÷ replicas). */
export function fairShare(connections: number, replicas: number): number {
  return Math.ceil(connections / Math.max(1, replicas));
}
