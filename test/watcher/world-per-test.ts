import { afterEach, beforeEach } from 'vitest';
import { current } from '../harness/current.js';
import {
  type Rig,
  type RigOptions,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
} from '../harness/watcher-rig.js';

/**
 * A fresh world (simulator, fake Slack, clocks) before each test, and what the test started on it
 * stopped after it: the `rigs` it pushed, and with `clean`, what it wrote under its `prefix`. With
 * `rig`, one rig on the world's own store is started for each test (`rig`).
 */
export function worldPerTest(options: { clean?: (prefix: string) => Promise<void>; rig?: RigOptions } = {}) {
  let world: WatchWorld | undefined;
  let rig: Rig | undefined;
  let prefix = '';
  const rigs: Rig[] = [];
  beforeEach(async () => {
    world = await startWorld();
    prefix = uniquePrefix();
    if (options.rig) rig = await startRig(world, options.rig);
  });
  afterEach(async () => {
    for (const started of rigs.splice(0)) await started.stop();
    await rig?.stop();
    rig = undefined;
    await world?.stop();
    world = undefined;
    await options.clean?.(prefix);
  });
  return {
    world: current(() => world, 'world'),
    rig: current(() => rig, 'rig'),
    rigs,
    /** Starts a rig on this test's world, stopped after the test. */
    startRig: async (again: RigOptions = {}) => {
      const started = await startRig(world!, again);
      rigs.push(started);
      return started;
    },
    /** Stops this test's rig and starts it again with `options` instead. */
    restartRig: async (again: RigOptions) => {
      await rig?.stop();
      rig = await startRig(world!, again);
    },
    /** This test's Redis key prefix. */
    prefix: () => prefix,
  };
}
