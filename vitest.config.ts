import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Two projects, each test file in exactly one:
 * - `main` (`npm test`): everything a change should be checked against in minutes.
 * - `heavy` (`npm run test:heavy`): the suites that are slow by design: the reliability suite
 *   (100 kill -9s, 1,000 provider faults, a Redis restart, a Slack outage), the property-based
 *   fuzzing at 100,000 cases, the browser tests and screenshots, and the production build. CI
 *   runs both.
 * The bot is compiled once per run (`test/global-setup.ts`) for the tests that start it as a process.
 */
const HEAVY = [
  'test/reliability/**/*.test.ts',
  'test/watcher/replicas/kill.test.ts',
  'test/capabilities/plans/plans-kill.test.ts',
  'test/capabilities/events/events-kill.test.ts',
  'test/capabilities/auto-retry/auto-retry-kill.test.ts',
  'test/capabilities/cutover/cutover-sync-kill.test.ts',
  // 100,000 objects listed on both sides through the SDK: about 30 s on a shared 2-core machine.
  'test/capabilities/objects/objects-content-100k.test.ts',
  'test/watcher/replicas/replicas.test.ts',
  'test/watcher/replicas/replicas-balance.test.ts',
  'test/security/fuzz/fuzz.test.ts',
  'test/security/fuzz/view-fuzz.test.ts',
  'test/security/fuzz/secret-masking-fuzz.test.ts',
  'test/layout/production-build.test.ts',
];

/**
 * The heavy files that drive Chromium against the whole playground: the page walked through, a
 * file per idea, and every screenshot test (test/playground/screens/<idea>/). They run after the
 * other heavy files, three at a time: they wait on the browser and on the playground's watcher
 * far more than they compute (two at a time kept the 2 cores about 55 % busy in CI).
 */
const HEAVY_SCREENS = ['test/playground/browser/*.test.ts', 'test/playground/screens/**/*.test.ts'];

const MAIN = ['test/**/*.test.ts', 'src/**/*.test.ts'];

/**
 * The main files that replace modules or globals for the whole file (`vi.mock`, `vi.stubGlobal`,
 * `vi.stubEnv`) or add a provider to the registry for good (`registerProvider`) run each in a fresh
 * process; the rest share a process per worker, which imports node_modules (Bolt, the AWS SDK,
 * undici) once instead of once per file: on a 40-file sample, vitest's summed import phase went
 * from 199 s to 75 s and the CPU spent from 70 s to 29 s, same results (docs/performance.md).
 * Source modules are shared too: a file must undo what it changes in them.
 */
const ISOLATED = ['test', 'src']
  .flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `${folder}/${name}`),
  )
  .filter((file) =>
    /\bvi\.(mock|doMock|stubGlobal|stubEnv)\(|\bregisterProvider\(/.test(readFileSync(file, 'utf8')),
  );

/**
 * Vitest's order, except that within a group the files that need a process of their own (the
 * isolated projects) start first. Its own sort puts projects in name order before it looks at
 * isolation, so `main-isolated` started after every `main` file: its 19 s seam test ran alone at
 * the end of `npm test` while the other workers idled (docs/performance.md).
 */
export class IsolatedFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = ({ project: { config } }: TestSpecification) =>
      2 * (config.sequence.groupOrder ?? 0) + (config.isolate === false ? 1 : 0);
    // Array sort is stable: vitest's order holds among files of the same rank.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: IsolatedFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: MAIN,
          exclude: [...HEAVY, ...HEAVY_SCREENS, ...ISOLATED],
          isolate: false,
          // Two files per core (Vitest's default is one worker fewer than cores: one file at a
          // time on 2 cores). These files wait on loopback HTTP, Redis and child processes far
          // more than they compute: on 2 cores, 4 at a time took 239 s of wall time for 204 s of
          // CPU, 2 at a time 343 s.
          maxWorkers: 2 * availableParallelism(),
        },
      },
      {
        extends: true,
        test: {
          // `npm test` runs it with `main` (`--project 'main*'`).
          name: 'main-isolated',
          include: ISOLATED,
          exclude: [...HEAVY, ...HEAVY_SCREENS],
          maxWorkers: 2 * availableParallelism(),
        },
      },
      {
        extends: true,
        test: {
          name: 'heavy',
          include: HEAVY,
          // One file per core. They wait far more than they compute too (one at a time: 472 s
          // of wall time for 204 s of CPU; one per core: 264 s), but they time what they see
          // (a kill's takeover within lease + interval, the outage's 503), so no more files than
          // cores. Seen green under a second process's load (load average 5.5: 286 s).
          maxWorkers: availableParallelism(),
          // One retry, as browser and multi-process suites do (Playwright's own default on CI):
          // a real Chromium and real processes share 2 cores with everything else, and a test
          // that fails twice still fails. Vitest reports a retried pass, so a flake stays seen.
          retry: 1,
          // .ci/run's Redis topology runs set fewer kills (the same test on a Cluster, a Sentinel).
          env: { WATCHER_KILLS: process.env.WATCHER_KILLS ?? '100', PROVIDER_FAULTS: '1000' },
          // Vitest runs projects of different maxWorkers one group after the other: `main`, then
          // these, then the browser files (so a bare `vitest run` runs every project).
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // `npm run test:heavy` runs it with `heavy` (`--project 'heavy*'`).
          name: 'heavy-screens',
          include: HEAVY_SCREENS,
          // One more file than cores: each waits on Chromium and the playground's watcher; what
          // they time is the moved playground clock, not the machine (ADR 0016).
          maxWorkers: availableParallelism() + 1,
          retry: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
