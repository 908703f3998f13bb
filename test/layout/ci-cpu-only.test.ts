import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * .ci/run takes the heavy project's fuzz files out of the heavy stage and runs them beside
 * `npm test`, one at a time (`cpu_only`): they only compute, so the load beside them changes how
 * long they take, never what they find, and they no longer hold a heavy slot beside the kill -9
 * suites. Here a file so listed fails if it, or a test helper it imports, starts a process, a
 * server, a browser or a Redis, or waits on a timer; and the heavy stage must leave out exactly it.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
const cpuOnly = (/^cpu_only="([^"]+)"$/m.exec(ci)?.[1] ?? '').split(/\s+/).filter(Boolean);

/** What a file that does more than compute names. */
const MORE_THAN_COMPUTING =
  /child_process|node:(http|https|net|dgram)\b|playwright|redis|startRig|startWorld|startPlayground|startBot|spawn\(|setTimeout|setInterval|sleep\(/i;

/** The heavy project's globs, as vitest.config.ts lists them. */
function heavyGlobs(): string[] {
  const config = readFileSync(path.join(ROOT, 'vitest.config.ts'), 'utf8');
  const list = /const HEAVY = \[([\s\S]*?)\];/.exec(config)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

/** The file and the test helpers it imports, transitively (src/ and packages are not scanned). */
function withTestHelpers(file: string, seen = new Set<string>()): Set<string> {
  seen.add(file);
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  for (const [, spec] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const target = path.posix
      .normalize(path.posix.join(path.posix.dirname(file), spec!))
      .replace(/\.js$/, '.ts');
    if (target.startsWith('test/') && !seen.has(target)) withTestHelpers(target, seen);
  }
  return seen;
}

describe('the heavy files .ci/run runs beside npm test', () => {
  it('are listed, exist and belong to the heavy project', () => {
    expect(cpuOnly.length).toBeGreaterThan(0);
    const globs = heavyGlobs();
    for (const file of cpuOnly) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
      expect(
        globs.some((glob) => path.matchesGlob(file, glob)),
        `${file} in vitest.config.ts HEAVY`,
      ).toBe(true);
    }
  });

  it('only compute: no process, server, browser, Redis or timer in them or their test helpers', () => {
    const offenders = cpuOnly.flatMap((file) =>
      [...withTestHelpers(file)]
        .filter((f) => MORE_THAN_COMPUTING.test(readFileSync(path.join(ROOT, f), 'utf8')))
        .map((f) => `${file}: ${f}`),
    );
    expect(offenders).toEqual([]);
  });

  it('run in a stage of their own, and the heavy stage leaves them out', () => {
    expect(ci).toMatch(/stage fuzz npx vitest run --project heavy --no-file-parallelism \$cpu_only/);
    expect(ci).toMatch(/stage heavy npm run test:heavy -- \$\(printf -- '--exclude %s ' \$cpu_only\)/);
  });
});
