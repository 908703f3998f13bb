import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Deliberate latency a rig adds on purpose: a store one network hop away, a provider slow to
 * answer, work that takes a while, replicas that start their cycles apart. Real time, because the
 * races under test happen between real I/O (Redis, HTTP, timers), which no test clock moves. The
 * one place such a delay is written: test/layout/fixed-sleeps.test.ts counts it among the fixed
 * sleeps and names every file that calls it.
 */
export function latency(ms: number): Promise<void> {
  return sleep(ms);
}
