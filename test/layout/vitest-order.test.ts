import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import config, { IsolatedFirst } from '../../vitest.config.js';

/**
 * `npm test` runs two projects in one group: `main` (a process per worker) and `main-isolated` (a
 * process per file). Vitest's own sort orders projects by name before it looks at isolation, so the
 * isolated files started last and the slowest of them ran alone at the end while the other workers
 * idled. The config's sequencer starts them first, within each group, keeping vitest's order else.
 */
type Project = { name: string; isolate: boolean; groupOrder: number };
const MAIN: Project = { name: 'main', isolate: false, groupOrder: 0 };
const ISOLATED: Project = { name: 'main-isolated', isolate: true, groupOrder: 0 };
const HEAVY: Project = { name: 'heavy', isolate: true, groupOrder: 1 };

function spec(project: Project, file: string): TestSpecification {
  const config = { isolate: project.isolate, sequence: { groupOrder: project.groupOrder } };
  return {
    project: { name: project.name, config },
    moduleId: `/repo/${file}`,
  } as unknown as TestSpecification;
}

/** A fresh clone: no durations cached, no file sizes known (vitest keeps the given order then). */
const FRESH = {
  config: { root: '/repo' },
  cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
} as unknown as Vitest;

describe("the tests' order (vitest.config.ts)", () => {
  it('is the config’s sequencer', () => {
    expect(config.test?.sequence?.sequencer).toBe(IsolatedFirst);
  });

  it('starts the isolated files of a group before the shared ones, group by group', async () => {
    const files = [
      spec(HEAVY, 'test/heavy.test.ts'),
      spec(MAIN, 'test/a.test.ts'),
      spec(MAIN, 'test/b.test.ts'),
      spec(ISOLATED, 'test/seam.test.ts'),
      spec(MAIN, 'test/c.test.ts'),
    ];
    const sorted = await new IsolatedFirst(FRESH).sort(files);
    expect(sorted.map((s) => s.moduleId.replace('/repo/test/', ''))).toEqual([
      'seam.test.ts',
      'a.test.ts',
      'b.test.ts',
      'c.test.ts',
      'heavy.test.ts',
    ]);
  });
});
