import type { SeedTask } from '../../dev/simulators/huawei-oms/index.js';
import type { TestBot } from './test-bot.js';
import { until } from './until.js';

/**
 * A running OMS task (1 TiB, 10 % done) that fails with TRF.0015 at 11 %, once the simulator's
 * clock moves it there; `seed` changes any of it (where it stands, where it fails, the code).
 */
export function failingTask(name: string, seed: Partial<SeedTask> = {}): SeedTask {
  return {
    name,
    status: 2,
    progress: 0.1,
    totalSize: 1024 ** 4,
    failAt: 0.11,
    failCode: 'TRF.0015',
    ...seed,
  };
}

/** Runs watcher cycles until `done` holds (at most 40 checks, within 20 s): what it held. */
export async function cyclesUntil<T>(
  t: TestBot,
  done: () => T | undefined | false,
  what: string,
): Promise<T> {
  const cycled = async () => {
    const value = done();
    if (!value) await t.bot.deps.watcher.runCycle();
    return value;
  };
  return until(cycled, { what, timeoutMs: 20_000, everyMs: 30, checks: 40 });
}
