import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Rig, startRig, startWorld, TEAM, type WatchWorld } from '../../harness/watcher-rig.js';

// Issue #41 item 3: a subscription's idle cycle reads each list page once. Counted at the OMS
// simulator, so a page read twice anywhere (watcher or client) shows, whatever the report says.
const TASKS = 250;
const PAGE = 100;

let world: WatchWorld;
let rig: Rig;
beforeAll(async () => {
  world = await startWorld();
  rig = await startRig(world, { watcher: { pageSize: PAGE } });
});
afterAll(async () => {
  await rig?.stop();
  await world?.stop();
});

it('an idle cycle of a subscription lists each page once, tasks and sync tasks', async () => {
  for (let i = 0; i < TASKS; i++) world.oms.addTask({ name: `pages-${i}`, status: 2 });
  await rig.subscriptions.subscribe({
    teamId: TEAM,
    channelId: 'C0PAGES41',
    connection: 'hw-prod',
    mode: 'failures',
    by: 'U0ALICE01',
    createdAt: world.now(),
  });
  // The first cycle finds the tasks and makes their watches; the second is idle.
  await rig.watcher.runCycle();
  expect(await rig.watcher.store.watchKeys()).toHaveLength(TASKS);
  world.oms.server.resetRequestCount();
  const idle = await rig.watcher.runCycle();
  // The task list's pages (the last one short, so no closing page), and one page of sync tasks,
  // the other kind a connection subscription follows (empty here: it finds new ones).
  const pages = Math.ceil(TASKS / PAGE) + 1;
  expect(world.oms.server.requestCount).toBe(pages);
  expect(idle?.pages).toBe(pages);
  expect(idle?.providerRequests).toBe(pages);
});
