import { describe, expect, it } from 'vitest';
import { SKIP } from '../../../src/store/atomic-kv.js';
import { cleanRedis, REDIS_URL, startRig, watchedKey, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

/**
 * A cycle whose observations change nothing writes nothing: the watcher compares the record it
 * loaded (decoded from the store's compact form) with the one the observation gives. A decoding
 * that added or changed anything (a default filled in, a Date as a string) would rewrite every
 * watch on every cycle.
 */

const { world, rigs, prefix } = worldPerTest({ clean: cleanRedis });

describe.each([
  ['memory', () => 'memory://'],
  ['Redis', () => REDIS_URL],
])('a quiet cycle (%s)', (_name, url) => {
  it('writes no watch record, and the stored records are compact', async () => {
    const rig = await startRig(world, { storeUrl: url(), watcher: { keyPrefix: prefix() } });
    rigs.push(rig);
    const ids = [
      world.oms.addTask({ name: 'moving', status: 2 }).id,
      world.oms.addTask({ name: 'waiting', status: 0 }).id,
      world.oms.addTask({ name: 'paused', status: 3 }).id,
    ];
    const keys = ids.map((id) => watchedKey(id));
    for (const id of ids) await watchTask(rig, id);
    // Settle: cards posted, first observations stored.
    for (let i = 0; i < 3; i++) await rig.watcher.runCycle();
    const before = await Promise.all(keys.map((k) => rig.watcher.store.backend.get(k)));
    for (const raw of before) expect(raw?.startsWith('{"v":2,')).toBe(true);

    const backend = rig.watcher.store.backend;
    const update = backend.update.bind(backend);
    const written: string[] = [];
    backend.update = (key, fn) =>
      update(key, (current) => {
        const next = fn(current);
        if (next !== SKIP && key.startsWith('w:')) written.push(key);
        return next;
      });
    await rig.watcher.runCycle();
    await rig.watcher.runCycle();
    expect(written).toEqual([]);
    expect(await Promise.all(keys.map((k) => backend.get(k)))).toEqual(before);
  });
});
