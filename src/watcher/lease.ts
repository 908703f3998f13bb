import type { AtomicKv } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';

/**
 * Per-connection leases: the replica holding `lease:conn:<name>` polls that connection, and keeps
 * it cycle after cycle by extending the lease. A replica that dies stops extending, so its work
 * moves to another replica within one lease period. Leases only avoid doing the work twice;
 * exactly-once does not depend on them (every record write is a compare-and-set).
 */
export class Leases {
  readonly #backend: AtomicKv;
  readonly #holder: string;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #held = new Set<string>();
  /** When the last attempt failed, if it did (readiness: a replica whose leases fail polls nothing). */
  #failedAt: number | undefined;

  /** `clock` times this replica's failed attempts; the lease itself expires on the store's time. */
  constructor(backend: AtomicKv, holder: string, ttlMs: number, clock: Clock) {
    this.#backend = backend;
    this.#holder = holder;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  get holder(): string {
    return this.#holder;
  }

  /** Leases this replica holds now. */
  get heldCount(): number {
    return this.#held.size;
  }

  /**
   * False when the last attempt to acquire or extend a lease failed (the store did not answer) within
   * the last lease period; a replica with no watches makes no attempts, so an old failure expires.
   */
  get working(): boolean {
    return this.#failedAt === undefined || this.#clock.now() - this.#failedAt > this.#ttlMs;
  }

  /** Acquires or extends; false when another replica holds it. */
  async hold(name: string): Promise<boolean> {
    const ok = await this.#backend.acquireLease(`lease:${name}`, this.#holder, this.#ttlMs).then(
      (acquired) => {
        this.#failedAt = undefined;
        return acquired;
      },
      (error: unknown) => {
        this.#failedAt = this.#clock.now();
        throw error;
      },
    );
    if (ok) this.#held.add(name);
    else this.#held.delete(name);
    return ok;
  }

  /** On a clean stop, hands the work over at once instead of after the lease period. */
  async releaseAll(): Promise<void> {
    const names = [...this.#held];
    this.#held.clear();
    await Promise.allSettled(names.map((n) => this.#backend.releaseLease(`lease:${n}`, this.#holder)));
  }
}
