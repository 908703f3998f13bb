import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { InvalidInputError } from '../../src/errors.js';
import { PoolRegistry, type Transport } from '../../src/providers/http/http-client.js';
import { bandwidthProblem } from '../../src/providers/huawei-oms/bandwidth.js';
import { OmsClient } from '../../src/providers/huawei-oms/client.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import {
  type CreateSyncTaskReq,
  type CreateTaskGroupReq,
  type CreateTaskReq,
  createSyncTaskReqSchema,
  createTaskGroupReqSchema,
  createTaskReqSchema,
} from '../../src/providers/huawei-oms/schemas.js';
import { captureLogger } from '../helpers/capture-logger.js';

// Request checks against the seed's documented limits, before anything is sent: the transport fails
// the test if a request gets through.

const sent: string[] = [];
const refuse: Transport = async (request) => {
  sent.push(`${request.method} ${request.url.pathname}`);
  return { status: 200, headers: {}, text: '{}' };
};
const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');
const SECRET = 'a-very-secret-source-key-that-must-not-leak';
const connection: Connection = {
  name: 'hw',
  provider: 'huawei-oms',
  endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
  projectId: 'p1',
  auth: { type: 'aksk', accessKey: 'AK', secretKey: 'SK' },
  storage: {
    source: { name: 's', accessKey: 'SRCAK', secretKey: SECRET },
    destination: { name: 'd', accessKey: 'DSTAK', secretKey: 'dst-secret' },
  },
};
const client = new OmsClient(connection, { pools, logger, transport: refuse });
const provider = new HuaweiOmsProvider(connection, { pools, logger, transport: refuse });

afterAll(async () => {
  expect(sent, 'no invalid request may be sent').toEqual([]);
  await pools.close();
});

async function invalid(promise: Promise<unknown>, message: RegExp): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).toMatch(message);
  return (error as Error).message;
}

/** The source and destination of every task and group below (new objects each time). */
const nodes = () => ({
  src_node: {
    cloud_type: 'AWS' as const,
    region: 'us-east-1',
    bucket: 'src',
    ak: 'SRCAK',
    sk: 'srcsk',
    object_key: ['a/'],
  },
  dst_node: { region: 'cn-north-4', bucket: 'dst', ak: 'DSTAK', sk: 'dstsk' },
});

const task = (overrides: Partial<CreateTaskReq> = {}): CreateTaskReq => ({
  task_type: 'object',
  ...nodes(),
  ...overrides,
});

const group = (overrides: Partial<CreateTaskGroupReq> = {}): CreateTaskGroupReq => ({
  enable_kms: false,
  ...nodes(),
  ...overrides,
});

const syncTask = (overrides: Partial<CreateSyncTaskReq> = {}): CreateSyncTaskReq => ({
  src_region: 'cn-beijing',
  src_bucket: 'src',
  src_ak: 'SRCAK',
  src_sk: 'srcsk',
  dst_ak: 'DSTAK',
  dst_sk: 'dstsk',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst',
  ...overrides,
});

const w = (start: string, end: string, max_bandwidth = 10_485_760) => ({ start, end, max_bandwidth });

describe('descriptions', () => {
  it('allow 255 characters and no more', async () => {
    expect(createTaskReqSchema.safeParse(task({ description: 'x'.repeat(255) })).success).toBe(true);
    await invalid(
      client.createTask(task({ description: 'x'.repeat(256) })),
      /description must be at most 255 characters/,
    );
  });

  it.each(['^', '<', '>', '&', '"', "'"])('reject %s in task and group descriptions', async (c) => {
    await invalid(
      client.createTask(task({ description: `a${c}b` })),
      /description must not contain any of these characters: \^<>&"'/,
    );
    await invalid(client.createTaskGroup(group({ description: `a${c}b` })), /description must not contain/);
  });

  it('use the synchronization task set <>()"\'& (parentheses out, ^ in)', async () => {
    await invalid(
      client.createSyncTask(syncTask({ description: 'a (b)' })),
      /description must not contain any of these characters: <>\(\)"'&/,
    );
    expect(createTaskGroupReqSchema.safeParse(group({ description: 'a (b)' })).success).toBe(true);
  });
});

describe('traffic-limiting windows', () => {
  it('take at most five', async () => {
    const six = ['00', '02', '04', '06', '08', '10'].map((h) => w(`${h}:00`, `${h}:30`));
    await invalid(
      client.updateTaskBandwidthPolicy('191297407830872', six),
      /at most 5 traffic-limiting windows/,
    );
    expect(bandwidthProblem(six.slice(0, 5))).toBeUndefined();
  });

  it.each(['24:00', '7:00', '07:60', '0700', '', '07:00:00'])('reject the time %j (hh:mm)', async (time) => {
    await invalid(
      client.updateTaskGroupBandwidthPolicy('9dd98a5e-7ea3-4d80', [w(time, '08:00')]),
      /bandwidth_policy\[0\]\.start window 1: start must be a time in hh:mm format/,
    );
  });

  it.each([
    [1_048_575, false],
    [1_048_576, true],
    [209_715_200, true],
    [209_715_201, false],
    [10_485_760.5, false],
  ])('max_bandwidth %d accepted: %s', (max, ok) => {
    const problem = bandwidthProblem([w('00:00', '01:00', max)]);
    if (ok) expect(problem).toBeUndefined();
    else expect(problem).toMatchObject({ code: 'OMS.0084', path: [0, 'max_bandwidth'] });
  });

  it('reject overlapping windows, touching ones are fine', () => {
    expect(bandwidthProblem([w('00:00', '12:00'), w('11:59', '13:00')])).toMatchObject({
      code: 'OMS.0085',
      message: 'windows 1 (00:00–12:00) and 2 (11:59–13:00) overlap',
    });
    expect(bandwidthProblem([w('00:00', '12:00'), w('12:00', '23:59')])).toBeUndefined();
  });

  it('treat end before start as running past midnight (inferred), overlap included', () => {
    expect(bandwidthProblem([w('22:00', '06:00'), w('08:00', '18:00')])).toBeUndefined();
    expect(bandwidthProblem([w('22:00', '06:00'), w('05:00', '07:00')])).toMatchObject({ code: 'OMS.0085' });
    expect(bandwidthProblem([w('12:00', '12:00')])).toMatchObject({ code: 'OMS.0087' });
  });

  it('come from BandwidthWindow in setBandwidth, naming the window', async () => {
    await invalid(
      provider.setBandwidth('task', '191297407830872', [
        { start: '01:00', end: '02:00', maxBytesPerSecond: 500 },
      ]),
      /^Bandwidth windows: Window 1: the rate must be from 1 MB\/s to 200 MB\/s \(1048576 to 209715200 bytes\/s\)\.$/,
    );
    await invalid(
      provider.setBandwidth('sync-task', 'abc', [
        { start: '01:00', end: '02:00', maxBytesPerSecond: 2_000_000 },
      ]),
      /no traffic-limiting rules/,
    );
  });
});

describe('enumerations, exactly as documented', () => {
  it.each([
    ['task_type', { task_type: 'folder' }, /task_type must be one of list, object, prefix, url_list/],
    [
      'object_overwrite_mode',
      { object_overwrite_mode: 'ALWAYS' },
      /object_overwrite_mode must be one of NO_OVERWRITE, SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE, CRC64_COMPARISON_OVERWRITE, FULL_OVERWRITE/,
    ],
    [
      'dst_storage_policy',
      { dst_storage_policy: 'COLD' },
      /dst_storage_policy must be one of STANDARD, IA, ARCHIVE, DEEP_ARCHIVE, SRC_STORAGE_MAPPING/,
    ],
    [
      'consistency_check',
      { consistency_check: 'transmission' },
      /consistency_check must be one of size_last_modified, crc64, no_check/,
    ],
    ['task_priority', { task_priority: 'URGENT' }, /task_priority must be one of HIGH, MEDIUM, LOW/],
  ])('task %s', async (_field, overrides, message) => {
    await invalid(client.createTask(task(overrides as Partial<CreateTaskReq>)), message);
  });

  it('source cloud_type', async () => {
    await invalid(
      client.createTask(task({ src_node: { ...task().src_node, cloud_type: 'aws' as 'AWS' } })),
      /src_node\.cloud_type must be one of AWS, Azure, Aliyun, Tencent, HuaweiCloud/,
    );
  });

  it('group task_type is upper case', async () => {
    await invalid(
      client.createTaskGroup(group({ task_type: 'prefix' as 'PREFIX' })),
      /task_type must be one of LIST, URL_LIST, PREFIX/,
    );
  });

  it('synchronization tasks take transmission, not no_check, and no Google source', async () => {
    expect(createSyncTaskReqSchema.safeParse(syncTask({ consistency_check: 'transmission' })).success).toBe(
      true,
    );
    await invalid(
      client.createSyncTask(syncTask({ consistency_check: 'no_check' as 'crc64' })),
      /consistency_check must be one of size_last_modified, crc64, transmission/,
    );
    await invalid(
      client.createSyncTask(syncTask({ src_cloud_type: 'Google' as 'AWS' })),
      /src_cloud_type must be one of/,
    );
  });

  it('CDN authentication types and protocols, SMN trigger conditions and languages', async () => {
    const cdn = {
      domain: 'cdn.example.com',
      protocol: 'https' as const,
      authentication_type: 'NONE' as const,
    };
    await invalid(
      client.createTask(task({ source_cdn: { ...cdn, authentication_type: 'TOKEN' as 'NONE' } })),
      /source_cdn\.authentication_type must be one of NONE, QINIU_PRIVATE_AUTHENTICATION/,
    );
    await invalid(
      client.createTask(task({ source_cdn: { ...cdn, protocol: 'ftp' as 'http' } })),
      /protocol must be one of http, https/,
    );
    const smn = { topic_urn: 'urn:smn:x', trigger_conditions: ['SUCCESS' as const] };
    await invalid(
      client.createTask(task({ smn_config: { ...smn, trigger_conditions: [] } })),
      /trigger_conditions must name at least one/,
    );
    await invalid(
      client.createTask(
        task({ smn_config: { ...smn, trigger_conditions: ['SUCCESS', 'FAILURE', 'SUCCESS'] } }),
      ),
      /trigger_conditions must have at most 2 items/,
    );
    await invalid(
      client.createTask(task({ smn_config: { ...smn, language: 'fr-fr' as 'en-us' } })),
      /language must be one of zh-cn, en-us/,
    );
  });

  it('bucket cloud types include HEC; the CDN query has no Google', async () => {
    await invalid(
      client.listBuckets({ cloud_type: 'GCP' as 'AWS', ak: 'a', sk: 'b' }),
      /cloud_type must be one of AWS, Aliyun/,
    );
    await invalid(
      client.showBucketCdnInfo({
        ak: 'a',
        sk: 'b',
        cloud_type: 'Google' as 'AWS',
        region: 'r',
        bucket: 'b',
        source_cdn: { domain: 'd', protocol: 'http', authentication_type: 'NONE' },
      }),
      /cloud_type must be one of/,
    );
  });
});

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
    expect(
      () => new OmsClient({ ...connection, projectId: id }, { pools, logger, transport: refuse }),
    ).toThrow(/projectId is not a Huawei project id/);
  });

  it('a UUID (the form of §5.3.1) and ids with dots inside are accepted', () => {
    for (const id of ['f697f813-554a-4f05-bac8-82a183b20878', 'a.b', '...'])
      expect(
        () => new OmsClient({ ...connection, projectId: id }, { pools, logger, transport: refuse }),
      ).not.toThrow();
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
    const bare = new HuaweiOmsProvider({ ...connection, storage: {} }, { pools, logger, transport: refuse });
    const request = { src_node: { region: 'r', bucket: 'b' }, dst_node: { region: 'r', bucket: 'b' } };
    await invalid(
      bare.create('task', request),
      /no source storage credentials \(storage\.source\.accessKey and storage\.source\.secretKey\)/,
    );
    const sourceOnly = new HuaweiOmsProvider(
      { ...connection, storage: { source: connection.storage.source } },
      { pools, logger, transport: refuse },
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
