import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import type { SlidingWindow } from '../store/sliding-window.js';

/** How many requests one caller may make in a sliding minute (counted across replicas). */
export interface RequestRate {
  max: number;
  window: SlidingWindow;
}

/** An API token's calls: about Slack's Tier 3 (50+ a minute per method), the same for every call. */
export const TOKEN_RATE: RequestRate = { max: 60, window: { spanMs: 60_000, slotMs: 5_000 } };

/**
 * Takes one of the caller's requests in the window (`who`: a token, a person), in the store so every
 * replica counts together; past the rate it throws a RateLimitedError (its `retryAfterMs` says when
 * one is free) and nothing is counted.
 */
export async function takeRequest(
  kv: AtomicKv,
  clock: Clock,
  team: string,
  who: string,
  rate: RequestRate,
): Promise<void> {
  const waitMs = await kv.take(`rate:${team}:${who}`, rate.window, rate.max, clock.now());
  if (waitMs <= 0) return;
  const error = RateLimitedError.of('error.rateLimited', {
    max: rate.max,
    seconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
  error.retryAfterMs = waitMs;
  throw error;
}
