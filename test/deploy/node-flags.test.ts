import { describe, expect, it } from 'vitest';
import { productionEnv, productionNodeFlags } from '../../bench/poll/poll-scale.js';

describe('the deployed Node flags', () => {
  it('are read from the Dockerfile, so the poll benchmark measures the watcher as deployed', () => {
    const flags = productionNodeFlags();
    expect(flags.some((f) => /^--max-old-space-size=\d+$/.test(f))).toBe(true);
    expect(productionNodeFlags('FROM node\nENV NODE_OPTIONS="--a=1  --b"\n')).toEqual(['--a=1', '--b']);
  });

  it('stop the benchmark when the Dockerfile no longer sets them', () => {
    expect(() => productionNodeFlags('FROM node\nCMD ["node"]\n')).toThrow(/NODE_OPTIONS/);
  });

  it('give the measured processes the malloc arenas the Dockerfile sets', () => {
    expect(productionEnv(undefined, {})).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(productionEnv('FROM node\nENV MALLOC_ARENA_MAX=4\n', {})).toEqual({ MALLOC_ARENA_MAX: '4' });
    expect(productionEnv('FROM node\n', {})).toEqual({});
    // An experiment's own setting wins.
    expect(productionEnv(undefined, { MALLOC_ARENA_MAX: '8' })).toEqual({ MALLOC_ARENA_MAX: '8' });
  });
});
