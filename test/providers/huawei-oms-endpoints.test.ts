import { describe, expect, it } from 'vitest';
import { GiB, OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import type { Connection } from '../../src/connections/connection.js';
import { ProviderError } from '../../src/errors.js';
import { OmsClient } from '../../src/providers/huawei-oms/client.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { OMS_SECOND_TIMINGS, omsPasswordToken, omsSimConnection, useSimulator } from './simulator-rig.js';

// Every one of the 33 operations of seed 002 §5 against the simulator over loopback: one success and at
// least one documented error each (status and OMS code from §6.2).

const PROJECT = '0215ef11e49d4743be23dd97a156cccc';
const AK = 'HWSIMACCESSKEY000010';
const SK = 'hw-sim-secret-key-0000000000000000000010';
const READONLY_AK = 'HWSIMREADONLYKEY0001';
const NOACCESS_AK = 'HWSIMNOACCESSKEY0001';
const SRC = { ak: 'SRCSTORAGEAK0001', sk: 'src-storage-secret-0001' };
const DST = { ak: 'DSTSTORAGEAK0001', sk: 'dst-storage-secret-0001' };

const sim = new OmsSimulator({
  projectId: PROJECT,
  keys: { [AK]: SK, [READONLY_AK]: 'readonly-secret', [NOACCESS_AK]: 'noaccess-secret' },
  users: [{ name: 'ops', password: 'ops-password-123', domain: 'acme' }],
  permissions: { [READONLY_AK]: 'readonly', [NOACCESS_AK]: 'none' },
  storageKeys: { [SRC.ak]: SRC.sk },
  limits: { taskGroupsPerDay: 3, syncTasks: 2, tasksPerDay: 4 },
  timings: OMS_SECOND_TIMINGS,
});
const pools = useSimulator(sim, {
  freeze: 'once',
  reset: () => sim.reset(),
});
const { logger } = captureLogger('fatal');

function connection(accessKey = AK, secretKey = SK, projectId = PROJECT): Connection {
  return omsSimConnection(sim, projectId, { type: 'aksk', accessKey, secretKey });
}

/** Signed with the simulator's clock, so tests may move it by hours. */
const client = () => new OmsClient(connection(), { pools, logger }, () => new Date(sim.clock.now()));
const readonlyClient = () =>
  new OmsClient(
    connection(READONLY_AK, 'readonly-secret'),
    { pools, logger },
    () => new Date(sim.clock.now()),
  );
const noAccessClient = () =>
  new OmsClient(
    connection(NOACCESS_AK, 'noaccess-secret'),
    { pools, logger },
    () => new Date(sim.clock.now()),
  );

async function omsError(promise: Promise<unknown>, httpStatus: number, code: string): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect(error).toMatchObject({ httpStatus, errorCode: code });
  return error as ProviderError;
}

let token: string | undefined;

/** A request the client would refuse to send: straight to the simulator with an IAM token. */
async function raw(
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: { error_code?: string; error_msg?: string } & Record<string, unknown> }> {
  token ||= await omsPasswordToken(sim.url, PROJECT);
  const url = new URL(path.startsWith('/v2') || path === '/' ? path : `/v2/${PROJECT}${path}`, sim.url);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** The source and destination of every task and group created here: AWS into OBS, with keys. */
const nodes = (object_key: string[]) => ({
  src_node: {
    cloud_type: 'AWS' as const,
    region: 'us-east-1',
    bucket: 'src-bucket',
    ak: SRC.ak,
    sk: SRC.sk,
    object_key,
  },
  dst_node: { region: 'cn-north-4', bucket: 'dst-bucket', ak: DST.ak, sk: DST.sk },
});

const taskBody = (overrides: Record<string, unknown> = {}) => ({
  task_type: 'prefix' as const,
  ...nodes(['photos/']),
  ...overrides,
});

const groupBody = () => ({ task_type: 'PREFIX' as const, enable_kms: false, ...nodes(['photos/', 'logs/']) });

const syncBody = () => ({
  src_cloud_type: 'Aliyun' as const,
  src_region: 'cn-beijing',
  src_bucket: 'api-auto-test1',
  src_ak: SRC.ak,
  src_sk: SRC.sk,
  dst_ak: DST.ak,
  dst_sk: DST.sk,
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
});

const startKeys = { src_ak: SRC.ak, src_sk: SRC.sk, dst_ak: DST.ak, dst_sk: DST.sk };
const window50 = [{ start: '00:00', end: '12:00', max_bandwidth: 50_000_000 }];

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
    const other = new OmsClient(connection(AK, SK, 'another-project'), { pools, logger });
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

describe('5.5 buckets, 5.6 vendors, 5.7 regions', () => {
  const keys = { ak: SRC.ak, sk: SRC.sk };

  it('27. ShowBucketObjects: one level with folders and sizes, paged; OMS.1016 bad keys, OMS.0182 wrong region', async () => {
    const base = { ...keys, cloud_type: 'AWS' as const, bucket_name: 'src-bucket', data_center: 'us-east-1' };
    const root = await client().listBucketObjects({
      ...base,
      file_path: '',
      page_size: 100,
      behind_filename: '',
    });
    expect(root.records).toEqual([
      { name: 'logs/', size: '--' },
      { name: 'photos/', size: '--' },
      { name: 'readme.txt', size: '1.00 KB' },
    ]);
    const first = await client().listBucketObjects({
      ...base,
      file_path: 'photos/2024/',
      page_size: 1,
      behind_filename: '',
    });
    expect(first).toMatchObject({
      next_page: true,
      next_marker: 'photos/2024/a.jpg',
      records: [{ size: '1.50 MB' }],
    });
    const second = await client().listBucketObjects({
      ...base,
      file_path: 'photos/2024/',
      page_size: 1,
      behind_filename: first.next_marker ?? '',
    });
    expect(second).toMatchObject({
      next_page: false,
      next_marker: null,
      records: [{ name: 'photos/2024/b.jpg' }],
    });
    await omsError(
      client().listBucketObjects({ ...base, sk: 'wrong', file_path: '', page_size: 10, behind_filename: '' }),
      400,
      'OMS.1016',
    );
    await omsError(
      client().listBucketObjects({
        ...base,
        data_center: 'eu-west-1',
        file_path: '',
        page_size: 10,
        behind_filename: '',
      }),
      400,
      'OMS.0182',
    );
  });

  it('28. ShowCdnInfo: checks keys through the CDN; OMS.1032 without an authentication key', async () => {
    const cdn = {
      protocol: 'https' as const,
      domain: 'cdn.src.cloudfront.net',
      authentication_type: 'NONE' as const,
    };
    const info = await client().showBucketCdnInfo({
      ...keys,
      cloud_type: 'AWS',
      region: 'us-east-1',
      bucket: 'src-bucket',
      prefix: { keys: ['readme.txt', 'missing.txt'] },
      source_cdn: cdn,
    });
    expect(info).toMatchObject({
      is_same_cloud_type: true,
      is_download_available: true,
      checked_keys: [
        { key: 'readme.txt', is_object_existing: true, is_etag_matching: true },
        { key: 'missing.txt', is_object_existing: false },
      ],
    });
    await omsError(
      client().showBucketCdnInfo({
        ...keys,
        cloud_type: 'AWS',
        region: 'us-east-1',
        bucket: 'src-bucket',
        source_cdn: { ...cdn, authentication_type: 'ALIYUN_OSS_A' },
      }),
      400,
      'OMS.1032',
    );
  });

  it('29. ShowBucketList: the buckets of a cloud (HEC is Huawei Cloud); OMS.1016 for bad keys', async () => {
    await expect(client().listBuckets({ ...keys, cloud_type: 'AWS' })).resolves.toEqual(['src-bucket']);
    await expect(client().listBuckets({ ...keys, cloud_type: 'HEC' })).resolves.toEqual([
      'dst-bucket',
      'list-file-bucket',
    ]);
    await omsError(client().listBuckets({ ak: SRC.ak, sk: 'nope', cloud_type: 'AWS' }), 400, 'OMS.1016');
    const noKeys = await raw('POST', '/objectstorage/buckets', { body: { cloud_type: 'AWS' } });
    expect(noKeys.body.error_code).toBe('OMS.1004');
  });

  it('30. ShowBucketRegion: region and support; OMS.0155 for an unknown bucket', async () => {
    await expect(
      client().showBucketRegion({ ...keys, cloud_type: 'AWS', bucket_name: 'src-bucket' }),
    ).resolves.toMatchObject({ id: 'us-east-1', name: 'US Standard (N. Virginia)', support: true });
    await omsError(
      client().showBucketRegion({ ...keys, cloud_type: 'AWS', bucket_name: 'nope' }),
      400,
      'OMS.0155',
    );
  });

  it('31. CheckPrefix: true and false; OMS.0153 for an unknown bucket', async () => {
    const base = { ...keys, cloud_type: 'AWS' as const, bucket_name: 'src-bucket', data_center: 'us-east-1' };
    await expect(client().checkPrefix({ ...base, file_name: 'photos/2025/' })).resolves.toBe(true);
    await expect(client().checkPrefix({ ...base, file_name: 'videos/' })).resolves.toBe(false);
    await omsError(client().checkPrefix({ ...base, bucket_name: 'nope', file_name: 'x' }), 400, 'OMS.0153');
  });

  it('32. ShowCloudType: source and destination vendors; 400 for another type', async () => {
    await expect(client().listCloudVendors('src')).resolves.toContain('Google');
    await expect(client().listCloudVendors('dst')).resolves.toEqual(['HuaweiCloud']);
    expect((await raw('GET', '/objectstorage/cloud-type', { query: { type: 'both' } })).body.error_code).toBe(
      'OMS.0001',
    );
    expect((await raw('GET', '/objectstorage/cloud-type')).body.error_code).toBe('OMS.1004');
  });

  it('33. ShowRegionInfo: regions per vendor, the documented AWS list first; 403 without permissions', async () => {
    const regions = await client().listRegions();
    expect(regions[0]?.service_name).toBe('AWS');
    expect(regions[0]?.region_list).toHaveLength(15);
    await omsError(noAccessClient().listRegions(), 403, 'OMS.0206');
  });
});

describe('gateway behaviour across operations', () => {
  it('answers 404 APIGW.0101 for an unknown path and 405 OMS.0005 for a wrong method', async () => {
    expect((await raw('GET', '/nothing-here')).body.error_code).toBe('APIGW.0101');
    const wrong = await raw('PATCH', '/tasks');
    expect(wrong).toMatchObject({ status: 405, body: { error_code: 'OMS.0005' } });
  });

  it('lets read-only users read, and query buckets, but not change anything', async () => {
    sim.addTaskGroup({ status: 2 });
    await expect(readonlyClient().listTaskGroups()).resolves.toMatchObject({ count: 1 });
    await expect(
      readonlyClient().listBuckets({ ak: SRC.ak, sk: SRC.sk, cloud_type: 'AWS' }),
    ).resolves.toEqual(['src-bucket']);
    await omsError(readonlyClient().createSyncTask(syncBody()), 403, 'OMS.0205');
  });

  it('keeps fault injection: a 503 on a group read is retried', async () => {
    const group = sim.addTaskGroup({ status: 6 });
    sim.faults.script({ status: 503 });
    await expect(client().showTaskGroup(group.id)).resolves.toMatchObject({ status: 6 });
  });

  it('seeds groups and synchronization tasks through the control routes', async () => {
    const groupRes = await fetch(`${sim.url}/__sim/task-groups`, {
      method: 'POST',
      body: JSON.stringify({ status: 2, taskCount: 3, description: 'seeded' }),
    });
    expect(groupRes.status).toBe(201);
    const group = (await groupRes.json()) as { group_id: string; total_task_num: number };
    expect(group.total_task_num).toBe(3);
    const syncRes = await fetch(`${sim.url}/__sim/sync-tasks`, {
      method: 'POST',
      body: JSON.stringify({ status: 'STOPPED', description: 'seeded' }),
    });
    const { sync_task_id } = (await syncRes.json()) as { sync_task_id: string };
    await expect(client().showSyncTask(sync_task_id)).resolves.toMatchObject({ status: 'STOPPED' });
    const bad = await fetch(`${sim.url}/__sim/task-groups`, {
      method: 'POST',
      body: JSON.stringify({ status: 12 }),
    });
    expect(bad.status).toBe(400);
  });
});
