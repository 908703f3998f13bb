import { describe, expect, it } from 'vitest';
import type { EvidenceBuildResult } from '../../bench/evidence-build.js';
import { type EvidenceRows, evidenceTargets } from '../../bench/evidence-rows.js';
import { type CycleCount, type KeepSyncCycleResult, keepSyncTargets } from '../../bench/keep-sync-cycle.js';
import { type OldBucketPassResult, oldBucketTargets } from '../../bench/old-bucket-pass.js';

// Issue 76's keep-in-sync and old-bucket rows and issue 78's evidence rows are judged from the
// figures of one run: these pin which figure, which bound, and that a smoke run is only shown.
const cycle = (c: Partial<CycleCount> = {}): CycleCount => ({
  requests: 1,
  pages: 1,
  shows: 0,
  showsFollowed: 0,
  creates: 0,
  other: 0,
  needed: 1,
  runs: 0,
  ...c,
});
const keepSync = (extra: number, smoke = false): KeepSyncCycleResult => ({
  smoke,
  migrations: 50,
  cycles: 19,
  everyH: 6,
  without: [cycle()],
  withSync: [cycle({ requests: 151, shows: 100, creates: 50, runs: 50 })],
  runs: 50,
  extraReads: { total: extra, most: extra, withoutTotal: 0 },
  callsPerRun: 3,
});

describe('the keep-in-sync row (issue 76)', () => {
  it('is met with no read beyond the pages needed and the runs’ own calls, missed with one', () => {
    const [met] = keepSyncTargets(keepSync(0));
    expect(met).toMatchObject({ met: true, target: '0' });
    expect(met!.figure).toBe('0 in all (most 0 in a cycle); 50 runs, 3 calls each');
    expect(keepSyncTargets(keepSync(1))[0]).toMatchObject({ met: false });
  });
  it('shows a smoke run without judging it', () => {
    const [row] = keepSyncTargets(keepSync(5, true));
    expect(row).toMatchObject({ met: null });
    expect(row!.what).toContain('smoke');
  });
});

const oldBucket = (perPass: number[], smoke = false): OldBucketPassResult => ({
  smoke,
  bound: { pages: 20, keys: 20_000 },
  rows: [
    { keys: 1_000, perPass: [1, 2], toldAfter: 1, passesPerSweep: 1 },
    { keys: 50_000, perPass, toldAfter: 2, passesPerSweep: 3 },
  ],
});

describe('the old-bucket row (issue 76)', () => {
  it('states each size’s most requests in a pass against the bound', () => {
    const [row] = oldBucketTargets(oldBucket([20, 20, 11]));
    expect(row).toMatchObject({ met: true, target: '≤ 20 (the bound)', figure: '2 / 20' });
    expect(row!.what).toContain('1,000 / 50,000 keys');
    expect(oldBucketTargets(oldBucket([21, 20, 11]))[0]).toMatchObject({ met: false });
    expect(oldBucketTargets(oldBucket([21], true))[0]).toMatchObject({ met: null });
  });
});

const build = (median: number, max: number, watches: number, keysRead: number): EvidenceBuildResult => ({
  runs: 10,
  auditEntries: 1_000,
  bundleBytes: 53_555,
  rounds: 20,
  ms: { median, max },
  watches,
  storeCommands: { total: 22, byCommand: { get: 18, mget: 1, smembers: 1, incr: 1, eval: 1 }, keysRead },
});
const evidence = (chainMax: number, crowdedMax: number, smoke = false): EvidenceRows => ({
  smoke,
  chain: build(7, chainMax, 0, 20),
  crowded: build(88, crowdedMax, 5_000, 5_020),
  ratio: 12.57,
});

describe('the evidence rows (issue 78)', () => {
  it('judges the chain of 10 runs within 5 s, and states the chain lookup at 5,000 watches', () => {
    const [chain, crowded] = evidenceTargets(evidence(17, 191));
    expect(chain).toMatchObject({ met: true, target: '≤ 5,000 ms', figure: 'median 7 ms, most 17 ms' });
    expect(crowded).toMatchObject({ met: true });
    // Writes (incr, eval) are not reads; the MGET's keys are counted one by one.
    expect(crowded!.figure).toBe('12.57× (88 ÷ 7 ms); store reads 20 commands, 5,020 keys (20, 20 without)');
    const [slow, slower] = evidenceTargets(evidence(5_001, 5_001));
    expect([slow!.met, slower!.met]).toEqual([false, false]);
  });
  it('shows a smoke run without judging it', () => {
    expect(evidenceTargets(evidence(9_000, 9_000, true)).map((r) => r.met)).toEqual([null, null]);
  });
});
