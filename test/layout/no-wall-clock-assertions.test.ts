import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wallClockAssertions } from './wall-clock-scan.js';

/**
 * No test asserts a measured wall-clock duration (issue 75): "expected 653 to be less than or
 * equal to 645" failed CI on a loaded machine, and a bound loose enough never to fail there tests
 * nothing. A test moves an injected clock (`TestClock`, `t.start({ clock })`) and asserts on its
 * time, or asserts an order (the ack came back while the provider was still held; the survivor
 * took the connection in its first cycle after the lease was gone); speed is a row of `npm run
 * bench`. The rule and its limits are in wall-clock-scan.ts.
 */
const TEST = path.join(import.meta.dirname, '..');
const SCAN = path.join(import.meta.dirname, 'wall-clock-scan.ts');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(full);
    return /\.(ts|mts)$/.test(entry.name) ? [full] : [];
  });
}

const scan = (text: string, file = path.join(import.meta.dirname, 'example.test.ts')) =>
  wallClockAssertions(file, text, () => new Set()).map((a) => a.text);

describe('wall-clock assertions', () => {
  // Parses every file that reads a clock: seconds on a loaded 2-core machine.
  it('no test under test/ compares a measured wall-clock time against a bound', { timeout: 60_000 }, () => {
    const found = files(TEST)
      .filter((f) => f !== SCAN)
      .flatMap((f) =>
        wallClockAssertions(f, readFileSync(f, 'utf8')).map(
          (a) => `${path.relative(TEST, f)}:${a.line}: ${a.text}`,
        ),
      );
    expect(
      found,
      'move an injected clock or assert an order instead (CONTRIBUTING.md, "Running the tests")',
    ).toEqual([]);
  });

  it('finds a difference of readings, a stamp, a duration passed on, and a harness measurement', () => {
    expect(
      scan(`
        const started = Date.now();
        expect(Date.now() - started).toBeLessThan(8_000);
        const tookMs = performance.now() - started;
        expect(tookMs).toBeLessThanOrEqual(645);
        const exit = bot.exited().then((o) => ({ ...o, ms: performance.now() - started }));
        const { ms: exitMs } = await exit;
        expect(exitMs).toBeLessThan(8_000);
        const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
        const closedAfter = await Promise.race([closed, later]);
        expect(closedAfter as number).toBeGreaterThanOrEqual(500);
        expect(Date.now() - started < 100).toBe(true);
      `),
    ).toEqual([
      'expect(Date.now() - started).toBeLessThan(8_000)',
      'expect(tookMs).toBeLessThanOrEqual(645)',
      'expect(exitMs).toBeLessThan(8_000)',
      'expect(closedAfter as number).toBeGreaterThanOrEqual(500)',
      'expect(Date.now() - started < 100).toBe(true)',
    ]);
    // `postSigned` (test/harness/slack-requests.ts) times each request: its `.ms` is measured.
    expect(
      wallClockAssertions(
        path.join(TEST, 'x', 'example.test.ts'),
        [
          "import { postSigned } from '../harness/slack-requests.js';",
          'const ack = await postSigned(url, secret, body);',
          'expect(ack.ms).toBeLessThan(3_000);',
        ].join('\n'),
      ).map((a) => a.text),
    ).toEqual(['expect(ack.ms).toBeLessThan(3_000)']);
  });

  it('leaves an injected or faked clock, a point in time and constants alone', () => {
    expect(
      scan(`
        const started = world.now();
        await rig.watcher.runCycle();
        expect(world.now() - started).toBeLessThan(10_000);
        const since = Date.now() - 60_000;
        expect(record.at).toBeGreaterThan(since);
        expect(saved.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3600);
        expect(REFRESH_TIMEOUT_MS).toBeLessThan(DEFAULT_LOCK_TIMINGS.waitMs);
        const deadline = Date.now() + 20_000;
        const found = await until(check, { timeoutMs: deadline - Date.now() });
        expect(found.length).toBeGreaterThan(0);
      `),
    ).toEqual([]);
    expect(
      scan(`
        vi.useFakeTimers({ toFake: ['Date'] });
        const recoveredAt = Date.now();
        const deliveredAfterS = Math.round((Date.now() - recoveredAt) / 1000);
        expect(deliveredAfterS).toBeLessThanOrEqual(120);
      `),
    ).toEqual([]);
  });
});
