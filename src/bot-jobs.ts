import type { Clock } from './clock.js';
import type { StartedCapabilities } from './contract/started.js';
import type { Logger } from './logger.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { AtomicKv } from './store/atomic-kv.js';
import type { Departures } from './use-cases/departures.js';
import type { Watcher } from './watcher/watcher.js';

export interface TimedWork {
  state: AtomicKv;
  clock: Clock;
  logger: Logger;
  watcher: Watcher;
  departures: Pick<Departures, 'sweep'>;
  capabilities: StartedCapabilities;
  /** Its own timer's period (real ms; 0: none, a test on an injected clock ticks it itself). */
  tickMs: number;
}

/** How often the scheduler ticks on its own timer: a window's edge fires within this of its time. */
export const SCHEDULER_TICK_MS = 5_000;

/**
 * The bot's timed work as jobs on its one scheduler (part of the composition root), ticked before
 * each watcher cycle polls and on its own timer, on the watcher's holder and lease period.
 */
export function scheduleTimedWork(w: TimedWork): Scheduler {
  const scheduler = new Scheduler({
    kv: w.state,
    clock: w.clock,
    logger: w.logger.child({ component: 'scheduler' }),
    holder: w.watcher.options.holder,
    leaseMs: w.watcher.options.leaseMs,
    keyPrefix: w.watcher.options.keyPrefix,
  });
  scheduler.add(
    // Departures not finished (a lock held, a store error) are retried first, so no cycle polls
    // for a workspace that left (ADR 0010); each replica retries, under the installation's lock.
    { name: 'departures', cadence: 'before-cycle', replicas: 'each', run: () => w.departures.sweep() },
    // Then each capability's timed work, in the registry's order.
    ...w.capabilities.jobs(),
    // Card edits the edit budget deferred, when its window reopens, between cycles (a cycle
    // edits what is due itself): each replica its own, each record claimed once per window.
    {
      name: 'deferred-edits',
      cadence: 'before-cycle',
      replicas: 'each',
      run: async () => (w.watcher.cycling() ? undefined : w.watcher.outbox.editDeferred()),
    },
  );
  w.watcher.beforeEachCycle(() => scheduler.tick());
  return scheduler.every(w.tickMs);
}
