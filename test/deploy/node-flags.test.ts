import { describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../../bench/poll-scale.js';

describe('the deployed Node flags', () => {
  it('are read from the Dockerfile, so the poll benchmark measures the watcher as deployed', () => {
    const flags = productionNodeFlags();
    expect(flags.some((f) => /^--max-old-space-size=\d+$/.test(f))).toBe(true);
    expect(productionNodeFlags('FROM node\nENV NODE_OPTIONS="--a=1  --b"\n')).toEqual(['--a=1', '--b']);
  });

  it('stop the benchmark when the Dockerfile no longer sets them', () => {
    expect(() => productionNodeFlags('FROM node\nCMD ["node"]\n')).toThrow(/NODE_OPTIONS/);
  });
});
