import { describe, expect, it } from 'vitest';
import { type Job, Scheduler } from '../../src/scheduler/scheduler.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { captureLogger } from '../helpers/capture-logger.js';

// The one scheduler of timed work, on the injected clock: two replicas share one store here, as
// two bot processes share Redis. What runs where is read from what the jobs recorded.

const HOUR = 3_600_000;

function replicas(count: number) {
  const kv = new LocalAtomicKv(new MemoryStore(), 't:');
  const clock = new TestClock(() => Date.parse('2026-11-27T00:00:00Z'));
  const logs = captureLogger('debug');
  const made = Array.from(
    { length: count },
    (_, i) => new Scheduler({ kv, clock, logger: logs.logger, holder: `replica-${i}`, leaseMs: 60_000 }),
  );
  return { clock, logs, schedulers: made };
}

function recording(ran: string[], name: string, cadence: Job['cadence'], replicas: Job['replicas']): Job {
  return {
    name,
    cadence,
    replicas,
    run: async (now) => {
      ran.push(`${name}@${new Date(now).toISOString().slice(11, 16)}`);
    },
  };
}

describe('Scheduler', () => {
  it('fires a timed job once per period across replicas, as the clock moves', async () => {
    const { clock, schedulers } = replicas(2);
    const ran: string[][] = [[], []];
    schedulers.forEach((s, i) => s.add(recording(ran[i]!, 'sweep', { everyMs: HOUR }, 'each')));
    for (let tick = 0; tick < 3; tick++) {
      for (const s of schedulers) await s.tick();
      clock.advance(20 * 60_000);
    }
    // 00:00, 00:20, 00:40: one period, one firing between both replicas.
    expect(ran.flat()).toEqual(['sweep@00:00']);
    for (const s of schedulers) await s.tick();
    expect(ran.flat()).toEqual(['sweep@00:00', 'sweep@01:00']);
  });

  it('runs a leased before-cycle job on the lease holder only, an each job everywhere', async () => {
    const { schedulers } = replicas(2);
    const ran: string[][] = [[], []];
    schedulers.forEach((s, i) =>
      s.add(
        recording(ran[i]!, 'windows', 'before-cycle', 'lease'),
        recording(ran[i]!, 'departures', 'before-cycle', 'each'),
      ),
    );
    for (let tick = 0; tick < 2; tick++) for (const s of schedulers) await s.tick();
    expect(ran[0]).toEqual(['windows@00:00', 'departures@00:00', 'windows@00:00', 'departures@00:00']);
    expect(ran[1]).toEqual(['departures@00:00', 'departures@00:00']);
  });

  it('runs the next job when one fails, in the order they were added, and logs the failure', async () => {
    const { logs, schedulers } = replicas(1);
    const ran: string[] = [];
    const failing: Job = {
      name: 'failing',
      cadence: 'before-cycle',
      replicas: 'each',
      run: () => Promise.reject(new Error('store gone')),
    };
    schedulers[0]!.add(failing, recording(ran, 'after', 'before-cycle', 'each'));
    await schedulers[0]!.tick();
    expect(ran).toEqual(['after@00:00']);
    const failed = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'a scheduled job failed');
    expect(failed.map((l) => l.job)).toEqual(['failing']);
  });

  it('refuses a job added twice, and starts nothing once stopped', async () => {
    const { schedulers } = replicas(1);
    const ran: string[] = [];
    const s = schedulers[0]!.add(recording(ran, 'once', 'before-cycle', 'each'));
    expect(() => s.add(recording(ran, 'once', { everyMs: HOUR }, 'each'))).toThrow(/added twice/);
    s.stop();
    await s.tick();
    expect(ran).toEqual([]);
  });

  it('runs one tick at a time: a tick asked for while one runs starts after it', async () => {
    const { schedulers } = replicas(1);
    const seen: string[] = [];
    let open: () => void = () => undefined;
    let n = 0;
    schedulers[0]!.add({
      name: 'slow',
      cadence: 'before-cycle',
      replicas: 'each',
      run: async () => {
        const i = ++n;
        seen.push(`start ${i}`);
        if (i === 1) await new Promise<void>((resolve) => (open = resolve));
        seen.push(`end ${i}`);
      },
    });
    const first = schedulers[0]!.tick();
    const second = schedulers[0]!.tick();
    await until(() => seen.length === 1, { what: 'the first tick started' });
    open();
    await Promise.all([first, second]);
    expect(seen).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('ticks on a timer of its own, with no cycle to tick it', async () => {
    const { schedulers } = replicas(1);
    const ran: string[] = [];
    const s = schedulers[0]!.add(recording(ran, 'edges', 'before-cycle', 'each')).every(5);
    try {
      await until(() => ran.length >= 2, { what: 'two ticks of its own timer' });
    } finally {
      s.stop();
    }
  });

  it('runs an each-cycle job only at the tick before a cycle, not on its timer', async () => {
    const { schedulers } = replicas(1);
    const ran: string[] = [];
    schedulers[0]!.add(
      recording(ran, 'edges', 'before-cycle', 'each'),
      recording(ran, 'facts', 'each-cycle', 'each'),
    );
    await schedulers[0]!.tick('timer');
    await schedulers[0]!.tick('cycle');
    expect(ran).toEqual(['edges@00:00', 'edges@00:00', 'facts@00:00']);
  });
});
