import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';

/**
 * Issue 75 item 6: the tests mirror the house. A capability's tests live in
 * `test/capabilities/<name>/` beside its rig; what stays at the top of `test/capabilities/` is about
 * every capability at once (the contract's notes, Home's sections, leaving one out).
 */
const TESTS = path.join(import.meta.dirname, '..', 'capabilities');

describe('capability tests', () => {
  it('sit in the folder of the capability they are named after', () => {
    const names = CAPABILITIES.map((c) => c.name).sort((a, b) => b.length - a.length);
    const loose = readdirSync(TESTS, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => e.name)
      .filter((f) => names.some((n) => f.startsWith(`${n}-`) || f === `${n}.test.ts`));
    expect(loose, 'move them to test/capabilities/<name>/ (CONTRIBUTING.md)').toEqual([]);
  });

  it('are in no folder named after a capability that is not listed', () => {
    const names = new Set([...CAPABILITIES.map((c) => c.name), 'collect']);
    const folders = readdirSync(TESTS, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !names.has(f))).toEqual([]);
  });
});
