import { describe, expect, it } from 'vitest';
import { omsError, startKeys, syncBody, useEndpointsSimulator } from './endpoints-rig.js';

// Seed 002 §5.3 (synchronization tasks) against the simulator over loopback: one success and at
// least one documented error each (status and OMS code from §6.2).

const { sim, client, raw } = useEndpointsSimulator();

describe('5.3 synchronization tasks', () => {
  it('11. CreateSyncEvents: counted then synchronized; 404 OMS.2002 unknown, OMS.1012 stopped', async () => {
    const task = sim.addSyncTask({ failKeys: ['bad.txt'] });
    await client().createSyncEvents(task.id, ['test%2F001.txt', 'bad.txt', 'test%2F001.txt']);
    const at = sim.clock.now();
    expect((await client().showSyncTask(task.id, at)).monthly_acceptance_request).toBe(3);
    sim.clock.advance(1_000);
    expect(await client().showSyncTask(task.id, at)).toMatchObject({
      monthly_success_object: 1,
      monthly_failure_object: 1,
      monthly_skip_object: 1,
      monthly_size: 10,
    });
    await omsError(client().createSyncEvents('no-such-task', ['a']), 404, 'OMS.2002');
    const stopped = sim.addSyncTask({ status: 'STOPPED' });
    await omsError(client().createSyncEvents(stopped.id, ['a']), 400, 'OMS.1012');
    const tooMany = await raw('POST', `/sync-tasks/${task.id}/events`, {
      body: { object_keys: Array.from({ length: 101 }, (_, i) => `k${i}`) },
    });
    expect(tooMany.body.error_code).toBe('OMS.0001');
  });

  it('12. ListSyncTasks: by status; 400 OMS.0001 for an unknown status or an offset over 10000', async () => {
    sim.addSyncTask({ description: 'one' });
    sim.addSyncTask({ description: 'two', status: 'STOPPED' });
    expect((await client().listSyncTasks()).count).toBe(2);
    const stopped = await client().listSyncTasks({ status: 'STOPPED' });
    expect(stopped.tasks.map((t) => t.description)).toEqual(['two']);
    expect((await raw('GET', '/sync-tasks', { query: { status: 'RUNNING' } })).body.error_code).toBe(
      'OMS.0001',
    );
    expect((await raw('GET', '/sync-tasks', { query: { offset: '10001' } })).body.error_code).toBe(
      'OMS.0001',
    );
  });

  it('13. CreateSyncTask: synchronizing at once; OMS.0077 past the quota, OMS.0080 elsewhere', async () => {
    const { syncTaskId } = await client().createSyncTask({ ...syncBody(), description: 'mirror' });
    expect(await client().showSyncTask(syncTaskId)).toMatchObject({
      status: 'SYNCHRONIZING',
      description: 'mirror',
      src_cloud_type: 'Aliyun',
    });
    await omsError(client().createSyncTask({ ...syncBody(), dst_region: 'cn-east-3' }), 400, 'OMS.0080');
    await client().createSyncTask(syncBody());
    await omsError(client().createSyncTask(syncBody()), 400, 'OMS.0077');
  });

  it('14. ShowSyncTask: monthly counters of query_time; 404 unknown, 400 without query_time', async () => {
    const task = sim.addSyncTask();
    await expect(client().showSyncTask(task.id)).resolves.toMatchObject({
      sync_task_id: task.id,
      monthly_size: 0,
    });
    await omsError(client().showSyncTask('f0000000-0000-0000-0000-000000000000'), 404, 'OMS.0095');
    expect((await raw('GET', `/sync-tasks/${task.id}`)).body.error_code).toBe('OMS.1004');
  });

  it('15. ShowSyncTaskStatistic: 5-minute points, hours past a day; 404 unknown, 400 bad data_type', async () => {
    const task = sim.addSyncTask();
    const start = sim.clock.now();
    await client().createSyncEvents(task.id, ['a', 'b']);
    sim.clock.advance(10 * 60 * 1000);
    await client().createSyncEvents(task.id, ['c']);
    sim.clock.advance(1_000);
    const stats = await client().showSyncTaskStatistics(task.id, {
      dataTypes: ['REQUEST', 'SUCCESS'],
      startTime: start,
      endTime: sim.clock.now(),
    });
    expect(stats.statistic_time_type).toBe('FIVE_MINUTES');
    const request = stats.statistic_datas.find((d) => d.data_type === 'REQUEST');
    expect(request?.data.map((d) => d.statistic_num)).toEqual([2, 1]);
    const success = stats.statistic_datas.find((d) => d.data_type === 'SUCCESS');
    expect(success?.data.reduce((s, d) => s + d.statistic_num, 0)).toBe(3);
    const daily = await client().showSyncTaskStatistics(task.id, {
      dataTypes: ['SIZE'],
      startTime: start - 2 * 24 * 3600_000,
      endTime: sim.clock.now(),
    });
    expect(daily.statistic_time_type).toBe('ONE_HOUR');
    await omsError(
      client().showSyncTaskStatistics('unknown-id', { dataTypes: ['SKIP'], startTime: 0, endTime: 1 }),
      404,
      'OMS.0095',
    );
    const bad = await raw('GET', `/sync-tasks/${task.id}/statistics`, {
      query: { data_type: 'REQUEST,BYTES', start_time: '0', end_time: '1' },
    });
    expect(bad.body.error_code).toBe('OMS.0001');
  });

  it('16. DeleteSyncTask: a stopped task, then OMS.1011; OMS.0063 while synchronizing, 403 unknown', async () => {
    const task = sim.addSyncTask({ status: 'STOPPED' });
    await client().deleteSyncTask(task.id);
    await omsError(client().deleteSyncTask(task.id), 400, 'OMS.1011');
    await omsError(client().showSyncTask(task.id), 404, 'OMS.1011');
    expect((await client().listSyncTasks()).count).toBe(0);
    const live = sim.addSyncTask();
    await omsError(client().deleteSyncTask(live.id), 400, 'OMS.0063');
    await omsError(client().deleteSyncTask('unknown-id'), 403, 'OMS.0095');
  });

  it('17. StopSyncTask: synchronizing → stopped; OMS.1012 when stopped, 403 unknown', async () => {
    const task = sim.addSyncTask();
    await client().stopSyncTask(task.id);
    expect((await client().showSyncTask(task.id)).status).toBe('STOPPED');
    await omsError(client().stopSyncTask(task.id), 400, 'OMS.1012');
    await omsError(client().stopSyncTask('unknown-id'), 403, 'OMS.0095');
  });

  it('18. StartSyncTask: stopped → synchronizing, events held meanwhile; OMS.0065 when running, OMS.1004 without keys', async () => {
    const task = sim.addSyncTask();
    await client().createSyncEvents(task.id, ['x']);
    await client().stopSyncTask(task.id);
    sim.clock.advance(5_000);
    expect((await client().showSyncTask(task.id)).monthly_success_object).toBe(0);
    await client().startSyncTask(task.id, startKeys);
    sim.clock.advance(1_000);
    expect(await client().showSyncTask(task.id)).toMatchObject({
      status: 'SYNCHRONIZING',
      monthly_success_object: 1,
    });
    await omsError(client().startSyncTask(task.id, startKeys), 400, 'OMS.0065');
    const missing = await raw('POST', `/sync-tasks/${task.id}/start`, { body: { dst_ak: 'a', dst_sk: 'b' } });
    expect(missing).toMatchObject({ status: 400, body: { error_code: 'OMS.1004' } });
  });
});
