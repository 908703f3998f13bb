import { describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../src/domain/migration-resource.js';
import { GiB, MiB, notifications, watchTask } from '../../harness/watcher-rig.js';
import { worldPerTest } from '../world-per-test.js';

const { world, rig } = worldPerTest({ rig: {} });

const watch = (kind: ResourceKind, id: string) => watchTask(rig, id, { kind });

/** Provider calls of one operation the watcher made, from its debug log. */
const callsOf = (operation: string) =>
  rig.logs.filter((l) => l.includes('"provider call"') && l.includes(`"operation":"${operation}"`)).length;

/** Every attempt of one sync-task listing (the first try and three retries) answers 500. */
const failSyncListing = () =>
  world.oms.faults.script(
    ...Array.from({ length: 4 }, () => ({ method: 'GET', path: '/sync-tasks', status: 500 })),
  );

async function watchTaskAndSyncTask() {
  const task = world.oms.addTask({ name: 'keeps-moving', status: 1, totalSize: 2 * GiB, speed: 100 * MiB });
  const sync = world.oms.addSyncTask({ status: 'SYNCHRONIZING', src_bucket: 'sync-src' });
  await watch('task', task.id);
  await watch('sync-task', sync.id);
  return task;
}

const taskEvents = () =>
  notifications(world.fakeSlack)
    .filter((n) => String(n.body.text).includes('keeps-moving'))
    .map((n) => n.event);

describe('the watcher polls each kind on its own', () => {
  it('keeps polling tasks while the sync-task listing fails', async () => {
    await watchTaskAndSyncTask();
    let failedConnections = 0;
    for (let step = 0; step < 6; step++) {
      failSyncListing();
      world.clock.advance(10_000);
      const report = await rig.watcher.runCycle();
      failedConnections += report?.failedConnections ?? 0;
    }
    // 2 GiB at 100 MiB/s: done within the minute, seen although every sync listing failed.
    expect(taskEvents()).toEqual(expect.arrayContaining(['started', 'succeeded']));
    expect(failedConnections).toBe(0);
    expect(rig.logs.some((l) => l.includes('watched kind could not be polled this cycle'))).toBe(true);
  });

  it('stops polling a kind the region does not offer, and keeps polling the others', async () => {
    await watchTaskAndSyncTask();
    const shownBefore = callsOf('ShowSyncTask'); // watching reads the task once
    // The gateway's answer for an API this region does not have (404 APIGW.0101).
    world.oms.faults.script({ method: 'GET', path: '/sync-tasks', status: 404 });
    for (let step = 0; step < 6; step++) {
      world.clock.advance(10_000);
      await rig.watcher.runCycle();
    }
    expect(callsOf('ListSyncTasks')).toBe(1);
    expect(callsOf('ShowSyncTask')).toBe(shownBefore);
    expect(callsOf('ListTasks')).toBeGreaterThanOrEqual(6);
    expect(taskEvents()).toEqual(expect.arrayContaining(['started', 'succeeded']));
  });
});
