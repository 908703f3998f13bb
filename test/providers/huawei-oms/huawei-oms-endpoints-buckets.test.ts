import { describe, expect, it } from 'vitest';
import { omsError, SRC, syncBody, useEndpointsSimulator } from './endpoints-rig.js';

// Seed 002 §5.5 to §5.7 (buckets, vendors, regions) against the simulator over loopback, one success
// and at least one documented error each, and what the gateway does across operations.

const { sim, client, readonlyClient, noAccessClient, raw } = useEndpointsSimulator();

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
