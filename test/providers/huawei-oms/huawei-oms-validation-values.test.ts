import { describe, expect, it } from 'vitest';
import { bandwidthProblem } from '../../../src/providers/huawei-oms/bandwidth.js';
import {
  type CreateTaskReq,
  createSyncTaskReqSchema,
  createTaskGroupReqSchema,
  createTaskReqSchema,
} from '../../../src/providers/huawei-oms/schemas.js';
import { group, invalid, syncTask, task, useRefusingOms, w } from './validation-rig.js';

// What a value may be, as seed 002 documents it (descriptions, traffic-limiting windows,
// enumerations), checked before anything is sent.

const { client, provider } = useRefusingOms();

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
