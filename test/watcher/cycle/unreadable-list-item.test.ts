import { expect, it } from 'vitest';
import { CHANNEL, GiB, MiB, TEAM } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

// Issue #11, defect 1: a list page now carries a stand-in for an item it could not read. The watcher
// must not take that stand-in (state unknown, no counters) for an observation of the watched task: it
// reads the task on its own instead (which here fails like any unreadable answer), and the watch keeps
// the last state it really saw.

const { world, rig } = worldPerTest({ rig: {} });

it('an unreadable list item is no observation: the watch keeps the last state it really saw', async () => {
  const task = world.oms.addTask({ name: 'steady', status: 2, totalSize: 2 * GiB, speed: 20 * MiB });
  await rig.watcher.watch({
    teamId: TEAM,
    channelId: CHANNEL,
    connection: 'hw-prod',
    kind: 'task',
    id: task.id,
    by: 'U0ALICE01',
  });
  await rig.watcher.runCycle();
  // The simulator now answers the task with a name of the wrong type: the list carries an unreadable
  // stand-in with the task's id (and ShowTask cannot read it either).
  (task as { name: unknown }).name = 7;
  world.clock.advance(5_000);
  await rig.watcher.runCycle();
  const [record] = await rig.watcher.list(TEAM, CHANNEL);
  expect(record?.snapshot).toMatchObject({ id: task.id, state: 'running', name: 'steady' });
  expect(record?.snapshot.unreadable).toBeUndefined();
});
