import type { AtomicKv } from '../../store/atomic-kv.js';
import type { Clock } from '../clock.js';
import { fairShare, type ReplicaRegistry } from './replica-registry.js';

/**
 * Per-connection leases (ADR 0006): the holder of `lease:conn:<name>` polls it, extending after each poll
 * (`polled`); a dead replica's work moves within a lease period. Leases only avoid double work: every
 * record write is a CAS. With a `registry`, each aims for its fair share by rank; `plan` keeps its share,
 * releases the rest between polls, never during one; `recount` polls what lapsed. Shares add up only if
 * all count the same replicas, so each re-announces at plan, after its turns, and mid-cycle in long ones.
 */
export class Leases {
  readonly #backend: AtomicKv;
  readonly #holder: string;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #registry: ReplicaRegistry | undefined;
  /** The leases this replica holds, each with when (performance.now()) it last sent for it. */
  readonly #held = new Map<string, number>();
  /** This cycle's plan (several replicas only): the leases kept, and how many more may be taken. */
  #keep: Set<string> | undefined;
  #room = 0;
  /** How many connections this cycle's plan shared out. */
  #planned = 0;
  /** This cycle's connections whose turn has not come yet: after the last one, it announces again. */
  #unseen = new Set<string>();
  /** The fair share and live replicas the last plan counted (for the metrics and tests). */
  #share: number | undefined;
  #replicas = 1;
  /** When (the clock's ms) this replica last announced itself. */
  #announcedAt = Number.NEGATIVE_INFINITY;
  /** When the last attempt failed, if it did (readiness: a replica whose leases fail polls nothing). */
  #failedAt: number | undefined;

  /**
   * `clock` times this replica's failed attempts; the lease itself expires on the store's time.
   * Without a `registry` (one process: SQLite or memory) every connection is this replica's.
   */
  constructor(backend: AtomicKv, holder: string, ttlMs: number, clock: Clock, registry?: ReplicaRegistry) {
    this.#backend = backend;
    this.#holder = holder;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
    this.#registry = registry;
  }

  get holder(): string {
    return this.#holder;
  }

  /** Leases this replica holds now. */
  get heldCount(): number {
    return this.#held.size;
  }

  /** Whether this replica holds the lease `name` (as far as it knows). */
  holding(name: string): boolean {
    return this.#held.has(name);
  }

  /** What the last plan counted: live replicas and this replica's fair share (undefined: no plan). */
  get balance(): { replicas: number; share: number | undefined } {
    return { replicas: this.#replicas, share: this.#share };
  }

  /**
   * False when the last attempt to acquire or extend a lease failed (the store did not answer) within
   * the last lease period; a replica with no watches makes no attempts, so an old failure expires.
   */
  get working(): boolean {
    return this.#failedAt === undefined || this.#clock.now() - this.#failedAt > this.#ttlMs;
  }

  /**
   * At the start of a cycle, with the lease names of every connection it will see: announces this
   * replica, counts the live ones, and keeps at most its fair share of the leases it holds, the
   * first in the order of `names` (the same order every cycle, so the same ones stay). A replica
   * alone in the store keeps and takes everything.
   */
  async plan(names: Iterable<string>): Promise<void> {
    if (!this.#registry) return;
    const current = new Set(names);
    // A connection gone from the watches is polled by no one: its lease just lapses.
    for (const n of [...this.#held.keys()]) if (!current.has(n)) this.#held.delete(n);
    const live = await this.#attempt(this.#registry.heartbeat(this.#announceMs()));
    this.#announcedAt = this.#clock.now();
    const share = this.#shareOf(current.size, live);
    // In the order given (`spreadOverProviders`), so the same ones stay, spread over the providers.
    const mine = [...current].filter((n) => this.#held.has(n));
    this.#keep = new Set(mine.slice(0, share));
    this.#unseen = current;
    this.#room = share - this.#keep.size;
    this.#planned = current.size;
    this.#share = share;
    this.#replicas = live.length;
  }

  /**
   * After the cycle's turns: counts the live replicas again and returns how many more connections this
   * cycle may take (0 without a plan). A dead replica has left the count by its first lapse, so the
   * share grows and this cycle polls what lapsed meanwhile, rather than the next plan an interval later.
   * A count that grew (a newcomer) changes nothing until the next plan.
   */
  async recount(): Promise<number> {
    if (!this.#registry || !this.#keep) return 0;
    this.#announcedAt = this.#clock.now();
    const live = await this.#registry.heartbeat(this.#announceMs()).catch(() => undefined);
    if (!live) return 0;
    const share = this.#shareOf(this.#planned, live);
    if (share > (this.#share ?? share)) {
      this.#room += share - this.#share!;
      this.#share = share;
      this.#replicas = live.length;
    }
    return this.#room;
  }

  /**
   * Acquires or extends; false when another replica holds it, or when it is beyond this replica's
   * share (a lease held beyond it is released now, at the connection's turn, before any poll).
   */
  async hold(name: string): Promise<boolean> {
    const held = await this.#turn(name);
    // The cycle's last turn: it announces itself until the earliest of the leases it now holds lapses.
    if (this.#unseen.delete(name) && this.#unseen.size === 0) await this.#announce();
    return held;
  }

  async #turn(name: string): Promise<boolean> {
    const keep = this.#keep;
    if (!keep) return this.#acquire(name);
    this.#stillHere();
    if (keep.has(name)) {
      // Extended after the poll (`polled`), not now: a replica that dies between its turn and its
      // poll frees the connection a lease period after its last poll, not after this turn.
      if (this.#leftMs(name) >= this.#ttlMs / 2) return true;
      const ok = await this.#acquire(name);
      if (!ok) keep.delete(name);
      return ok;
    }
    if (this.#held.has(name)) return this.#release(name);
    if (this.#room <= 0) return false;
    // Counted once taken, not before: connections polled side by side whose leases another
    // replica keeps must not use up the room while free ones are refused (a joiner would starve).
    if (!(await this.#acquire(name))) return false;
    // Others of this cycle took the last places meanwhile: this one goes back at once, unpolled.
    if (this.#room <= 0) return this.#release(name);
    this.#room--;
    keep.add(name);
    return true;
  }

  /**
   * After the connection's poll (the provider read and its records written): extends its lease a
   * whole period from now. A kept lease is extended here and not at the turn, unless less than half
   * a period is left then (a cycle running late), so that a poll always has half a period, one read
   * timeout of the HTTP client, before its lease could lapse. One process (no registry) extends at
   * every turn instead: no one else could take over.
   */
  async polled(name: string): Promise<void> {
    if (!this.#registry || !this.#held.has(name)) return;
    await this.#acquire(name).catch(() => undefined);
  }

  /** Gives the lease `name` back; false, for a turn that polls nothing. */
  async #release(name: string): Promise<false> {
    this.#held.delete(name);
    await this.#attempt(this.#backend.releaseLease(`lease:${name}`, this.#holder));
    return false;
  }

  /** How long this replica's lease `name` lasts still, as far as it knows (0: not held). */
  #leftMs(name: string): number {
    const sentAt = this.#held.get(name);
    return sentAt === undefined ? 0 : sentAt + this.#ttlMs - performance.now();
  }

  /** This replica's fair share of `connections` among the `live` replicas, by its rank among them. */
  #shareOf(connections: number, live: readonly string[]): number {
    return fairShare(connections, live.length, Math.max(0, [...live].sort().indexOf(this.#holder)));
  }

  /** On a clean stop, hands the work over at once instead of after the lease period. */
  async releaseAll(): Promise<void> {
    const names = [...this.#held.keys()];
    this.#held.clear();
    this.#keep = undefined;
    await Promise.allSettled([
      ...names.map((n) => this.#backend.releaseLease(`lease:${n}`, this.#holder)),
      ...(this.#registry ? [this.#registry.leave()] : []),
    ]);
  }

  /**
   * A cycle longer than a third of the lease period announces this replica again on the way, so
   * a slow cycle does not look like a dead replica to the others (their share would swing).
   */
  #stillHere(): void {
    if (this.#clock.now() - this.#announcedAt >= this.#ttlMs / 3) void this.#announce();
  }

  /** Announces this replica again (`#announceMs`); a failure waits for the next announcement. */
  async #announce(): Promise<void> {
    if (!this.#registry) return;
    this.#announcedAt = this.#clock.now();
    await this.#registry.heartbeat(this.#announceMs()).catch(() => undefined);
  }

  /**
   * How long an announcement lasts: until the earliest of the leases this replica holds lapses,
   * less a twentieth of the lease for the announcement's own way to the store (its TTL starts when
   * it lands, the lease's when that landed), at most a lease period, at least a third. Should the
   * replica die, the survivors count it out no later than its first connection is free, so their
   * share has room for it then (but for the floor: a lease with under a third left is outlived).
   */
  #announceMs(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.#held.values()) earliest = Math.min(earliest, at);
    const left = earliest + this.#ttlMs - performance.now() - this.#ttlMs / 20;
    return Math.round(Math.min(this.#ttlMs, Math.max(this.#ttlMs / 3, left)));
  }

  async #acquire(name: string): Promise<boolean> {
    const sentAt = performance.now();
    const ok = await this.#attempt(this.#backend.acquireLease(`lease:${name}`, this.#holder, this.#ttlMs));
    if (ok) this.#held.set(name, sentAt);
    else this.#held.delete(name);
    return ok;
  }

  /** A store call whose failure marks this replica's leases as not working (readiness). */
  #attempt<T>(call: Promise<T>): Promise<T> {
    return call.then(
      (value) => {
        this.#failedAt = undefined;
        return value;
      },
      (error: unknown) => {
        this.#failedAt = this.#clock.now();
        throw error;
      },
    );
  }
}
