import { describe, expect, it } from 'vitest';
import { GiB } from '../../../dev/simulators/huawei-oms/index.js';
import { DST, groupBody, omsError, startKeys, useEndpointsSimulator, window50 } from './endpoints-rig.js';

// Seed 002 §5.4 (migration task groups) against the simulator over loopback: one success and at
// least one documented error each (status and OMS code from §6.2).

const { sim, client, noAccessClient, raw } = useEndpointsSimulator();

describe('5.4 migration task groups', () => {
  it('19. ListTaskGroup: by status; 400 OMS.0001 for status 10, 403 without permissions', async () => {
    sim.addTaskGroup({ status: 6 });
    sim.addTaskGroup({ status: 3 });
    const page = await client().listTaskGroups();
    expect(page.count).toBe(2);
    expect((await client().listTaskGroups({ status: 3 })).taskGroups.map((g) => g.status)).toEqual([3]);
    expect((await raw('GET', '/taskgroups', { query: { status: '10' } })).body.error_code).toBe('OMS.0001');
    await omsError(noAccessClient().listTaskGroups(), 403, 'OMS.0206');
  });

  it('20. CreateTaskGroup: creates one task per prefix and aggregates them; OMS.0080, OMS.1037', async () => {
    const { groupId } = await client().createTaskGroup({ ...groupBody(), description: 'media' });
    expect(await client().showTaskGroup(groupId)).toMatchObject({
      status: 0,
      description: 'media',
      task_type: 'PREFIX',
      total_task_num: null,
      src_node: { cloud_type: 'AWS', object_key: ['photos/', 'logs/'] },
    });
    sim.clock.advance(1_000);
    const creating = await client().showTaskGroup(groupId);
    expect(creating).toMatchObject({ status: 1, total_task_num: 2, waiting_task_num: 2, total_num: 4 });
    expect(creating.total_size).toBe(6_815_744 + 77_164_298);
    const tasks = await client().listTasks({ groupId });
    expect(tasks.tasks.map((t) => t.src_node?.object_key?.[0]).sort()).toEqual(['logs/', 'photos/']);
    sim.clock.advance(500);
    expect((await client().showTaskGroup(groupId)).status).toBe(2);
    sim.clock.advance(1_000);
    const done = await client().showTaskGroup(groupId);
    expect(done).toMatchObject({ status: 6, complete_task_num: 2, success_num: 4 });
    expect(done.complete_size).toBe(done.total_size);

    await omsError(
      client().createTaskGroup({
        ...groupBody(),
        dst_node: { ...groupBody().dst_node, region: 'cn-east-3' },
      }),
      400,
      'OMS.0080',
    );
    await client().createTaskGroup(groupBody());
    await client().createTaskGroup(groupBody());
    await omsError(client().createTaskGroup(groupBody()), 400, 'OMS.1037');
  });

  it('21. ShowTaskGroup: a group; 404 OMS.0095 unknown', async () => {
    const group = sim.addTaskGroup({ status: 3, taskCount: 2, progress: 0.25 });
    const shown = await client().showTaskGroup(group.id);
    expect(shown).toMatchObject({ group_id: group.id, status: 3, paused_task_num: 2 });
    expect((shown.complete_size ?? 0) / (shown.total_size ?? 1)).toBeCloseTo(0.25, 3);
    await omsError(client().showTaskGroup('no-such-group'), 404, 'OMS.0095');
  });

  it('22. DeleteTaskGroup: 8 → 9 → gone with its tasks; OMS.1047 while paused, 403 unknown', async () => {
    const group = sim.addTaskGroup({ status: 6, taskCount: 2 });
    await client().deleteTaskGroup(group.id);
    expect((await client().showTaskGroup(group.id)).status).toBe(8);
    sim.clock.advance(500);
    expect((await client().showTaskGroup(group.id)).status).toBe(9);
    sim.clock.advance(500);
    await omsError(client().showTaskGroup(group.id), 404, 'OMS.0095');
    expect((await client().listTasks()).count).toBe(0);
    const paused = sim.addTaskGroup({ status: 3 });
    await omsError(client().deleteTaskGroup(paused.id), 400, 'OMS.1047');
    const executing = sim.addTaskGroup({ status: 1 });
    await omsError(client().deleteTaskGroup(executing.id), 400, 'OMS.1047');
    await omsError(client().deleteTaskGroup('no-such-group'), 403, 'OMS.0095');
  });

  it('23. StopTaskGroup: 7 while its tasks pause, then 3; OMS.1038 unless executing or monitoring', async () => {
    // §5.4.5 "in the Creating or Executing state": status 1 "executing/creating".
    const group = sim.addTaskGroup({ status: 1, taskCount: 2, totalSize: 100 * GiB });
    await client().stopTaskGroup(group.id);
    expect(await client().showTaskGroup(group.id)).toMatchObject({ status: 7 });
    sim.clock.advance(1_000);
    expect(await client().showTaskGroup(group.id)).toMatchObject({ status: 3, paused_task_num: 2 });
    await omsError(client().stopTaskGroup(group.id), 400, 'OMS.1038');
    await omsError(client().stopTaskGroup('no-such-group'), 403, 'OMS.0095');
    // Every status but 1 and 2 is refused with OMS.1038: S3M.1038 "Only tasks in the Running or
    // Monitoring state can be paused" (READINGS.pauseMonitoringGroup, usual reading).
    const monitoring = sim.addTaskGroup({ status: 2, taskCount: 1 });
    await client().stopTaskGroup(monitoring.id);
    expect(await client().showTaskGroup(monitoring.id)).toMatchObject({ status: 7 });
    for (const status of [0, 3, 4, 5, 6]) {
      const other = sim.addTaskGroup({ status, taskCount: 1 });
      await omsError(client().stopTaskGroup(other.id), 400, 'OMS.1038');
    }
  });

  it('24. StartTaskGroup: resumes a paused group; OMS.1039 otherwise, OMS.1004 without source keys', async () => {
    const group = sim.addTaskGroup({ status: 3, taskCount: 2, totalSize: 100 * GiB });
    await client().startTaskGroup(group.id, startKeys);
    expect(await client().showTaskGroup(group.id)).toMatchObject({ status: 2, waiting_task_num: 2 });
    await omsError(client().startTaskGroup(group.id, startKeys), 400, 'OMS.1039');
    const paused = sim.addTaskGroup({ status: 3 });
    await omsError(client().startTaskGroup(paused.id, { dst_ak: DST.ak, dst_sk: DST.sk }), 400, 'OMS.1004');
  });

  it('25. RetryTaskGroup: failed tasks restart; creation failures start over; OMS.1040 otherwise', async () => {
    const group = sim.addTaskGroup({ status: 5, taskCount: 3, failCode: 'TRF.0015' });
    expect(await client().showTaskGroup(group.id)).toMatchObject({
      status: 5,
      failed_task_num: 1,
      error_reason: { error_code: 'TRF.0015' },
      failed_object_record: { result: true },
    });
    await client().retryTaskGroup(group.id, { ...startKeys, migrate_failed_object: true });
    expect(await client().showTaskGroup(group.id)).toMatchObject({
      status: 2,
      failed_task_num: 0,
      error_reason: null,
    });
    const creation = sim.addTaskGroup({ status: 4, creationFailCode: 'OMS.0306' });
    expect((await client().showTaskGroup(creation.id)).error_reason).toMatchObject({
      error_code: 'OMS.0306',
    });
    await client().retryTaskGroup(creation.id, {});
    expect((await client().showTaskGroup(creation.id)).status).toBe(0);
    const done = sim.addTaskGroup({ status: 6 });
    await omsError(client().retryTaskGroup(done.id, {}), 400, 'OMS.1040');
  });

  it('26. UpdateTaskGroup: new windows for the group and its tasks; OMS.1036 once complete', async () => {
    const group = sim.addTaskGroup({ status: 2, taskCount: 2, totalSize: 100 * GiB });
    await client().updateTaskGroupBandwidthPolicy(group.id, window50);
    expect((await client().showTaskGroup(group.id)).bandwidth_policy).toEqual(window50);
    const tasks = await client().listTasks({ groupId: group.id });
    expect(tasks.tasks.map((t) => t.bandwidth_policy)).toEqual([window50, window50]);
    const done = sim.addTaskGroup({ status: 6 });
    await omsError(client().updateTaskGroupBandwidthPolicy(done.id, window50), 400, 'OMS.1036');
  });
});
