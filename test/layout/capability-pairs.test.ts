import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { capabilityFolders, capabilityPairs } from './capability-imports.js';
import { CAPABILITY_NEEDS } from './capability-needs.js';

/**
 * Issue 75 item 3: a capability folder can be understood and removed alone. Folders import each
 * other only through a declared dependency (`needs`), at most 6 pairs, none both ways; what
 * several read of one another lives in `capabilities/shared/`, and a hook one needs of another is
 * that one's own extension point. Before: 20 pairs (approvals ↔ delta-runs both ways).
 */
const MAX_PAIRS = 6;

/**
 * Needs met through a core seam rather than an import: plans hand their opened waves to the
 * approvals' scheduled start (`core.approvals`), so leaving approvals out drops plans too.
 */
const SEAM_NEEDS = new Set(['plans -> approvals']);

describe('capability folders that stand alone', () => {
  const pairs = capabilityPairs();
  const shown = () => Object.fromEntries(pairs);

  it('are one folder per capability of the one list', () => {
    expect(capabilityFolders()).toEqual(CAPABILITIES.map((c) => c.name).sort());
  });

  it(`import each other in at most ${MAX_PAIRS} pairs`, () => {
    expect(pairs.size, JSON.stringify(shown(), null, 2)).toBeLessThanOrEqual(MAX_PAIRS);
  });

  it('never import each other both ways', () => {
    const both = [...pairs.keys()].filter((k) => pairs.has(k.split(' -> ').reverse().join(' -> ')));
    expect(both).toEqual([]);
  });

  it('import another only where they declare they need it', () => {
    const undeclared = [...pairs.keys()].filter((k) => {
      const [from = '', to = ''] = k.split(' -> ');
      return !(CAPABILITY_NEEDS[from] ?? []).includes(to);
    });
    expect(undeclared, JSON.stringify(shown(), null, 2)).toEqual([]);
  });

  it('declare no need they no longer import (the table may only get shorter)', () => {
    const declared = Object.entries(CAPABILITY_NEEDS).flatMap(([from, needs]) =>
      needs.map((to) => `${from} -> ${to}`),
    );
    expect(declared.filter((k) => !pairs.has(k) && !SEAM_NEEDS.has(k))).toEqual([]);
    // A seam need that became an import again is counted as a pair, not excused.
    expect([...SEAM_NEEDS].filter((k) => pairs.has(k) || !declared.includes(k))).toEqual([]);
  });

  it('share through leaves that import no capability folder (no pair hidden behind them)', () => {
    expect(Object.fromEntries(capabilityPairs(['shared']))).toEqual({});
  });

  it('need only capabilities of the list, with no circle', () => {
    const names = new Set(CAPABILITIES.map((c) => c.name));
    const unknown = Object.entries(CAPABILITY_NEEDS).flatMap(([from, needs]) =>
      [from, ...needs].filter((n) => !names.has(n)),
    );
    expect(unknown).toEqual([]);
    // Walked breadth-first from each name: at most every capability once.
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const queue = [...(CAPABILITY_NEEDS[from] ?? [])];
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        if (n === to) return true;
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(...(CAPABILITY_NEEDS[n] ?? []));
      }
      return false;
    };
    expect([...names].filter((n) => reaches(n, n))).toEqual([]);
  });
});
