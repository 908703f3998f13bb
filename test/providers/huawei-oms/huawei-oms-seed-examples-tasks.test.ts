import { describe, expect, it } from 'vitest';
import { type CreateTaskReq, versionStatus } from '../../../src/providers/huawei-oms/schemas.js';
import {
  SEED_CREATE_TASK,
  SEED_SHOW_SYNC_TASK,
  SEED_STATISTICS,
  SEED_SYNC_TASK,
  SEED_VERSIONS,
  VERSION_STATUS_FRAGMENT,
} from '../../fixtures/oms-seed-responses.js';
import { EXAMPLE_KEYS, EXAMPLE_START_KEYS, useSeedExamples } from './seed-examples-rig.js';

// Seed 002 §5.1 to §5.3 (and seed 004) as printed: the examples of API versions, migration tasks and
// synchronization tasks, nulls, odd values and all. Where a request example leaves out a mandatory
// parameter, the test says so.

const { oms, p, client, provider, createFromExample } = useSeedExamples();

describe('API versions (5.1)', () => {
  it('lists versions whose status is printed as an object', async () => {
    oms().get('/').reply(200, SEED_VERSIONS);
    const versions = await client().listApiVersions();
    expect(versions.map((v) => v.id)).toEqual(['v1', 'v1']);
    expect(versions.map(versionStatus)).toEqual(['SUPPORTED', 'SUPPORTED']);
  });

  it('shows one version (and a plain-string status as the table documents)', async () => {
    oms()
      .get('/v2')
      .reply(200, {
        links: [{ rel: 'self', href: 'https://oms.cn-north-1.myhuaweicloud.com/v1/' }],
        id: 'v2',
        updated: '2020-04-01T12:00:00Z',
        status: VERSION_STATUS_FRAGMENT,
      });
    oms()
      .get('/v1')
      .reply(200, { id: 'v1', links: [], status: 'DEPRECATED', updated: '2020-01-01T12:00:00Z' });
    const v2 = await client().showApiVersion('v2');
    expect(v2.id).toBe('v2');
    expect(versionStatus(v2)).toBe('SUPPORTED');
    expect(versionStatus(await client().showApiVersion('v1'))).toBe('DEPRECATED');
  });
});

describe('migration tasks (5.2)', () => {
  it('sends the prefix-based CreateTask example, keys from storage credentials', async () => {
    const example = {
      task_type: 'prefix',
      src_node: {
        cloud_type: 'HuaweiCloud',
        region: 'cn-north-1',
        bucket: 'src_bucket',
        ak: 'src_ak',
        sk: 'src_sk',
        object_key: ['abc', '123', 'prefix3', 'path/prefix4'],
      },
      dst_node: { region: 'cn-north-1', ak: 'dst_ak', sk: 'dst_sk', bucket: 'dst_bucket' },
      enable_kms: false,
      enable_failed_object_recording: true,
      description: 'xxx',
    };
    const created = await createFromExample('task', example);
    expect(created).toEqual({ id: '200429548242937', name: 'task_name' });
  });

  it('sends the URL-list CreateTask example without source keys', async () => {
    const example = {
      task_type: 'url_list',
      src_node: {
        cloud_type: 'URLSource',
        list_file: { obs_bucket: 'list_file_bucket', list_file_key: 'object_list_file.txt' },
      },
      dst_node: { region: 'cn-north-1', ak: 'dst_ak', sk: 'dst_sk', bucket: 'dst_bucket' },
      enable_kms: false,
      enable_failed_object_recording: true,
      description: 'xxx',
    };
    await createFromExample('task', example, { destination: EXAMPLE_KEYS.destination });
  });

  it('accepts the list-based CreateTask example with CDN, SMN and a 50 MB/s window', async () => {
    const example: CreateTaskReq = {
      task_type: 'list',
      src_node: {
        cloud_type: 'HuaweiCloud',
        region: 'cn-north-1',
        bucket: 'src_bucket',
        ak: 'src_ak',
        sk: 'src_sk',
        list_file: { obs_bucket: 'list_file_bucket', list_file_key: 'object_list_file.txt' },
      },
      dst_node: { region: 'cn-north-1', ak: 'dst_ak', sk: 'dst_sk', bucket: 'dst_bucket' },
      enable_kms: false,
      enable_failed_object_recording: true,
      description: 'xxx',
      migrate_since: 123456789,
      bandwidth_policy: [{ start: '00:00', end: '23:59', max_bandwidth: 50000000 }],
      source_cdn: {
        protocol: 'https',
        domain: 'xxx.xxx.xxx',
        authentication_type: 'ALIYUN_OSS_A',
        authentication_key: 'xxx',
      },
      smn_config: {
        topic_urn: 'urn:smn:region:4cf2090802d94440b4cdd72ef26857b2:OMS',
        trigger_conditions: ['SUCCESS', 'FAILURE'],
        language: 'en-us',
      },
    };
    oms().post(p('/tasks'), example).reply(200, SEED_CREATE_TASK);
    await expect(client().createTask(example)).resolves.toEqual({
      id: '200429548242937',
      taskName: 'task_name',
    });
  });

  it('sends the StartTask example body', async () => {
    oms()
      .post(p('/tasks/191297407830872/start'), {
        ...EXAMPLE_START_KEYS,
        migrate_failed_object: false,
      })
      .reply(200);
    await provider(EXAMPLE_KEYS).resume('task', '191297407830872');
  });

  it('sends the bandwidth-policy example (with a numeric task id: "xxxxxxxx" is a placeholder)', async () => {
    oms()
      .put(p('/tasks/191297407830872/bandwidth-policy'), {
        bandwidth_policy: [{ start: '00:01', end: '23:59', max_bandwidth: 50000000 }],
      })
      .reply(200);
    await provider().setBandwidth('task', '191297407830872', [
      { start: '00:01', end: '23:59', maxBytesPerSecond: 50000000 },
    ]);
  });

  it('sends both batch-update examples', async () => {
    const bandwidth_policy = [{ start: '00:01', end: '23:59', max_bandwidth: 50000000 }];
    oms().post(p('/tasks/batch-update'), { group_id: 'xxxxxxxx', bandwidth_policy }).reply(200);
    oms()
      .post(p('/tasks/batch-update'), { ids: [111, 222], bandwidth_policy })
      .reply(200);
    const omsClient = client();
    await omsClient.batchUpdateTasks({ group_id: 'xxxxxxxx', bandwidth_policy });
    await omsClient.batchUpdateTasks({ ids: [111, 222], bandwidth_policy });
  });
});

describe('synchronization tasks (5.3)', () => {
  it('parses the ListSyncTasks example (nulls included) and maps SYNCHRONIZING to monitoring', async () => {
    oms()
      .get(p('/sync-tasks'))
      .query({ offset: '0', limit: '5', status: 'SYNCHRONIZING' })
      .reply(200, { tasks: [SEED_SYNC_TASK], count: 1 });
    const page = await provider().list({ kind: 'sync-task', states: ['monitoring'], limit: 5, offset: 0 });
    expect(page.total).toBe(1);
    expect(page.resources[0]).toMatchObject({
      kind: 'sync-task',
      id: 'd18befdd-eb82-41f3-8019-bbb593d74a3e',
      name: 'sync task test',
      state: 'monitoring',
      rawStatus: 'SYNCHRONIZING',
      source: { cloud: 'HuaweiCloud', region: 'cn-north-7', bucket: 'oms-sdk-test-src' },
      destination: { region: 'cn-north-7', bucket: 'oms-sdk-test-dst' },
      createdAt: new Date(1700639560751),
    });
  });

  it('parses the ShowSyncTask example with its monthly counters (query_time is sent)', async () => {
    oms()
      .get(p('/sync-tasks/d18befdd-eb82-41f3-8019-bbb593d74a3e'))
      .query((q) => typeof q.query_time === 'string' && /^\d+$/.test(q.query_time))
      .reply(200, SEED_SHOW_SYNC_TASK);
    const task = await provider().get('sync-task', 'd18befdd-eb82-41f3-8019-bbb593d74a3e');
    expect(task.objects).toEqual({ done: 0, failed: 11, skipped: 0, total: 11 });
    expect(task.bytes).toEqual({ done: 0 });
  });

  it('parses the statistics example (start_time and end_time, mandatory, are sent too)', async () => {
    oms()
      .get(p('/sync-tasks/0d146099-8cf4-437d-b6ef-88e043771c8b/statistics'))
      .query({ data_type: 'REQUEST', start_time: '1700150400000', end_time: '1700236800000' })
      .reply(200, SEED_STATISTICS);
    const stats = await client().showSyncTaskStatistics('0d146099-8cf4-437d-b6ef-88e043771c8b', {
      dataTypes: ['REQUEST'],
      startTime: 1700150400000,
      endTime: 1700236800000,
    });
    expect(stats.statistic_time_type).toBe('FIVE_MINUTES');
    expect(stats.statistic_datas[0]?.data.reduce((s, d) => s + d.statistic_num, 0)).toBe(35);
  });

  it('sends the CreateSyncTask example', async () => {
    const example = {
      src_cloud_type: 'Aliyun',
      src_region: 'cn-beijing',
      src_bucket: 'api-auto-test1',
      ...EXAMPLE_START_KEYS,
      dst_region: 'cn-north-4',
      dst_bucket: 'oms-sonar-north',
      description: 'XXXX',
      enable_kms: false,
      enable_restore: false,
      enable_metadata_migration: false,
    };
    const created = await createFromExample('sync-task', example);
    expect(created).toEqual({ id: 'xxxxxxxxxxxxxxxxx', name: 'XXXX' });
  });

  it('sends the StartSyncTask example of seed 004', async () => {
    oms().post(p('/sync-tasks/0d146099-8cf4-437d-b6ef-88e043771c8b/start'), EXAMPLE_START_KEYS).reply(200);
    await provider(EXAMPLE_KEYS).resume('sync-task', '0d146099-8cf4-437d-b6ef-88e043771c8b');
  });

  it('sends the synchronization-event examples: keys URL-encoded', async () => {
    const path = p('/sync-tasks/31e9b7e6-6ffb-452f-9842-6ce354d99d75/events');
    oms()
      .post(path, { object_keys: ['test%2F001.txt', 'test%2F002.txt'] })
      .reply(200);
    oms()
      .post(path, { object_keys: ['test%2B001.txt'] })
      .reply(200);
    const hw = provider();
    await hw.syncEvent('sync-task', '31e9b7e6-6ffb-452f-9842-6ce354d99d75', ['test/001.txt', 'test/002.txt']);
    await hw.syncEvent('sync-task', '31e9b7e6-6ffb-452f-9842-6ce354d99d75', ['test+001.txt']);
  });

  it('pauses and deletes with the documented paths', async () => {
    const id = '0d146099-8cf4-437d-b6ef-88e043771c8b';
    oms()
      .post(p(`/sync-tasks/${id}/stop`))
      .reply(200);
    oms()
      .delete(p(`/sync-tasks/${id}`))
      .reply(200);
    await provider().pause('sync-task', id);
    await provider().delete('sync-task', id);
  });
});
