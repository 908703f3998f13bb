import { Pool } from 'undici';
import { allowListed } from '../../outbound/allow-list.js';
import { guardedConnector, type Resolve } from '../../outbound/guarded-connect.js';
import type { ProviderCallObserver } from './call-observer.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './capped-body.js';
import { type CallPurpose, Lanes } from './lanes.js';
import type { RetryPolicy } from './retry-policy.js';

export interface HttpTimeouts {
  connectMs: number;
  /** Time to the response headers and between body chunks. */
  readMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 5_000, readMs: 15_000 };
/** A whole body gets this many read timeouts (undici's counts between chunks only): 60 s by default. */
export const BODY_DEADLINE_READS = 4;

/** Where a guarded view's requests may go: the allow-list, and how names resolve (tests). */
export interface PoolGuard {
  allowedEndpoints: readonly string[];
  resolve?: Resolve;
}

/**
 * Background requests (the watcher's polls) to one provider on the wire at once. The watcher's
 * benchmark floor assumes this many; interactive calls have their own bulkhead per connection
 * (`interactive-calls.ts`) and never wait here.
 */
export const BACKGROUND_REQUESTS_PER_PROVIDER = 2;

/**
 * One undici pool per endpoint origin, shared by every client that talks to it, and the lanes that
 * keep background requests to each provider few at a time.
 */
export class PoolRegistry {
  readonly #pools: Map<string, Pool>;
  readonly #lanes: Map<string, Lanes>;
  readonly #timeouts: HttpTimeouts;
  readonly #options: ConstructorParameters<typeof PoolRegistry>[2];
  readonly #guard: PoolGuard | undefined;
  readonly #backgroundPerProvider: number;
  /** Every client gets its pools here, so this is where provider requests are observed. */
  readonly observe: ProviderCallObserver | undefined;
  /** The most bytes a provider's answer is read to (PROVIDER_MAX_RESPONSE_MIB): past it, the call fails. */
  readonly maxResponseBytes: number;
  /** The longest a call may take, sending to last byte (a few read timeouts): a drip is cut, not waited for. */
  readonly bodyDeadlineMs: number;
  /** The retries of every client on these pools that sets none (tests: shorter backoff). */
  readonly retry: RetryPolicy | undefined;

  constructor(
    timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
    observe?: ProviderCallObserver,
    options: { backgroundRequestsPerProvider?: number; maxResponseBytes?: number; retry?: RetryPolicy } = {},
    shared?: { pools: Map<string, Pool>; lanes: Map<string, Lanes>; guard: PoolGuard },
  ) {
    this.#pools = shared?.pools ?? new Map();
    this.#lanes = shared?.lanes ?? new Map();
    this.#guard = shared?.guard;
    this.#options = options;
    this.#timeouts = timeouts;
    this.observe = observe;
    this.retry = options.retry;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.bodyDeadlineMs = BODY_DEADLINE_READS * timeouts.readMs;
    this.#backgroundPerProvider = options.backgroundRequestsPerProvider ?? BACKGROUND_REQUESTS_PER_PROVIDER;
  }

  /**
   * The lanes a request to `provider` waits for while it is on the wire: none for an interactive
   * call, the provider's background lanes for a background one. A lane is held from sending to the
   * end of the body only, never while the caller parses, signs or backs off between retries.
   */
  lanesFor(provider: string, purpose: CallPurpose): Lanes | undefined {
    if (purpose === 'interactive') return undefined;
    let lanes = this.#lanes.get(provider);
    if (!lanes) {
      lanes = new Lanes(this.#backgroundPerProvider);
      this.#lanes.set(provider, lanes);
    }
    return lanes;
  }

  /**
   * The same pools, lanes and caps, for connections typed into Slack: an origin the allow-list does
   * not name is connected to only at a public address, checked as each connection is made (the
   * one endpoint rule, `src/outbound/`), so a documented host rebound to an internal address is
   * refused. The connections file's endpoints are its writer's choice and use the registry itself.
   */
  guarded(guard: PoolGuard): PoolRegistry {
    return new PoolRegistry(this.#timeouts, this.observe, this.#options, {
      pools: this.#pools,
      lanes: this.#lanes,
      guard,
    });
  }

  get(origin: string): Pool {
    const guard =
      this.#guard && !allowListed(new URL(origin), this.#guard.allowedEndpoints) ? this.#guard : undefined;
    const key = guard ? `guarded ${origin}` : origin;
    let pool = this.#pools.get(key);
    if (!pool) {
      const timeout = this.#timeouts.connectMs;
      pool = new Pool(origin, {
        connections: 16,
        connect: guard ? guardedConnector({ timeout }, guard.resolve) : { timeout },
        headersTimeout: this.#timeouts.readMs,
        bodyTimeout: this.#timeouts.readMs,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}
