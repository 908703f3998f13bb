import { describe, expect, it } from 'vitest';
import { OmsClient } from '../../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import type { CreateTaskGroupReq, CreateTaskReq } from '../../../src/providers/huawei-oms/schemas.js';
import { group, invalid, SECRET, syncTask, task, useRefusingOms } from './validation-rig.js';

// What a request must hold, as seed 002 documents it (lengths, counts and conditional fields, the
// project id, query and path parameters, the provider's create requests), checked before anything is sent.

const { connection, client, provider, deps } = useRefusingOms();

describe('lengths, counts and conditional fields', () => {
  it('keys and names', async () => {
    const message = await invalid(
      client.createTask(task({ src_node: { ...task().src_node, sk: SECRET.repeat(3) } })),
      /src_node\.sk must be at most 100 characters/,
    );
    expect(message).not.toContain(SECRET);
    await invalid(
      client.createTask(task({ dst_node: { ...task().dst_node, region: 'r'.repeat(101) } })),
      /dst_node\.region must be at most 100/,
    );
    await invalid(
      client.createTask(task({ dst_node: { ...task().dst_node, bucket: 'b'.repeat(1025) } })),
      /dst_node\.bucket must be at most 1024/,
    );
    await invalid(
      client.createTask(
        task({ src_node: { ...task().src_node, object_key: Array.from({ length: 501 }, () => 'k') } }),
      ),
      /src_node\.object_key must have at most 500 items/,
    );
    await invalid(client.createTask(task({ migrate_since: -1 })), /migrate_since/);
  });

  it('mandatory fields', async () => {
    const { dst_node: _d, ...noDestination } = task();
    await invalid(client.createTask(noDestination as CreateTaskReq), /dst_node is required/);
    const { enable_kms: _k, ...noKms } = group();
    await invalid(client.createTaskGroup(noKms as CreateTaskGroupReq), /enable_kms is required/);
    await invalid(
      client.startTask('191297407830872', { dst_ak: '', dst_sk: 'x' }),
      /dst_ak must not be empty/,
    );
    await invalid(
      client.startSyncTask('abc', { src_ak: 'a', src_sk: 'b', dst_ak: 'c' } as never),
      /dst_sk is required/,
    );
  });

  it('the rules that depend on task_type and cloud_type', async () => {
    await invalid(
      client.createTask(task({ task_type: 'url_list' })),
      /src_node\.cloud_type must be URLSource when task_type is url_list/,
    );
    await invalid(client.createTask(task({ task_type: 'list' })), /src_node\.list_file is required/);
    await invalid(
      client.createTask(task({ src_node: { ...task().src_node, region: undefined } })),
      /src_node\.region is required unless task_type is url_list/,
    );
    await invalid(
      client.createTask(task({ src_node: { ...task().src_node, ak: undefined } })),
      /ak and sk are required/,
    );
    await invalid(
      client.createTask(task({ src_node: { ...task().src_node, cloud_type: 'Tencent' } })),
      /src_node\.app_id is required when cloud_type is Tencent/,
    );
    await invalid(
      client.createTaskGroup(group({ task_type: 'URL_LIST' })),
      /must be URLSource when task_type is URL_LIST/,
    );
    await invalid(
      client.createSyncTask(syncTask({ src_cloud_type: 'Tencent' })),
      /app_id is required when src_cloud_type is Tencent/,
    );
  });

  it('batch updates: group_id or at most 20 ids', async () => {
    await invalid(client.batchUpdateTasks({ bandwidth_policy: [] }), /either group_id or ids must be given/);
    await invalid(
      client.batchUpdateTasks({ ids: Array.from({ length: 21 }, (_, i) => i), bandwidth_policy: [] }),
      /ids must have at most 20 items/,
    );
    await invalid(
      client.batchUpdateTasks({ group_id: 'g'.repeat(37), bandwidth_policy: [] }),
      /group_id must be at most 36/,
    );
  });

  it('synchronization events: 1 to 100 keys', async () => {
    await invalid(client.createSyncEvents('abc', []), /object_keys must name at least one object/);
    await invalid(
      client.createSyncEvents(
        'abc',
        Array.from({ length: 101 }, () => 'k'),
      ),
      /object_keys must have at most 100 items/,
    );
    await invalid(provider.syncEvent('sync-task', 'abc', []), /at least one object key/);
    await invalid(provider.syncEvent('task', '1', ['a']), /Only OMS synchronization tasks/);
  });

  it('bucket queries', async () => {
    const base = {
      cloud_type: 'AWS' as const,
      ak: 'a',
      sk: 'b',
      bucket_name: 'src',
      data_center: 'us-east-1',
    };
    await invalid(
      client.listBucketObjects({ ...base, file_path: 'photos', page_size: 10, behind_filename: '' }),
      /file_path must end with a slash/,
    );
    await invalid(
      client.listBucketObjects({ ...base, file_path: '', page_size: 101, behind_filename: '' }),
      /page_size must be at most 100/,
    );
    await invalid(
      client.checkPrefix({ ...base, bucket_name: 'b'.repeat(101), file_name: 'x' }),
      /bucket_name must be at most 100/,
    );
  });
});

describe('the project id (path parameter project_id, 1 to 1,024 characters; Table 3-3 header)', () => {
  // `..` would go out as /v2/../tasks, resolved to /tasks and signed as /tasks: another operation.
  it.each(['.', '..', 'a/b', 'a?b', 'a#b', '%2e%2e'])('%s is refused before anything is sent', (id) => {
    expect(() => new OmsClient({ ...connection, projectId: id }, deps)).toThrow(
      /projectId is not a Huawei project id/,
    );
  });

  it('a UUID (the form of §5.3.1) and ids with dots inside are accepted', () => {
    for (const id of ['f697f813-554a-4f05-bac8-82a183b20878', 'a.b', '...'])
      expect(() => new OmsClient({ ...connection, projectId: id }, deps)).not.toThrow();
  });
});

describe('query and path parameters', () => {
  it('pages', async () => {
    await invalid(client.listTasks({ limit: 0 }), /limit must be between 1 and 100/);
    await invalid(client.listTaskGroups({ offset: -1 }), /offset must be between 0 and 2147483647/);
    await invalid(client.listSyncTasks({ offset: 10_001 }), /offset must be between 0 and 10000/);
    await invalid(client.listTaskGroups({ status: 10 }), /status must be a task group status from 0 to 9/);
    await invalid(
      client.listSyncTasks({ status: 'RUNNING' as 'STOPPED' }),
      /status must be one of SYNCHRONIZING, STOPPED/,
    );
  });

  it('ids', async () => {
    await invalid(client.showTask('abc'), /not an OMS task id/);
    await invalid(client.showTaskGroup('../tasks'), /not an OMS task group id/);
    await invalid(client.showTaskGroup('g'.repeat(101)), /not an OMS task group id/);
    await invalid(client.stopSyncTask('a/b'), /not an OMS synchronization task id/);
    await invalid(client.showApiVersion('v2/../x'), /not an OMS API version/);
    // 5.1.2 GET /{version}: `.` and `..` are dot-segments a URL resolves away (`/..` goes out as `/`).
    await invalid(client.showApiVersion('..'), /not an OMS API version/);
    await invalid(client.showApiVersion('.'), /not an OMS API version/);
  });

  it('statistics', async () => {
    await invalid(
      client.showSyncTaskStatistics('abc', { dataTypes: [], startTime: 0, endTime: 1 }),
      /at least one statistic/,
    );
    await invalid(
      client.showSyncTaskStatistics('abc', { dataTypes: ['BYTES' as 'SIZE'], startTime: 0, endTime: 1 }),
      /data_type must be one of REQUEST, SUCCESS, FAILURE, SKIP, SIZE/,
    );
    await invalid(
      client.showSyncTaskStatistics('abc', { dataTypes: ['SIZE'], startTime: 2, endTime: 1 }),
      /end_time must not be before/,
    );
    await invalid(client.listCloudVendors('both' as 'src'), /type must be src or dst/);
  });
});

describe('provider-level create requests', () => {
  it('refuse keys in the request: they come from the connection', async () => {
    const message = await invalid(
      provider.create('task', {
        src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src', ak: 'X', sk: SECRET },
        dst_node: { region: 'cn-north-4', bucket: 'dst' },
      }),
      /Invalid OMS task request: ak, sk cannot be given in src_node: storage keys come from the connection/,
    );
    expect(message).not.toContain(SECRET);
    await invalid(
      provider.create('sync-task', {
        src_region: 'r',
        src_bucket: 'b',
        dst_region: 'r',
        dst_bucket: 'b',
        dst_ak: 'x',
      }),
      /dst_ak cannot be given/,
    );
    await invalid(
      provider.create('task-group', {
        src_node: { bucket: 'b', region: 'r' },
        dst_node: { region: 'r', bucket: 'b' },
        speed: 1,
      }),
      /unknown field speed/,
    );
  });

  it('name what is missing', async () => {
    await invalid(provider.create('task', { src_node: {} }), /dst_node is required/);
    await invalid(provider.create('task', 'not an object'), /Invalid OMS task request/);
    await invalid(provider.create('policy', {}), /huawei-oms has no policy resources/);
  });

  it('name the missing storage credential', async () => {
    const bare = new HuaweiOmsProvider({ ...connection, storage: {} }, deps);
    const request = { src_node: { region: 'r', bucket: 'b' }, dst_node: { region: 'r', bucket: 'b' } };
    await invalid(
      bare.create('task', request),
      /no source storage credentials \(storage\.source\.accessKey and storage\.source\.secretKey\)/,
    );
    const sourceOnly = new HuaweiOmsProvider(
      { ...connection, storage: { source: connection.storage.source } },
      deps,
    );
    await invalid(
      sourceOnly.create('task-group', request),
      /no destination storage credentials \(storage\.destination\.accessKey/,
    );
    await invalid(sourceOnly.resume('sync-task', 'abc'), /no destination storage credentials/);
    await invalid(
      bare.listBuckets({ cloudType: 'AWS' }),
      /no source storage credentials .* read the source buckets/,
    );
  });

  it('check the bucket source of the modal queries', async () => {
    await invalid(provider.listBuckets({ cloudType: 'Dropbox' as 'AWS' }), /cloudType must be one of/);
    await invalid(provider.checkPrefixes({ cloudType: 'AWS', bucket: 'b' }, ['a/']), /needs a region/);
    await invalid(provider.bucketRegion({ cloudType: 'AWS' }), /needs a bucket/);
  });
});
