import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
  'test/watcher/kill.test.ts',
  'test/watcher/replicas.test.ts',
  'test/watcher/replicas-balance.test.ts',
  'test/security/fuzz.test.ts',
  'test/security/view-fuzz.test.ts',
  'test/security/secret-masking-fuzz.test.ts',
  'test/playground/browser.test.ts',
  'test/playground/*screens*.test.ts',
  'test/layout/production-build.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: HEAVY,
          // Two files at a time on a 2-core machine (Vitest's default is one worker fewer than
          // cores: one file at a time there). These files wait on loopback HTTP, Redis and child
          // processes far more than they compute. The heavy suites keep the default: they load
          // the machine on purpose and time what they see. `isolate` stays on: files patch
          // prototypes and env.
          maxWorkers: Math.max(2, availableParallelism()),
        },
      },
      {
        extends: true,
        test: {
          name: 'heavy',
          include: HEAVY,
          env: { WATCHER_KILLS: '100', PROVIDER_FAULTS: '1000' },
        },
      },
    ],
  },
});
