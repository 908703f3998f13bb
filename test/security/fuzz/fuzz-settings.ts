/**
 * How much and what the property-based suites try. 100,000 cases each by default (`FUZZ_RUNS`). The
 * seed is fixed so that a run is reproducible and CI never turns red on an input no one chose;
 * `FUZZ_SEED=random` explores new inputs, and a failure prints the seed that replays it
 * (`FUZZ_SEED=<seed>`). Every input found that way is kept as an example test.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);

const seed = process.env.FUZZ_SEED ?? '20261121';

export const FUZZ_OPTIONS: { numRuns: number; seed?: number } =
  seed === 'random' ? { numRuns: FUZZ_RUNS } : { numRuns: FUZZ_RUNS, seed: Number(seed) };
