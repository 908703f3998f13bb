import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The watcher (`src/watcher` and its subfolders) reads time and waits only through its clock
 * (`src/watcher/clock.ts`), so a test that moves the clock moves everything; its only real timers are the schedule's (`watch-schedule.ts`).
 * A direct read anywhere else would make the tests sleep again, or flake.
 */
const WATCHER = path.join(import.meta.dirname, '..', '..', '..', 'src', 'watcher');
const ALLOWED: Record<string, RegExp> = {
  'clock.ts': /./,
  'watch-schedule.ts': /\bsetTimeout\(|\bclearTimeout\(/,
};
/** Reading the system's time, or waiting for it. `performance.now()` only times a cycle for its report. */
const DIRECT =
  /\bDate\.now\b|\bnew Date\(\)|\bsetTimeout\b|\bsetInterval\b|timers\/promises['"]?.*setTimeout/;

/** Each line of code (comments left out) that reads or waits for the system's time directly. */
function directReads(file: string): string[] {
  const code = readFileSync(path.join(WATCHER, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  return code
    .split('\n')
    .filter((line) => DIRECT.test(line) && !ALLOWED[file]?.test(line))
    .map((line) => `${file}: ${line.trim()}`);
}

describe('the watcher’s one clock', () => {
  it('is the only way src/watcher reads the time or waits', () => {
    const files = readdirSync(WATCHER, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap(directReads)).toEqual([]);
  });
});
