import { describe, expect, it } from 'vitest';
import { GiB, OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import type { Connection } from '../../../src/connections/connection.js';
import { InvalidInputError, ProviderError } from '../../../src/errors.js';
import { createHuaweiOmsProvider, HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { OMS_SECOND_TIMINGS, omsSimConnection, useSimulator } from '../simulator-rig.js';

// HuaweiOmsProvider over the simulator: the three kinds through the common interface, the create-modal
// queries, and the promise that no key ever reaches a log line.

const PROJECT = '0215ef11e49d4743be23dd97a156dddd';
const AK = 'HWSIMACCESSKEY000020';
const SK = 'hw-sim-secret-key-0000000000000000000020';
const SRC_AK = 'SRCSTORAGEKEY0020';
const SRC_SK = 'src-storage-secret-value-0020';
const DST_AK = 'DSTSTORAGEKEY0020';
const DST_SK = 'dst-storage-secret-value-0020';
const SRC_TOKEN = 'src-security-token-value-0020';
const IAM_PASSWORD = 'iam-password-value-0020';

const sim = new OmsSimulator({
  projectId: PROJECT,
  keys: { [AK]: SK },
  users: [{ name: 'ops', password: IAM_PASSWORD, domain: 'acme' }],
  storageKeys: { [SRC_AK]: SRC_SK },
  timings: OMS_SECOND_TIMINGS,
});
const pools = useSimulator(sim, {
  freeze: 'once',
  reset: () => sim.reset(),
});
const { logger, lines } = captureLogger('debug');

function connection(overrides: Partial<Connection> = {}): Connection {
  return omsSimConnection(
    sim,
    PROJECT,
    { type: 'aksk', accessKey: AK, secretKey: SK },
    {
      storage: {
        source: { name: 'src', accessKey: SRC_AK, secretKey: SRC_SK, securityToken: SRC_TOKEN },
        destination: { name: 'dst', accessKey: DST_AK, secretKey: DST_SK },
      },
      ...overrides,
    },
  );
}

const provider = (overrides: Partial<Connection> = {}) =>
  new HuaweiOmsProvider(connection(overrides), { pools, logger });

describe('kinds', () => {
  it('has tasks (the default), task groups and synchronization tasks', () => {
    const hw = createHuaweiOmsProvider(connection(), { pools, logger });
    expect(hw.kinds).toEqual(['task', 'task-group', 'sync-task']);
    expect(hw.id).toBe('huawei-oms');
  });

  it('refuses other kinds with a clear message', async () => {
    await expect(provider().list({ kind: 'job', limit: 10, offset: 0 })).rejects.toThrow(
      /huawei-oms has no job resources \(it has task, task-group, sync-task\)/,
    );
  });
});

describe('task groups', () => {
  it('lists with the group call and status filters, merging the statuses of one state', async () => {
    sim.addTaskGroup({ status: 4, description: 'creation failed' });
    sim.addTaskGroup({ status: 5, description: 'migration failed' });
    sim.addTaskGroup({ status: 6, description: 'done' });
    const hw = provider();
    const failed = await hw.list({ kind: 'task-group', states: ['failed'], limit: 10, offset: 0 });
    expect(failed.resources.map((r) => r.name).sort()).toEqual(['creation failed', 'migration failed']);
    expect(failed.total).toBe(2);
    const page = await hw.list({ kind: 'task-group', limit: 2, offset: 0 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.resources).toHaveLength(2);
    const second = await hw.list({
      kind: 'task-group',
      states: ['failed', 'succeeded'],
      limit: 2,
      offset: 2,
    });
    expect(second.resources).toHaveLength(1);
    expect(await hw.list({ kind: 'task-group', states: ['monitoring'], limit: 10, offset: 0 })).toEqual({
      resources: [],
      total: 0,
    });
  });

  it('watches a group from waiting to completed, its progress aggregating its tasks', async () => {
    const seeded = sim.addTaskGroup({ taskCount: 2, totalSize: 4 * GiB, description: 'grow' });
    const hw = provider();
    expect(await hw.get('task-group', seeded.id)).toMatchObject({ state: 'queued', rawStatus: '0' });
    sim.clock.advance(1_000); // created its two tasks (waiting)
    expect(await hw.get('task-group', seeded.id)).toMatchObject({
      state: 'running',
      rawStatus: '1',
      progress: 0,
    });
    const tasks = await hw.list({ kind: 'task', groupId: seeded.id, limit: 10, offset: 0 });
    expect(tasks.resources.map((t) => t.groupId)).toEqual([seeded.id, seeded.id]);
    sim.clock.advance(1_000); // tasks running for 0 s, group monitoring them
    sim.clock.advance(1_000); // 1 GiB each of 2 GiB
    const half = await hw.get('task-group', seeded.id);
    expect(half).toMatchObject({ state: 'running', rawStatus: '2', bytes: { total: 4 * GiB } });
    expect(half.progress).toBeCloseTo(0.5, 1);
    expect(half.speed).toBe(2 * GiB);
    // 2 "running monitor task" is the "Monitoring" of S3M.1038 "Running or Monitoring": Pause.
    expect(hw.actionsFor(half)).toEqual(['pause']);
    sim.clock.advance(1_000);
    const done = await hw.get('task-group', seeded.id);
    expect(done).toMatchObject({ state: 'succeeded', rawStatus: '6', progress: 1 });
    expect(hw.actionsFor(done)).toEqual(['delete']);
  });

  it('pauses, resumes, retries and deletes following the group rules', async () => {
    const hw = provider();
    // Seed 002 §5.4.5: a group pauses "in the Creating or Executing state", status 1 "executing/creating".
    const group = sim.addTaskGroup({ status: 1, taskCount: 2, totalSize: 100 * GiB });
    expect(hw.actionsFor(await hw.get('task-group', group.id))).toEqual(['pause']);
    await hw.pause('task-group', group.id);
    expect((await hw.get('task-group', group.id)).state).toBe('pausing');
    sim.clock.advance(1_000);
    const paused = await hw.get('task-group', group.id);
    expect(paused.state).toBe('paused');
    expect(hw.actionsFor(paused)).toEqual(['resume']);
    const refused = await hw.delete('task-group', group.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ errorCode: 'OMS.1047' });
    await hw.resume('task-group', group.id);
    expect((await hw.get('task-group', group.id)).state).toBe('running');

    const failed = sim.addTaskGroup({ status: 5, taskCount: 2, failCode: 'TRF.0015', failMessage: 'bad AK' });
    const shown = await hw.get('task-group', failed.id);
    expect(shown).toMatchObject({ state: 'failed', lastError: { code: 'TRF.0015', message: 'bad AK' } });
    expect(hw.actionsFor(shown)).toEqual(['retry', 'delete']);
    await hw.retry('task-group', failed.id);
    expect((await hw.get('task-group', failed.id)).state).toBe('running');

    const done = sim.addTaskGroup({ status: 6 });
    await hw.delete('task-group', done.id);
    expect((await hw.get('task-group', done.id)).state).toBe('deleting');
  });

  it('offers Pause on a group in status 2 "running monitor task" (seed 002 §5.4.5, S3M.1038)', async () => {
    // §5.4.5 pauses "in the Creating or Executing state"; the group's own S3M.1038 reads "Only tasks
    // in the Running or Monitoring state can be paused", and a group monitors its tasks at 2.
    const hw = provider();
    const monitoring = sim.addTaskGroup({ status: 2, taskCount: 2, totalSize: 100 * GiB });
    const shown = await hw.get('task-group', monitoring.id);
    expect(shown.state).toBe('running');
    expect(hw.actionsFor(shown)).toEqual(['pause']);
    await hw.pause('task-group', monitoring.id);
    expect((await hw.get('task-group', monitoring.id)).state).toBe('pausing');
  });

  it('sets traffic limits on a group', async () => {
    const group = sim.addTaskGroup({ status: 2, totalSize: 100 * GiB });
    await provider().setBandwidth('task-group', group.id, [
      { start: '08:00', end: '18:00', maxBytesPerSecond: 20 * 1024 * 1024 },
      { start: '18:00', end: '08:00', maxBytesPerSecond: 200 * 1024 * 1024 },
    ]);
    expect(sim.taskGroup(group.id)?.bandwidthPolicy).toEqual([
      { start: '08:00', end: '18:00', max_bandwidth: 20_971_520 },
      { start: '18:00', end: '08:00', max_bandwidth: 209_715_200 },
    ]);
  });

  it('creates a group from a provider-level request, keys from storage', async () => {
    const created = await provider().create('task-group', {
      task_type: 'PREFIX',
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', object_key: ['photos/'] },
      dst_node: { region: 'cn-north-4', bucket: 'dst-bucket' },
      description: 'photos',
    });
    expect(created.name).toBe('photos');
    const group = sim.taskGroup(created.id);
    expect(group).toMatchObject({ taskType: 'PREFIX', options: { enable_kms: false } });
  });
});

describe('synchronization tasks', () => {
  it('lists with the sync-task call, filtered by state', async () => {
    sim.addSyncTask({ description: 'live' });
    sim.addSyncTask({ description: 'stopped', status: 'STOPPED' });
    const hw = provider();
    const paused = await hw.list({ kind: 'sync-task', states: ['paused'], limit: 10, offset: 0 });
    expect(paused.resources.map((r) => [r.name, r.state])).toEqual([['stopped', 'paused']]);
    const all = await hw.list({ kind: 'sync-task', limit: 10, offset: 0 });
    expect(all.total).toBe(2);
    await expect(hw.list({ kind: 'sync-task', groupId: 'x', limit: 10, offset: 0 })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('sends events ten keys at a time, URL-encoded, and counts them this month', async () => {
    const task = sim.addSyncTask({
      src_cloud_type: 'AWS',
      src_bucket: 'src-bucket',
      failKeys: ['broken/x.bin'],
    });
    const hw = provider();
    const keys = [
      'photos/2024/a.jpg',
      'broken/x.bin',
      ...Array.from({ length: 23 }, (_, i) => `new/${i}.txt`),
    ];
    sim.server.resetRequestCount();
    await hw.syncEvent('sync-task', task.id, keys);
    expect(sim.server.requestCount).toBe(3);
    expect(
      sim
        .syncTask(task.id)
        ?.pending.map((p) => p.key)
        .slice(0, 2),
    ).toEqual(['photos%2F2024%2Fa.jpg', 'broken%2Fx.bin']);
    sim.clock.advance(1_000);
    const shown = await hw.get('sync-task', task.id);
    expect(shown).toMatchObject({
      state: 'monitoring',
      objects: { total: 25, done: 24, failed: 1, skipped: 0 },
    });
    expect(shown.bytes.done).toBe(1_572_864 + 23 * 1024);
  });

  it('pauses (stop), resumes (start, with the storage keys) and deletes; no retry, no bandwidth', async () => {
    const task = sim.addSyncTask();
    const hw = provider();
    let shown = await hw.get('sync-task', task.id);
    expect(hw.actionsFor(shown)).toEqual(['pause']);
    await hw.pause('sync-task', task.id);
    shown = await hw.get('sync-task', task.id);
    expect(shown.state).toBe('paused');
    expect(hw.actionsFor(shown)).toEqual(['resume', 'delete']);
    await hw.resume('sync-task', task.id);
    expect((await hw.get('sync-task', task.id)).state).toBe('monitoring');
    await expect(hw.retry('sync-task', task.id)).rejects.toThrow(/cannot be retried/);
    await expect(
      hw.setBandwidth('sync-task', task.id, [{ start: '00:00', end: '01:00', maxBytesPerSecond: 2_000_000 }]),
    ).rejects.toThrow(InvalidInputError);
    await hw.pause('sync-task', task.id);
    await hw.delete('sync-task', task.id);
    const gone = await hw.get('sync-task', task.id).catch((e: unknown) => e);
    expect(gone).toMatchObject({ httpStatus: 404, errorCode: 'OMS.1011' });
  });

  it('creates a synchronization task, keys from storage', async () => {
    const created = await provider().create('sync-task', {
      src_cloud_type: 'Aliyun',
      src_region: 'cn-beijing',
      src_bucket: 'api-auto-test1',
      dst_region: 'cn-north-4',
      dst_bucket: 'dst-bucket',
      consistency_check: 'transmission',
    });
    expect(created.name).toBe('api-auto-test1 → dst-bucket');
    expect(sim.syncTask(created.id)?.info).toMatchObject({
      consistency_check: 'transmission',
      src_cloud_type: 'Aliyun',
    });
  });
});

describe('tasks', () => {
  it('creates a task that starts by itself, and sets its traffic limits', async () => {
    const hw = provider();
    const created = await hw.create('task', {
      task_type: 'prefix',
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', object_key: ['logs/'] },
      dst_node: { region: 'cn-north-4', bucket: 'dst-bucket', save_prefix: 'aws/' },
      task_priority: 'LOW',
    });
    const task = await hw.get('task', created.id);
    expect(task).toMatchObject({
      kind: 'task',
      state: 'queued',
      name: created.name,
      bytes: { total: 77_164_298 },
      source: { cloud: 'AWS', bucket: 'src-bucket', prefix: 'logs/' },
      destination: { bucket: 'dst-bucket', prefix: 'aws/' },
    });
    await hw.setBandwidth('task', created.id, [
      { start: '00:00', end: '06:00', maxBytesPerSecond: 104_857_600 },
    ]);
    expect(sim.task(created.id)?.bandwidthPolicy).toEqual([
      { start: '00:00', end: '06:00', max_bandwidth: 104_857_600 },
    ]);
  });

  it('merges one call per status when several states are asked for, and pages the result', async () => {
    for (let i = 0; i < 3; i++) sim.addTask({ name: `paused-${i}`, status: 3 });
    for (let i = 0; i < 2; i++) sim.addTask({ name: `failed-${i}`, status: 4 });
    const hw = provider();
    const page = await hw.list({ kind: 'task', states: ['paused', 'failed'], limit: 2, offset: 2 });
    expect(page.total).toBe(5);
    expect(page.resources.map((r) => r.name)).toHaveLength(2);
    const all = await hw.list({ kind: 'task', states: ['paused', 'failed'], limit: 10, offset: 0 });
    expect(all.resources.map((r) => r.state).sort()).toEqual([
      'failed',
      'failed',
      'paused',
      'paused',
      'paused',
    ]);
  });
});

describe('the create modal', () => {
  it('lists vendors, regions, buckets, a bucket region, prefixes and objects', async () => {
    const hw = provider();
    await expect(hw.listCloudVendors()).resolves.toContain('Aliyun');
    await expect(hw.listCloudVendors('dst')).resolves.toEqual(['HuaweiCloud']);
    const aws = await hw.listRegions('AWS');
    expect(aws).toHaveLength(1);
    expect(aws[0]?.region_list.some((r) => r.value === 'eu-central-1')).toBe(true);
    await expect(hw.listBuckets({ cloudType: 'AWS' })).resolves.toEqual(['src-bucket']);
    await expect(hw.bucketRegion({ cloudType: 'AWS', bucket: 'src-bucket' })).resolves.toMatchObject({
      id: 'us-east-1',
      support: true,
    });
    await expect(
      hw.checkPrefixes({ cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' }, [
        'photos/',
        'videos/',
      ]),
    ).resolves.toEqual([
      { prefix: 'photos/', exists: true },
      { prefix: 'videos/', exists: false },
    ]);
    const objects = await hw.listBucketObjects(
      { cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' },
      { path: 'photos/' },
    );
    expect(objects.records.map((r) => r.name)).toEqual(['photos/2024/', 'photos/2025/']);
    const cdn = await hw.bucketCdnInfo(
      { cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' },
      { domain: 'd111.cloudfront.net', protocol: 'https', authentication_type: 'NONE' },
      ['readme.txt'],
    );
    expect(cdn.checked_keys).toEqual([
      { key: 'readme.txt', is_etag_matching: true, is_object_existing: true },
    ]);
  });

  it('reports wrong source keys as the provider error OMS.1016', async () => {
    const hw = provider({
      storage: { source: { name: 's', accessKey: SRC_AK, secretKey: 'not-the-key' } },
    });
    const error = await hw.listBuckets({ cloudType: 'AWS' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, errorCode: 'OMS.1016' });
  });
});

describe('secrets', () => {
  it('never logs (or puts in an error) the keys of bucket, create and start bodies', async () => {
    lines.length = 0;
    const errors: string[] = [];
    const hw = provider();
    const token = provider({
      auth: { type: 'token', iamEndpoint: sim.url, user: 'ops', password: IAM_PASSWORD, domain: 'acme' },
    });
    const keep = (e: unknown) => {
      errors.push(String(e), JSON.stringify(e));
    };
    await hw.listBuckets({ cloudType: 'AWS' });
    await hw.bucketRegion({ cloudType: 'AWS', bucket: 'src-bucket' });
    await hw.checkPrefixes({ cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' }, ['photos/']);
    await hw.listBucketObjects({ cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' });
    await hw.bucketCdnInfo(
      { cloudType: 'AWS', bucket: 'src-bucket', region: 'us-east-1' },
      {
        domain: 'cdn',
        protocol: 'http',
        authentication_type: 'ALIYUN_OSS_A',
        authentication_key: 'cdn-key-0020',
      },
    );
    const task = await token.create('task', {
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', object_key: ['photos/'] },
      dst_node: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    const group = await hw.create('task-group', {
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', object_key: ['logs/'] },
      dst_node: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    const sync = await hw.create('sync-task', {
      src_region: 'cn-beijing',
      src_bucket: 'api-auto-test1',
      dst_region: 'cn-north-4',
      dst_bucket: 'dst-bucket',
    });
    const paused = sim.addTask({ name: 'paused', status: 3 });
    await hw.resume('task', paused.id);
    await hw.resume('task', paused.id).catch(keep); // OMS.0065: already started
    const pausedGroup = sim.addTaskGroup({ status: 3 });
    await hw.resume('task-group', pausedGroup.id);
    await hw.retry('task-group', group.id).catch(keep); // OMS.1040: not failed
    await hw.pause('sync-task', sync.id);
    await hw.resume('sync-task', sync.id);
    await hw.resume('sync-task', sync.id).catch(keep); // OMS.0065
    await provider({ storage: { source: { name: 's', accessKey: SRC_AK, secretKey: 'wrong-secret-0020' } } })
      .listBuckets({ cloudType: 'AWS' })
      .catch(keep);
    expect(task.id).toMatch(/^\d+$/);
    expect(errors.length).toBeGreaterThanOrEqual(4);

    const logged = lines.join('\n');
    for (const operation of [
      'ShowBucketList',
      'CheckPrefix',
      'CreateTask',
      'CreateTaskGroup',
      'StartSyncTask',
    ]) {
      expect(logged).toContain(operation);
    }
    const everything = `${logged}\n${errors.join('\n')}`;
    for (const secret of [SK, SRC_SK, DST_SK, SRC_TOKEN, IAM_PASSWORD, 'cdn-key-0020', 'wrong-secret-0020']) {
      expect(everything).not.toContain(secret);
    }
  });
});
