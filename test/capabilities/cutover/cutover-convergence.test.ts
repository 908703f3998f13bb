import { describe, expect, it } from 'vitest';
import { convergenceLines, type SyncFact } from '../../../src/capabilities/cutover/convergence.js';
import { ENGLISH } from '../../../src/i18n/translator.js';

// Issue 76, the convergence line: the last deltas' sizes, the final delta's projected duration,
// "not converging" when they stop shrinking, and an honest unknown where a cloud gives no sizes.
const GiB = 1024 ** 3;
const base: SyncFact = {
  everyH: 6,
  until: Date.UTC(2026, 11, 24),
  max: 20,
  runs: 3,
  provider: 'huawei-oms',
  deltas: [],
};

describe('the convergence line', () => {
  it('shows the last three deltas and projects the final one against the freeze', () => {
    const deltas = [
      { bytes: 41 * GiB, seconds: 3 * 3600 },
      { bytes: 9 * GiB, seconds: 2400 },
      { bytes: 2.1 * GiB, seconds: 600 },
    ];
    const lines = convergenceLines({ ...base, deltas, freezeMin: 30 }, ENGLISH);
    expect(lines[0]).toBe('Kept in sync every 6 h until 2026-12-24 00:00 (3 of at most 20 runs).');
    expect(lines[1]).toBe('Last 3 deltas: 41 GiB → 9 GiB → 2.1 GiB.');
    // Ratios 0.22 and 0.23: the next delta ≈ 10 min × 0.225 ≈ 2 min.
    expect(lines[2]).toBe('Final delta ≈ 2 min: fits the 30 min freeze.');
    const long = convergenceLines({ ...base, deltas, freezeMin: 1 }, ENGLISH);
    expect(long[2]).toBe('Final delta ≈ 2 min: longer than the 1 min freeze.');
    expect(convergenceLines({ ...base, deltas }, ENGLISH)[2]).toBe('Final delta ≈ 2 min.');
  });

  it('says "not converging" when the deltas stop shrinking', () => {
    const deltas = [
      { bytes: 9 * GiB, seconds: 2400 },
      { bytes: 2 * GiB, seconds: 600 },
      { bytes: 3 * GiB, seconds: 700 },
    ];
    expect(convergenceLines({ ...base, deltas }, ENGLISH).at(-1)).toBe(
      'Not converging: the last deltas stopped shrinking.',
    );
  });

  it('is an honest unknown where the cloud reports states only', () => {
    const lines = convergenceLines({ ...base, provider: 'upcloud', deltas: [{}, { seconds: 60 }] }, ENGLISH);
    expect(lines.at(-1)).toBe('Convergence unknown: upcloud reports states only, no sizes (2 deltas run).');
    expect(lines.join(' ')).not.toContain('Final delta');
  });
});
