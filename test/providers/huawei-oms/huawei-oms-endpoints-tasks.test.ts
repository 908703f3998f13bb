import { describe, expect, it } from 'vitest';
import { DST, omsError, startKeys, taskBody, useEndpointsSimulator, window50 } from './endpoints-rig.js';

// Seed 002 §5.1 and §5.2 (API versions, migration tasks) against the simulator over loopback: one
// success and at least one documented error each (status and OMS code from §6.2).

const { sim, client, readonlyClient, noAccessClient, projectClient, raw } = useEndpointsSimulator();

describe('5.1 API versions', () => {
  it('1. ListApiVersions: v1 and v2; 403 OMS.0206 without OMS permissions', async () => {
    const versions = await client().listApiVersions();
    expect(versions.map((v) => [v.id, v.status])).toEqual([
      ['v1', 'SUPPORTED'],
      ['v2', 'CURRENT'],
    ]);
    expect(versions[1]?.links?.[0]?.href).toMatch(/\/v2\/$/);
    await omsError(noAccessClient().listApiVersions(), 403, 'OMS.0206');
  });

  it('2. ShowApiInfo: one version; 403 without permissions, 404 for an unknown one', async () => {
    await expect(client().showApiVersion('v2')).resolves.toMatchObject({ id: 'v2', status: 'CURRENT' });
    await omsError(noAccessClient().showApiVersion('v2'), 403, 'OMS.0206');
    await omsError(client().showApiVersion('v9'), 404, 'APIGW.0101');
  });
});

describe('5.2 migration tasks', () => {
  it('3. ListTasks: by status and group; 400 OMS.0001 for a limit over 100', async () => {
    const group = sim.addTaskGroup({ status: 2, taskCount: 2 });
    sim.addTask({ name: 'lone', status: 4, failCode: 'TRF.0015' });
    const all = await client().listTasks({ limit: 100 });
    expect(all.count).toBe(3);
    const inGroup = await client().listTasks({ groupId: group.id });
    expect(inGroup.tasks.map((t) => t.group_id)).toEqual([group.id, group.id]);
    expect((await client().listTasks({ status: 4 })).tasks.map((t) => t.name)).toEqual(['lone']);
    const tooMany = await raw('GET', '/tasks', { query: { limit: '101' } });
    expect(tooMany).toMatchObject({ status: 400, body: { error_code: 'OMS.0001' } });
    const badStatus = await raw('GET', '/tasks', { query: { status: '8' } });
    expect(badStatus.body.error_code).toBe('OMS.0001');
  });

  it('4. ShowTask: a task; 404 for an unknown one; 403 OMS.2001 for another project', async () => {
    const task = sim.addTask({ name: 'shown', status: 3, progress: 0.5 });
    await expect(client().showTask(task.id)).resolves.toMatchObject({
      id: task.id,
      status: 3,
      progress: 0.5,
    });
    await omsError(client().showTask('123456789012345'), 404, 'OMS.0054');
    const other = projectClient('another-project');
    await omsError(other.showTask(task.id), 403, 'OMS.2001');
  });

  it('5. CreateTask: starts by itself, sized from the source bucket; 400 for another region or the quota', async () => {
    const created = await client().createTask(
      taskBody({ description: 'photos', bandwidth_policy: window50, task_priority: 'HIGH' }),
    );
    expect(created.id).toMatch(/^\d{15}$/);
    const task = await client().showTask(created.id);
    expect(task).toMatchObject({
      status: 1,
      description: 'photos',
      total_num: 3,
      total_size: 6_815_744,
      task_priority: 'HIGH',
      bandwidth_policy: window50,
      src_node: { cloud_type: 'AWS', bucket: 'src-bucket', object_key: ['photos/'] },
    });
    // 6.5 MB at 1 GiB/s: scheduled after a second, done a few milliseconds later.
    sim.clock.advance(1_100);
    expect(await client().showTask(created.id)).toMatchObject({
      status: 5,
      complete_size: 6_815_744,
      progress: 1,
    });

    const wrongRegion = taskBody();
    wrongRegion.dst_node.region = 'cn-east-3';
    await omsError(client().createTask(wrongRegion), 400, 'OMS.0080');
    const missing = await raw('POST', '/tasks', {
      body: { src_node: {}, dst_node: { region: 'cn-north-4' } },
    });
    expect(missing).toMatchObject({ status: 400, body: { error_code: 'OMS.1004' } });
    const notJson = await raw('POST', '/tasks', { body: '{"task_type":' });
    expect(notJson.body.error_code).toBe('OMS.0067');
    for (let i = 0; i < 3; i++) await client().createTask(taskBody());
    await omsError(client().createTask(taskBody()), 400, 'OMS.1021');
  });

  it('6. StopTask: pausing then paused; OMS.0070 when complete, 403 OMS.0205 for read-only users', async () => {
    const task = sim.addTask({ name: 'run', status: 2 });
    await client().stopTask(task.id);
    expect((await client().showTask(task.id)).status).toBe(7);
    sim.clock.advance(1_000);
    expect((await client().showTask(task.id)).status).toBe(3);
    const done = sim.addTask({ name: 'done', status: 5 });
    await omsError(client().stopTask(done.id), 400, 'OMS.0070');
    await omsError(client().stopTask(task.id), 400, 'OMS.0066');
    await omsError(readonlyClient().stopTask(task.id), 403, 'OMS.0205');
  });

  it('7. StartTask: a failed task restarts; OMS.0065 when running, OMS.1004 without source keys', async () => {
    const failed = sim.addTask({ name: 'failed', status: 4 });
    await client().startTask(failed.id, { ...startKeys, migrate_failed_object: true });
    expect(await client().showTask(failed.id)).toMatchObject({ status: 1, error_reason: null });
    const running = sim.addTask({ name: 'running', status: 2 });
    await omsError(client().startTask(running.id, startKeys), 400, 'OMS.0065');
    await omsError(client().startTask(failed.id, { dst_ak: DST.ak, dst_sk: DST.sk }), 400, 'OMS.1004');
  });

  it('8. DeleteTask: a paused task; OMS.0063 while running, 403 for read-only users', async () => {
    const paused = sim.addTask({ name: 'paused', status: 3 });
    await omsError(readonlyClient().deleteTask(paused.id), 403, 'OMS.0205');
    await client().deleteTask(paused.id);
    await omsError(client().showTask(paused.id), 404, 'OMS.0054');
    const running = sim.addTask({ name: 'running', status: 2 });
    await omsError(client().deleteTask(running.id), 400, 'OMS.0063');
  });

  it('9. UpdateBandwidthPolicy: replaces the windows; OMS.0086 when complete, OMS.008x for bad rules', async () => {
    const task = sim.addTask({ name: 'limited', status: 2 });
    await client().updateTaskBandwidthPolicy(task.id, window50);
    expect((await client().showTask(task.id)).bandwidth_policy).toEqual(window50);
    await client().updateTaskBandwidthPolicy(task.id, []);
    expect((await client().showTask(task.id)).bandwidth_policy).toEqual([]);
    const done = sim.addTask({ name: 'done', status: 5 });
    await omsError(client().updateTaskBandwidthPolicy(done.id, window50), 400, 'OMS.0086');
    const path = `/tasks/${task.id}/bandwidth-policy`;
    const w = (start: string, end: string, max = 10_485_760) => ({ start, end, max_bandwidth: max });
    const cases: [unknown[], string][] = [
      [
        [
          w('00:00', '01:00'),
          w('02:00', '03:00'),
          w('04:00', '05:00'),
          w('06:00', '07:00'),
          w('08:00', '09:00'),
          w('10:00', '11:00'),
        ],
        'OMS.0083',
      ],
      [[w('00:00', '01:00', 1_048_575)], 'OMS.0084'],
      [[w('00:00', '12:00'), w('11:00', '13:00')], 'OMS.0085'],
      [[w('00:00', '24:00')], 'OMS.0087'],
    ];
    for (const [policy, code] of cases) {
      const res = await raw('PUT', path, { body: { bandwidth_policy: policy } });
      expect(res, code).toMatchObject({ status: 400, body: { error_code: code } });
    }
  });

  it('10. BatchUpdateTasks: by ids and by group; OMS.0170 for priorities of running tasks, OMS.0095 unknown ids', async () => {
    const a = sim.addTask({ name: 'a', status: 3 });
    const b = sim.addTask({ name: 'b', status: 1 });
    await client().batchUpdateTasks({
      ids: [Number(a.id), Number(b.id)],
      bandwidth_policy: window50,
      task_priority: 'LOW',
    });
    expect(await client().showTask(a.id)).toMatchObject({ task_priority: 'LOW', bandwidth_policy: window50 });
    const group = sim.addTaskGroup({ status: 2, taskCount: 2 });
    await client().batchUpdateTasks({ group_id: group.id, bandwidth_policy: window50 });
    const tasks = await client().listTasks({ groupId: group.id });
    expect(tasks.tasks.every((t) => t.bandwidth_policy?.length === 1)).toBe(true);
    await omsError(
      client().batchUpdateTasks({ group_id: group.id, bandwidth_policy: [], task_priority: 'HIGH' }),
      400,
      'OMS.0170',
    );
    await omsError(client().batchUpdateTasks({ ids: [999], bandwidth_policy: [] }), 400, 'OMS.0095');
    const neither = await raw('POST', '/tasks/batch-update', { body: { bandwidth_policy: [] } });
    expect(neither.body.error_code).toBe('OMS.1004');
  });
});
