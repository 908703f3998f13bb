import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import type { AtomicKv } from './atomic-kv.js';

export interface LeaseLockTimings {
  /** The lease's life; the holder extends it every third of it while its work runs. */
  ttlMs: number;
  /** Longest a caller waits for the lock before it fails. */
  waitMs: number;
  /** How often a waiter asks the store again (another replica holds the lease). */
  pollMs: number;
  /** Longest a holder keeps extending: work that hangs frees the lock for the other replicas. */
  maxHoldMs: number;
}

/** Timings of the lock unless the caller gives others; what runs under it is bounded by them. */
export const DEFAULT_LOCK_TIMINGS: LeaseLockTimings = {
  ttlMs: 15_000,
  waitMs: 10_000,
  pollMs: 25,
  maxHoldMs: 60_000,
};

/** The lock could not be had within its wait: another holder kept it (or the store did not answer). */
export class LockWaitError extends StoreUnavailableError {}

/**
 * Mutual exclusion across replicas: a named lease in the shared store (`lease:lock:<name>`, the
 * watcher's lease mechanism: `SET NX PX` on Redis), taken for the length of a piece of work.
 * Callers in one process queue in memory first, so only one of them asks the store at a time.
 * Not re-entrant: work under the lock that must write what the lock guards is handed a way to do
 * so by the lock's owner (KeyvInstallationStore.withInstallationLock), never takes it again.
 */
export class LeaseLocks {
  readonly #backend: AtomicKv;
  readonly #replica = randomUUID();
  readonly #timings: LeaseLockTimings;
  readonly #queues = new Map<string, Promise<unknown>>();
  #acquisitions = 0;

  constructor(backend: AtomicKv, timings: Partial<LeaseLockTimings> = {}) {
    this.#backend = backend;
    this.#timings = { ...DEFAULT_LOCK_TIMINGS, ...timings };
  }

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    // Real time (src/clock.ts): the lock expires in the store (`PX`), and the wait is for another process.
    const deadline = systemClock.now() + this.#timings.waitMs;
    const previous = this.#queues.get(name) ?? Promise.resolve();
    const turn = (async () => {
      // A holder in this process that hangs does not keep its waiters forever: past the deadline
      // they ask the store once, which still refuses while that holder's lease lives.
      const timer = new AbortController();
      await Promise.race([
        previous,
        sleep(this.#timings.waitMs, undefined, { signal: timer.signal }).catch(() => {}),
      ]);
      timer.abort();
      return this.#runHolding(name, deadline, work);
    })();
    const settled = turn.catch(() => undefined);
    this.#queues.set(name, settled);
    try {
      return await turn;
    } finally {
      if (this.#queues.get(name) === settled) this.#queues.delete(name);
    }
  }

  async #runHolding<T>(name: string, deadline: number, work: () => Promise<T>): Promise<T> {
    const lease = `lease:lock:${name}`;
    const holder = `${this.#replica}:${++this.#acquisitions}`;
    const { ttlMs, pollMs, maxHoldMs } = this.#timings;
    while (!(await this.#backend.acquireLease(lease, holder, ttlMs))) {
      if (systemClock.now() >= deadline)
        throw new LockWaitError(`${name} stayed locked by another replica for ${this.#timings.waitMs} ms`);
      await sleep(pollMs + Math.floor(Math.random() * pollMs));
    }
    const until = systemClock.now() + maxHoldMs;
    const extender = setInterval(() => {
      if (systemClock.now() > until) return clearInterval(extender);
      this.#backend.acquireLease(lease, holder, ttlMs).catch(() => undefined);
    }, ttlMs / 3);
    extender.unref();
    try {
      return await work();
    } finally {
      clearInterval(extender);
      await this.#backend.releaseLease(lease, holder).catch(() => undefined);
    }
  }
}
