import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { botOverOwnOms } from '../../harness/bots/bot-over-own-oms.js';
import { HW_AK, HW_SK, messageText, PROJECT_ID } from '../../harness/test-bot.js';
import {
  CHANNEL,
  GiB,
  MiB,
  notifications,
  type Rig,
  startRig,
  startWorld,
  TEAM,
  type WatchWorld,
} from '../../harness/watcher-rig.js';

const ALL_SHAPES = { nulls: true, extraFields: true, unknownEnums: true };

// Issue #11: "Add a 'shapes' mode to the simulators: responses with null optional fields, extra
// unknown fields, unknown enum values; the watcher and /migrate list keep working under it."
describe('shapes mode in the simulators', () => {
  it('changes what every simulator answers, and is switched at run time', async () => {
    const service = '0c1f6a0e-0000-4000-8000-000000000001';
    const upcloud = new UpCloudSimulator({ serviceIds: [service], tokens: ['tok'], shapes: ALL_SHAPES });
    const sims = [
      new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK }, shapes: ALL_SHAPES }),
      new NcpSimulator({ keys: { ak: 'sk' }, shapes: ALL_SHAPES }),
      upcloud,
    ];
    for (const sim of sims) await sim.start();
    try {
      upcloud.addJob({ name: 'first', status: 'running' });
      upcloud.addJob({ name: 'second', status: 'running' });
      const res = await fetch(`${upcloud.url}/1.3/object-storage-2/${service}/jobs`, {
        headers: { authorization: 'Bearer tok' },
      });
      const jobs = (await res.json()) as Record<string, unknown>[];
      // Every optional field null, every object with undocumented fields, every other item's
      // status outside the documented enumeration.
      expect(jobs.map((j) => j.name).sort()).toEqual(['first', 'second']);
      expect(jobs.every((j) => j.total_bytes === null && j.x_sim_undocumented !== undefined)).toBe(true);
      expect(jobs.map((j) => j.status).sort()).toEqual(['UNDOCUMENTED_VALUE', 'running']);
      for (const sim of sims) {
        const res = await fetch(`${sim.url}/__sim/shapes`, {
          method: 'POST',
          body: JSON.stringify({ nulls: false }),
        });
        expect(await res.json()).toEqual({
          shapes: { nulls: false, extraFields: true, unknownEnums: true, otherReadings: false },
        });
      }
      expect(
        (await fetch(`${sims[0]!.url}/__sim/shapes`, { method: 'POST', body: '{"nulls":"yes"}' })).status,
      ).toBe(400);
    } finally {
      for (const sim of sims) await sim.stop();
    }
  });

  describe('/migrate list and status through signed requests', () => {
    const { oms, t } = botOverOwnOms('hw-x', { shapes: ALL_SHAPES });

    it('lists every task, an undocumented status shown as unknown with its raw value', async () => {
      const a = oms.addTask({ id: '300100000000001', name: 'shaped-first', status: 2 });
      const b = oms.addTask({ id: '300100000000002', name: 'shaped-second', status: 2 });
      const list = messageText(await t.ask('list hw-x'));
      expect(list).toContain('shaped-first');
      expect(list).toContain('shaped-second');
      expect(list).toContain('Unknown (97)');
      expect(list).not.toMatch(/unexpected response shape|could not be read|No migrations/i);
      const card = messageText(await t.ask(`status ${a.id}`));
      expect(card).toContain('shaped-first');
      expect(messageText(await t.ask(`status ${b.id}`))).toContain('shaped-second');
    });
  });

  describe('the watcher', () => {
    let world: WatchWorld;
    let rig: Rig;
    beforeEach(async () => {
      world = await startWorld();
      rig = await startRig(world);
    });
    afterEach(async () => {
      await rig.stop();
      await world.stop();
    });

    it('keeps following a task and reports its failure with nulls and undocumented fields around it', async () => {
      world.oms.setShapes({ nulls: true, extraFields: true });
      const task = world.oms.addTask({
        name: 'shaped-watch',
        status: 1,
        totalSize: 10 * GiB,
        speed: 100 * MiB,
        failAt: 0.4,
        failCode: 'TRF.0003',
        failMessage: 'Waiting for task execution timed out.',
      });
      await rig.watcher.watch({
        teamId: TEAM,
        channelId: CHANNEL,
        connection: 'hw-prod',
        kind: 'task',
        id: task.id,
        by: 'U0ALICE01',
      });
      world.clock.advance(2_000);
      await rig.watcher.runCycle();
      world.clock.advance(60_000);
      await rig.watcher.runCycle();
      await rig.watcher.runCycle();
      const events = notifications(world.fakeSlack).map((n) => n.event);
      expect(events).toContain('started');
      expect(events).toContain('failed');
    });
  });
});
