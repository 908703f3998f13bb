import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';
import type { ListingHook } from '../../../src/watcher/whole-lists.js';
import { type Rig, startRig, startWorld, TEAM, type WatchWorld } from '../../harness/watcher-rig.js';

// The cycle's list pages as a hook any capability plugs in (`Watcher.listing`): a connection
// nothing watches is polled for it, and every item of the kinds it asked for comes to it, read on
// the pages the cycle reads, with no request of its own.
let world: WatchWorld;
let rig: Rig;
beforeAll(async () => {
  world = await startWorld();
  rig = await startRig(world, { watcher: { pageSize: 100 } });
});
afterAll(async () => {
  await rig?.stop();
  await world?.stop();
});

it("hands a capability's hook every item of the kinds it asked for, on the cycle's pages", async () => {
  const names = Array.from({ length: 120 }, (_, i) => `whole-${i}`);
  for (const name of names) world.oms.addTask({ name, status: 2 });
  const seen: MigrationResource[] = [];
  const asked: string[] = [];
  const hook: ListingHook = {
    interests: async () => [
      { teamId: TEAM, connection: 'hw-prod', kinds: (offered) => offered.filter((k) => k === 'task') },
    ],
    listed: async (interests, listed, records) => {
      asked.push(...interests.map((i) => i.connection));
      expect(records).toEqual([]);
      seen.push(...listed);
      return [];
    },
  };
  rig.watcher.listing.push(hook);
  world.oms.server.resetRequestCount();
  const report = await rig.watcher.runCycle();
  expect(asked).toEqual(['hw-prod']);
  expect(seen.map((r) => r.name).sort()).toEqual([...names].sort());
  // Two pages of tasks, nothing else: the hook costs no request of its own.
  expect(world.oms.server.requestCount).toBe(2);
  expect(report?.providerRequests).toBe(2);
  expect(await rig.watcher.store.watchKeys()).toEqual([]);
});
