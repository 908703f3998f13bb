import { describe, expect, it } from 'vitest';
import { collectCapabilities } from '../../src/capabilities/collect/index.js';
import type { Capability, CapabilityCore, CapabilityParts } from '../../src/contract/capability.js';

/**
 * The collectors (`src/capabilities/collect/`) ask each capability's parts in the registry's order:
 * a list is checked before anything starts, the watcher is handed every `watch` part once, and a
 * job's name carries its capability's.
 */
const toy = (name: string, parts: CapabilityParts = {}, needs?: string[]): Capability => ({
  name,
  ...(needs ? { needs } : {}),
  start: () => parts,
});

/** Just enough of a core for `start`: a watcher that records what it is handed. */
function coreWithWatcher() {
  const watcher = {
    atEnding: [] as unknown[],
    atEvents: [] as unknown[],
    listing: [] as unknown[],
    counting: [] as unknown[],
    recording: [] as unknown[],
  };
  const core = {
    watcher: { ...watcher, beforeRecording: (hook: unknown) => watcher.recording.push(hook) },
  } as unknown as CapabilityCore;
  return { core, watcher: core.watcher as unknown as typeof watcher };
}

describe('the collected capabilities', () => {
  it('refuse a name listed twice, and a capability listed before one it needs', () => {
    expect(() => collectCapabilities([toy('a'), toy('a')])).toThrow('capability a listed twice');
    expect(() => collectCapabilities([toy('b', {}, ['a']), toy('a')])).toThrow(
      'capability b needs a, listed before it',
    );
    expect(() => collectCapabilities([toy('a'), toy('b', {}, ['a'])])).not.toThrow();
  });

  it('hand the watcher each watch part once, in the list’s order, however often start is asked', () => {
    const ending = (name: string) => Object.assign(() => ({ record: {}, entries: [] }), { label: name });
    const list = [
      toy('first', { watch: { ending: ending('first') as never, counting: async () => ({}) } }),
      toy('none'),
      toy('second', { watch: { ending: ending('second') as never, recording: async () => {} } }),
    ];
    const { core, watcher } = coreWithWatcher();
    const collected = collectCapabilities(list);
    collected.start(core);
    collected.start(core);
    expect(watcher.atEnding.map((h) => (h as { label: string }).label)).toEqual(['first', 'second']);
    expect(watcher.counting).toHaveLength(1);
    expect(watcher.recording).toHaveLength(1);
    expect(collected.names()).toEqual(['first', 'none', 'second']);
  });

  it('prefix each job with its capability, and find a state by name once started', () => {
    const run = async () => undefined;
    const collected = collectCapabilities([
      toy('windows', {
        state: { n: 1 },
        jobs: [{ name: 'edges', cadence: 'before-cycle', replicas: 'each', run }],
      }),
    ]);
    expect(() => collected.stateOf('windows')).toThrow('capability windows is not started');
    collected.start(coreWithWatcher().core);
    expect(collected.jobs().map((j) => j.name)).toEqual(['windows:edges']);
    expect(collected.stateOf('windows')).toEqual({ n: 1 });
  });
});
