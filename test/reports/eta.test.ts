import { describe, expect, it } from 'vitest';
import { estimateEta, recentPace } from '../../src/reports/eta.js';
import type { ThroughputSample } from '../../src/reports/throughput-samples.js';

// Issue 48 item 2: an ETA people can trust. From the pace observed over recent polls, not from the
// start of the run; unknown, with why, while listing, when nothing moved lately, or with no pace.
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const running = (
  done: number,
  total: number | undefined,
  extra: { etaSeconds?: number; speed?: number } = {},
) => ({
  state: 'running' as const,
  bytes: { done, total },
  ...extra,
});

describe('the ETA', () => {
  it('comes from the recent pace, not from the run so far', () => {
    // 30 % was there when the counters started; the last 10 minutes moved 10 MiB/s.
    const samples: ThroughputSample[] = [];
    for (let m = 0; m <= 10; m++) samples.push({ at: m * 60_000, bytes: 30 * GiB + m * 60 * 10 * MiB });
    const done = samples.at(-1)!.bytes;
    const eta = estimateEta(running(done, 100 * GiB, { etaSeconds: 90 }), { samples });
    expect(recentPace(samples)).toBeCloseTo(10 * MiB, 3);
    expect(eta).toEqual({
      known: true,
      basis: 'observed',
      seconds: Math.round((100 * GiB - done) / (10 * MiB)),
    });
  });

  it('uses only the newest 15 minutes of samples', () => {
    const samples: ThroughputSample[] = [{ at: 0, bytes: 0 }];
    // Fast an hour ago, slow in the last quarter of an hour.
    samples.push({ at: 45 * 60_000, bytes: 45 * 60 * 100 * MiB });
    samples.push({ at: 60 * 60_000, bytes: 45 * 60 * 100 * MiB + 15 * 60 * MiB });
    expect(recentPace(samples)).toBeCloseTo(MiB, 3);
  });

  it('says why it cannot be estimated', () => {
    expect(estimateEta(running(0, undefined))).toEqual({ known: false, why: 'listing' });
    expect(estimateEta(running(0, 0))).toEqual({ known: false, why: 'listing' });
    const still: ThroughputSample[] = [
      { at: 0, bytes: 5 * GiB },
      { at: 5 * 60_000, bytes: 5 * GiB },
    ];
    expect(estimateEta(running(5 * GiB, 10 * GiB, { etaSeconds: 60 }), { samples: still })).toEqual({
      known: false,
      why: 'no-progress',
    });
    expect(estimateEta(running(5 * GiB, 10 * GiB), { stalled: true })).toEqual({
      known: false,
      why: 'no-progress',
    });
    expect(estimateEta(running(5 * GiB, 10 * GiB))).toEqual({ known: false, why: 'no-pace' });
  });

  it('falls back to the provider’s estimate or speed before the watcher has a pace', () => {
    expect(estimateEta(running(5 * GiB, 10 * GiB, { etaSeconds: 600 }))).toEqual({
      known: true,
      basis: 'provider',
      seconds: 600,
    });
    expect(estimateEta(running(5 * GiB, 10 * GiB, { speed: 5 * MiB }))).toEqual({
      known: true,
      basis: 'provider',
      seconds: 1024,
    });
  });

  it('is nothing for a resource that does not move', () => {
    expect(estimateEta({ state: 'paused', bytes: { done: 1, total: 2 } })).toBeUndefined();
  });
});
