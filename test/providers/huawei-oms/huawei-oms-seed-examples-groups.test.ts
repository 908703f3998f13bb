import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/connections/connection.js';
import {
  SEED_BUCKET_OBJECTS,
  SEED_BUCKET_REGION,
  SEED_BUCKETS,
  SEED_CDN_INFO,
  SEED_LIST_GROUPS,
  SEED_PREFIX,
  SEED_REGIONS,
  SEED_SHOW_GROUP,
  SEED_VENDORS,
} from '../../fixtures/oms-seed-responses.js';
import { EXAMPLE_KEYS, useSeedExamples } from './seed-examples-rig.js';

// Seed 002 §5.4 to §5.7 as printed: the examples of migration task groups, buckets, vendors and
// regions, and an error body, nulls, odd values and all. Where a request example leaves out a
// mandatory parameter, the test says so.

const { oms, p, client, provider, createFromExample } = useSeedExamples();

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
