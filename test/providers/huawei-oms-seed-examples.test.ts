import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { OmsClient } from '../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { type CreateTaskReq, versionStatus } from '../../src/providers/huawei-oms/schemas.js';
import {
  SEED_BUCKET_OBJECTS,
  SEED_BUCKET_REGION,
  SEED_BUCKETS,
  SEED_CDN_INFO,
  SEED_CREATE_SYNC_TASK,
  SEED_CREATE_TASK,
  SEED_CREATE_TASK_GROUP,
  SEED_LIST_GROUPS,
  SEED_PREFIX,
  SEED_REGIONS,
  SEED_SHOW_GROUP,
  SEED_SHOW_SYNC_TASK,
  SEED_STATISTICS,
  SEED_SYNC_TASK,
  SEED_VENDORS,
  SEED_VERSIONS,
  VERSION_STATUS_FRAGMENT,
} from '../fixtures/oms-seed-responses.js';
import { OMS_API, OMS_PROJECT, omsSeedConnection } from '../fixtures/seed-connections.js';
import { overNock } from './nock-rig.js';

// Every request and response below is an example printed in seed 002 §5 (or seed 004), as printed:
// nulls, odd values and all. Where a request example leaves out a mandatory parameter, the test says so.

const ENDPOINT = OMS_API;
const PROJECT = OMS_PROJECT;
const { nock, deps } = overNock();

/** The raw OMS client (the provider no longer exposes it): seed examples call operations directly. */
const client = (): OmsClient => new OmsClient(omsSeedConnection(), deps);
const provider = (storage: Connection['storage'] = {}): HuaweiOmsProvider =>
  new HuaweiOmsProvider(omsSeedConnection({ storage }), deps);

/** The storage keys the examples print (`"src_ak" : "src_ak"`…). */
const EXAMPLE_KEYS: Connection['storage'] = {
  source: { name: 'src', accessKey: 'src_ak', secretKey: 'src_sk' },
  destination: { name: 'dst', accessKey: 'dst_ak', secretKey: 'dst_sk' },
};

/**
 * A create example as the provider is given it: the printed body without the keys (`ak`/`sk` in the
 * nodes, `src_ak`… at the top) that the provider adds from the connection's storage credentials.
 */
function keysLeftOut(example: Record<string, unknown>): Record<string, unknown> {
  const { src_ak: _sa, src_sk: _ss, dst_ak: _da, dst_sk: _ds, ...body } = example;
  for (const node of ['src_node', 'dst_node']) {
    if (!body[node]) continue;
    const { ak: _ak, sk: _sk, ...rest } = body[node] as Record<string, unknown>;
    body[node] = rest;
  }
  return body;
}

/** The keys the start examples print (5.2.5, 5.3.8), and the create-sync-task example too. */
const EXAMPLE_START_KEYS = { src_ak: 'src_ak', src_sk: 'src_sk', dst_ak: 'dst_ak', dst_sk: 'dst_sk' };

const oms = () => nock(ENDPOINT);
const p = (path: string) => `/v2/${PROJECT}${path}`;

/** A printed body, as nock matches it. */
type Printed = NonNullable<Parameters<ReturnType<typeof oms>['post']>[1]> & Record<string, unknown>;

const CREATE = {
  task: ['/tasks', SEED_CREATE_TASK],
  'sync-task': ['/sync-tasks', SEED_CREATE_SYNC_TASK],
  'task-group': ['/taskgroups', SEED_CREATE_TASK_GROUP],
} as const;

/**
 * Creates `kind` from a printed example less its keys, the connection holding `storage`: nock
 * expects the printed example itself on the wire and answers with the printed create response.
 */
function createFromExample(
  kind: keyof typeof CREATE,
  example: Printed,
  storage: Connection['storage'] = EXAMPLE_KEYS,
): Promise<{ id: string; name: string }> {
  const [path, answer] = CREATE[kind];
  oms().post(p(path), example).reply(200, answer);
  return provider(storage).create(kind, keysLeftOut(example));
}

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

describe('migration task groups (5.4)', () => {
  it('parses the ListTaskGroup example: upper-case clouds, null counters', async () => {
    oms().get(p('/taskgroups')).query({ offset: '0', limit: '10' }).reply(200, SEED_LIST_GROUPS);
    const page = await provider().list({ kind: 'task-group', limit: 10, offset: 0 });
    expect(page.total).toBe(353);
    const [tencent, retry, failed] = page.resources;
    expect(tencent).toMatchObject({
      kind: 'task-group',
      id: '9dd98a5e-7ea3-4d80-abff-4c23914313e4',
      name: 'api-auto-test → test-l30022277',
      state: 'succeeded',
      rawStatus: '6',
      progress: 1,
      bytes: { done: 2469022100, total: 2469022100 },
      objects: { done: 6, failed: 0, skipped: 0, total: 6 },
      source: { cloud: 'Tencent', region: 'ap-beijing', bucket: 'api-auto-test', prefix: 'test' },
      startedAt: new Date(1663654062461),
      elapsedSeconds: 974,
    });
    expect(retry?.objects).toEqual({ done: 0, failed: 0, skipped: 1, total: 1 });
    expect(failed).toMatchObject({
      state: 'failed',
      rawStatus: '5',
      source: { cloud: 'HuaweiCloud', prefix: undefined },
      failedObjectList: 'oms/task_group/d85ed5a8-61a1-492f-a146-2fd092dc37cf/failed_object_lists/',
    });
  });

  it('parses the ShowTaskGroup example (paused, nothing migrated yet)', async () => {
    oms().get(p('/taskgroups/9522a7e5-b4fc-44b9-93e1-4dbadbd86e67')).reply(200, SEED_SHOW_GROUP);
    const group = await provider().get('task-group', '9522a7e5-b4fc-44b9-93e1-4dbadbd86e67');
    expect(group).toMatchObject({
      state: 'paused',
      progress: 0,
      bytes: { done: 0, total: 27814708666 },
      objects: { total: 4128588 },
    });
    expect(provider().actionsFor(group)).toEqual(['resume']);
  });

  it('sends the prefix CreateTaskGroup example', async () => {
    const example = {
      src_node: {
        region: 'cn-north-4',
        ak: 'src_ak',
        sk: 'src_sk',
        bucket: 'src-bucket',
        cloud_type: 'HuaweiCloud',
        object_key: ['Objectlist'],
      },
      dst_node: { region: 'cn-north-4', ak: 'dst_ak', sk: 'dst_sk', bucket: 'dst-bucket' },
      task_type: 'PREFIX',
      enable_failed_object_recording: true,
      enable_kms: false,
      bandwidth_policy: [{ max_bandwidth: 1048576, start: '00:01', end: '23:59' }],
    };
    const created = await createFromExample('task-group', example);
    expect(created.id).toBe('9ad15f51-778f-4684-b47b-4c5109c0e105');
  });

  it('sends the URL-list CreateTaskGroup example (empty description, HEC destination)', async () => {
    const example = {
      src_node: {
        cloud_type: 'URLSource',
        list_file: { obs_bucket: 'url-file-bucket', list_file_key: 'test01/' },
      },
      description: '',
      dst_node: { region: 'cn-north-4', ak: 'dst_ak', sk: 'dst_sk', bucket: 'jjyy', cloud_type: 'HEC' },
      enable_failed_object_recording: true,
      enable_restore: false,
      enable_metadata_migration: false,
      enable_kms: false,
      task_type: 'URL_LIST',
    };
    await createFromExample('task-group', example, { destination: EXAMPLE_KEYS.destination });
  });

  it('sends the start and retry examples with PUT', async () => {
    const id = '2c11d99a-9596-4bc6-a6ad-2336455b149c';
    oms()
      .put(p(`/taskgroups/${id}/start`), {
        src_ak: 'src_AK',
        src_sk: 'src_SK',
        dst_ak: 'dst_AK',
        dst_sk: 'dst_AK',
      })
      .reply(200);
    const retry = {
      src_ak: 'src_AK',
      src_sk: 'src_SK',
      dst_ak: 'dst_AK',
      dst_sk: 'dst_SK',
      migrate_failed_object: false,
    };
    oms()
      .put(p(`/taskgroups/${id}/retry`), retry)
      .reply(200);
    const hw = provider({
      source: { name: 's', accessKey: 'src_AK', secretKey: 'src_SK' },
      destination: { name: 'd', accessKey: 'dst_AK', secretKey: 'dst_AK' },
    });
    await hw.resume('task-group', id);
    await client().retryTaskGroup(id, retry);
  });

  it('pauses, deletes and updates traffic limits at the URIs of 5.4.4, 5.4.5 and 5.4.8', async () => {
    const id = '157ece42-3270-4824-a3d2-f0187a03ca01';
    oms()
      .put(p(`/taskgroups/${id}/stop`))
      .reply(200);
    oms()
      .delete(p(`/taskgroups/${id}`))
      .reply(200);
    // The 5.4.8 example prints `/taskgroup/xxxxxxxx/update`; its URI section says `taskgroups/{group_id}/update`.
    oms()
      .put(p(`/taskgroups/${id}/update`), {
        bandwidth_policy: [{ start: '00:01', end: '23:59', max_bandwidth: 50000000 }],
      })
      .reply(200);
    const hw = provider();
    await hw.pause('task-group', id);
    await hw.delete('task-group', id);
    await hw.setBandwidth('task-group', id, [{ start: '00:01', end: '23:59', maxBytesPerSecond: 50000000 }]);
  });
});

describe('buckets, vendors and regions (5.5–5.7)', () => {
  const BUCKET_KEYS: Connection['storage'] = {
    source: { name: 's', accessKey: 'xxxxak', secretKey: 'xxxxsk' },
  };
  /** What the ListBuckets, bucket-region and prefix-check examples all print first. */
  const PRINTED_BUCKET_QUERY = {
    cloud_type: 'HuaweiCloud',
    ak: 'xxxxak',
    sk: 'xxxxsk',
    app_id: 'apptest123',
  };

  it('sends the ListBuckets example and parses the bare array', async () => {
    oms().post(p('/objectstorage/buckets'), PRINTED_BUCKET_QUERY).reply(200, SEED_BUCKETS);
    await expect(
      provider(BUCKET_KEYS).listBuckets({ cloudType: 'HuaweiCloud', appId: 'apptest123' }),
    ).resolves.toEqual(['xxxx']);
  });

  it('sends the bucket-region example', async () => {
    oms()
      .post(p('/objectstorage/buckets/regions'), { ...PRINTED_BUCKET_QUERY, bucket_name: 'xxx' })
      .reply(200, SEED_BUCKET_REGION);
    await expect(
      provider(BUCKET_KEYS).bucketRegion({ cloudType: 'HuaweiCloud', appId: 'apptest123', bucket: 'xxx' }),
    ).resolves.toMatchObject({ id: 'string', name: 'string' });
  });

  it('sends the prefix-check example', async () => {
    oms()
      .post(p('/objectstorage/buckets/prefix'), {
        ...PRINTED_BUCKET_QUERY,
        bucket_name: 'xxx',
        file_name: 'xxxx',
        data_center: 'cn-north-x',
        security_token: 'string',
      })
      .reply(200, SEED_PREFIX);
    const hw = provider({
      source: { name: 's', accessKey: 'xxxxak', secretKey: 'xxxxsk', securityToken: 'string' },
    });
    await expect(
      hw.checkPrefixes(
        { cloudType: 'HuaweiCloud', appId: 'apptest123', bucket: 'xxx', region: 'cn-north-x' },
        ['xxxx'],
      ),
    ).resolves.toEqual([{ prefix: 'xxxx', exists: true }]);
  });

  it('sends the list-objects example and parses its "--" sizes and null marker', async () => {
    oms()
      .post(p('/objectstorage/buckets/objects'), {
        page_size: 100,
        behind_filename: '',
        file_path: 'A/',
        cloud_type: 'HuaweiCloud',
        bucket_name: 'xxx',
        ak: 'xxxxxak',
        sk: 'xxxxxsk',
        data_center: 'cn-north-x',
      })
      .reply(200, SEED_BUCKET_OBJECTS);
    const hw = provider({ source: { name: 's', accessKey: 'xxxxxak', secretKey: 'xxxxxsk' } });
    const page = await hw.listBucketObjects(
      { cloudType: 'HuaweiCloud', bucket: 'xxx', region: 'cn-north-x' },
      { path: 'A/', pageSize: 100 },
    );
    expect(page.records.map((r) => r.size)).toEqual(['--', '73.59 MB']);
    expect(page.next_marker).toBeNull();
  });

  it('sends the CDN-info example', async () => {
    oms()
      .post(p('/objectstorage/buckets/cdn-info'), {
        ak: 'xxx',
        sk: 'xxx',
        cloud_type: 'Aliyun',
        region: 'cn-hangzhou',
        bucket: 'xxx',
        source_cdn: {
          protocol: 'https',
          domain: 'xxx',
          authentication_type: 'ALIYUN_OSS_B',
          authentication_key: 'xcsad',
        },
      })
      .reply(200, SEED_CDN_INFO);
    const hw = provider({ source: { name: 's', accessKey: 'xxx', secretKey: 'xxx' } });
    const info = await hw.bucketCdnInfo(
      { cloudType: 'Aliyun', region: 'cn-hangzhou', bucket: 'xxx' },
      { protocol: 'https', domain: 'xxx', authentication_type: 'ALIYUN_OSS_B', authentication_key: 'xcsad' },
    );
    expect(info.checked_keys.map((k) => k.key)).toEqual(['xxx', 'yyy']);
  });

  it('parses the cloud-vendor example', async () => {
    oms().get(p('/objectstorage/cloud-type')).query({ type: 'src' }).reply(200, SEED_VENDORS);
    await expect(provider().listCloudVendors('src')).resolves.toEqual(SEED_VENDORS);
  });

  it('parses the regions example and filters by vendor', async () => {
    oms().get(p('/objectstorage/data-center')).times(2).reply(200, SEED_REGIONS);
    const aws = await provider().listRegions('AWS');
    expect(aws[0]?.region_list.map((r) => r.value)).toEqual(['us-east-1', 'us-west-1', 'ap-east-1']);
    await expect(provider().listRegions('Aliyun')).resolves.toEqual([]);
  });
});

describe('errors', () => {
  it('reads the group-deletion error body (Table 5-156 lists error_code first)', async () => {
    oms()
      .delete(p('/taskgroups/157ece42-3270-4824-a3d2-f0187a03ca01'))
      .reply(400, { error_code: 'OMS.1047', error_msg: 'Task groups in current state cannot be deleted.' });
    const error = await provider()
      .delete('task-group', '157ece42-3270-4824-a3d2-f0187a03ca01')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400, errorCode: 'OMS.1047', operation: 'DeleteTaskGroup' });
  });
});
