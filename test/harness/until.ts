import { setTimeout as sleep } from 'node:timers/promises';

/** What a check returned when it said yes. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export interface UntilOptions {
  /** What the test waits for, named in the error when it does not come. */
  what: string;
  /** The bound: after this long the wait fails (default 5 s). */
  timeoutMs?: number;
  /** The pause between two checks (default 50 ms). */
  everyMs?: number;
  /** At most this many checks (default as many as fit in `timeoutMs`): for a `check` that takes a step. */
  checks?: number;
}

/**
 * Waits until `check` returns something truthy and returns it: a bounded wait for a condition, not
 * a fixed sleep (test/layout/fixed-sleeps.test.ts). `check` may take a step of its own each time
 * (a watcher cycle, a probe of a real process). An error `check` throws ends the wait at once; no
 * answer within `timeoutMs` (nor within as many checks as fit in it) fails naming `what`.
 * Hand-written rather than `vi.waitUntil`: the benchmarks start Redis through the harness too.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  {
    what,
    timeoutMs = 5_000,
    everyMs = 50,
    checks = Math.ceil(timeoutMs / Math.max(1, everyMs)) + 1,
  }: UntilOptions,
): Promise<Truthy<T>> {
  const deadline = performance.now() + timeoutMs;
  for (let i = 1; ; i++) {
    const value = await check();
    if (value) return value as Truthy<T>;
    const left = deadline - performance.now();
    if (left <= 0 || i >= checks) break;
    await sleep(Math.min(everyMs, left));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms or ${checks} checks`);
}
