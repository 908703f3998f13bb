import { describe, expect, it } from 'vitest';
import {
  omsPrefixCheck,
  omsRequestFromForm,
  parseOmsBandwidth as parseBandwidthWindows,
} from '../../../src/providers/huawei-oms/create-form.js';
import { summarizeOms } from '../../../src/providers/huawei-oms/summary.js';
import { ncpRequestFromForm } from '../../../src/providers/ncp/create-form.js';
import { upcloudRequestFromForm } from '../../../src/providers/upcloud/create-form.js';
import { OMS_OK } from './oms-form-values.js';

// The create forms as requests: bandwidth windows typed one per line, and each provider's form mapped
// onto its create request, every bad field named at once.

const MB = 1024 ** 2;

describe('bandwidth windows typed one per line', () => {
  it('parses start-end=speed lines, padding hours and accepting MB/s, MiB and KB', () => {
    const parsed = parseBandwidthWindows(
      '0:00-6:00=200MB/s\n\n 22:00 – 23:30 = 1.5 MiB/s \n12:00-13:00=2048KB/s',
    );
    expect(parsed).toEqual({
      ok: true,
      windows: [
        { start: '00:00', end: '06:00', maxBytesPerSecond: 200 * MB },
        { start: '22:00', end: '23:30', maxBytesPerSecond: 1.5 * MB },
        { start: '12:00', end: '13:00', maxBytesPerSecond: 2 * MB },
      ],
    });
    expect(parseBandwidthWindows('')).toEqual({ ok: true, windows: [] });
  });

  it.each([
    ['00:00-06:00 200MB/s', /Line 1 .* is not a window: write start-end=speed/],
    ['01:00-02:00=10MB/s\nfast please', /Line 2 \("fast please"\)/],
    ['00:00-06:00=300MB/s', /Window 1: the rate must be from 1 MB\/s to 200 MB\/s/],
    ['00:00-06:00=512KB/s', /Window 1: the rate must be from 1 MB\/s to 200 MB\/s/],
    ['00:00-06:00=10MB/s\n05:00-07:00=10MB/s', /Windows 1 \(00:00–06:00\) and 2 \(05:00–07:00\) overlap/],
    ['25:00-06:00=10MB/s', /Window 1: start must be a time in hh:mm format/],
    [
      ['00', '02', '04', '06', '08', '10'].map((h) => `${h}:00-${h}:30=10MB/s`).join('\n'),
      /At most 5 traffic-limiting windows/,
    ],
  ])('refuses %j with a specific message', (text, message) => {
    const parsed = parseBandwidthWindows(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('OMS form → create request', () => {
  it('maps a task form onto omsCreateTaskRequestSchema without any key', () => {
    const result = omsRequestFromForm('task', OMS_OK);
    expect(result).toEqual({
      ok: true,
      request: {
        task_type: 'prefix',
        task_priority: 'HIGH',
        description: 'photos to OBS',
        src_node: {
          cloud_type: 'AWS',
          region: 'us-east-1',
          bucket: 'src-bucket',
          object_key: ['photos/', 'logs/'],
        },
        dst_node: { region: 'cn-north-4', bucket: 'dst-bucket', save_prefix: 'from-aws' },
        object_overwrite_mode: 'NO_OVERWRITE',
        consistency_check: 'crc64',
        dst_storage_policy: 'IA',
        bandwidth_policy: [{ start: '00:00', end: '06:00', max_bandwidth: 200 * MB }],
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/"(ak|sk|src_ak|dst_sk|security_token)"/);
  });

  it('checks OBS bucket names (destination and list file) and reports every bad field at once', () => {
    for (const [name, why] of [
      ['My_Bucket', 'lowercase letters, digits'],
      ['ab', '3 to 63 characters'],
      ['-bucket', 'starts and ends with a letter or a digit'],
      ['my-.bucket', 'no two periods together'],
      ['192.168.1.10', 'IP address'],
    ] as const) {
      const result = omsRequestFromForm('task', { ...OMS_OK, dst_bucket: name, src_region: undefined });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.errors.dst_bucket).toContain(why);
      // Every invalid field in one answer, not one per submit.
      expect(result.errors.src_region).toBeDefined();
    }
    const list = omsRequestFromForm('task', {
      ...OMS_OK,
      task_type: 'list',
      src_objects: undefined,
      list_file: 'Lists/x.txt',
    });
    expect(list.ok || list.errors.list_file).toContain("list file's bucket is on OBS");
    expect(omsRequestFromForm('task', { ...OMS_OK, dst_bucket: 'obs.photos-2026' }).ok).toBe(true);
  });

  it('maps a task group form (upper-case types, enable_kms defaulted, no priority)', () => {
    const result = omsRequestFromForm('task-group', { ...OMS_OK, task_type: 'PREFIX', priority: undefined });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.request.task_type).toBe('PREFIX');
      expect(result.request.enable_kms).toBe(false);
      expect(result.request).not.toHaveProperty('task_priority');
    }
  });

  it('reads a list file written bucket/key', () => {
    const result = omsRequestFromForm('task', {
      ...OMS_OK,
      task_type: 'list',
      src_objects: undefined,
      list_file: 'my-lists/2024/objects.txt',
    });
    expect(result.ok && (result.request.src_node as Record<string, unknown>).list_file).toEqual({
      obs_bucket: 'my-lists',
      list_file_key: '2024/objects.txt',
    });
  });

  it('names every invalid field and why', () => {
    const result = omsRequestFromForm('task', {
      task_type: 'prefix',
      src_cloud: 'AWS',
      src_bucket: '__error',
      src_objects: `ok/\n${'x'.repeat(1025)}`,
      list_file: 'no-slash',
      dst_region: 'cn-north-4',
      description: 'has <angle> brackets',
      bandwidth: '00:00-06:00=500MB/s',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      src_bucket: expect.stringMatching(/Pick a bucket from the list/),
      list_file: expect.stringMatching(/<OBS bucket>\/<object key>/),
      bandwidth: expect.stringMatching(/Window 1: the rate must be from 1 MB\/s to 200 MB\/s/),
      src_region: 'The task type Prefixes needs the source region: pick one.',
      src_objects: 'Objects or prefixes, line 2: must be at most 1024 characters.',
      dst_bucket: 'Destination bucket is required.',
      description: expect.stringMatching(/^Description must not contain any of these characters: /),
    });
  });

  it('says which source cloud a URL list needs, and refuses objects on a list task', () => {
    const urlList = omsRequestFromForm('task', { ...OMS_OK, task_type: 'url_list', src_objects: undefined });
    expect(!urlList.ok && urlList.errors).toEqual({
      src_cloud: 'Source cloud must be URLSource when the task type is URL list file.',
      list_file: 'The task type URL list file needs the list file: <OBS bucket>/<object key>.',
    });
    const list = omsRequestFromForm('task', { ...OMS_OK, task_type: 'list', list_file: 'b/k' });
    expect(!list.ok && list.errors.src_objects).toMatch(/not used when the task type is Object list file:/);
    const noCloud = omsRequestFromForm('task-group', {
      ...OMS_OK,
      task_type: 'PREFIX',
      src_cloud: undefined,
    });
    expect(!noCloud.ok && noCloud.errors.src_cloud).toBe('Pick the cloud the data comes from.');
    const tencent = omsRequestFromForm('task', { ...OMS_OK, src_cloud: 'Tencent' });
    expect(!tencent.ok && tencent.errors.src_app_id).toBe(
      'App ID is required when the source cloud is Tencent.',
    );
  });

  it('refuses a task type named like an object property, in words (found by the fuzzer)', () => {
    for (const kind of ['task', 'task-group'] as const)
      for (const taskType of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const result = omsRequestFromForm(kind, { ...OMS_OK, task_type: taskType, src_objects: 'photos/' });
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(Object.keys(result.errors)).toEqual(['task_type']);
        expect(result.errors.task_type).toMatch(/^Task type must be one of /);
        expect(JSON.stringify(result.errors)).not.toContain('[object');
      }
  });

  it('checks the listed keys of object and prefix tasks only', () => {
    const result = omsRequestFromForm('task', OMS_OK);
    expect(result.ok && omsPrefixCheck(result.request)).toEqual({
      source: { cloudType: 'AWS', region: 'us-east-1', bucket: 'src-bucket', appId: undefined },
      prefixes: ['photos/', 'logs/'],
    });
    const whole = omsRequestFromForm('task', { ...OMS_OK, src_objects: undefined });
    expect(whole.ok && omsPrefixCheck(whole.request)).toBeUndefined();
  });

  it('an empty objects field is the whole bucket, sent as [""] (Tables 5-40 and 5-132)', () => {
    for (const [kind, taskType] of [
      ['task', 'prefix'],
      ['task', 'object'],
      ['task-group', 'PREFIX'],
    ] as const) {
      const whole = omsRequestFromForm(kind, { ...OMS_OK, task_type: taskType, src_objects: '  \n ' });
      expect(whole.ok, taskType).toBe(true);
      expect(whole.ok && (whole.request.src_node as { object_key?: string[] }).object_key).toEqual(['']);
      // The approval lists no objects for it.
      expect(whole.ok && summarizeOms('task', whole.request).objects).toBeUndefined();
    }
    // A request without a cloud is OMS's default source cloud (Table 5-40: Aliyun).
    const { cloud_type: _cloud, ...srcNode } = { cloud_type: 'AWS', region: 'cn-hangzhou', bucket: 'b' };
    const aliyun = summarizeOms('task', {
      task_type: 'prefix',
      src_node: srcNode,
      dst_node: { region: 'cn-north-4', bucket: 'd' },
    });
    expect(aliyun.source).toBe('Aliyun cn-hangzhou · b');
    // A list task names its objects in the list file: no object_key at all.
    const list = omsRequestFromForm('task', {
      ...OMS_OK,
      task_type: 'list',
      list_file: 'my-lists/objects.txt',
      src_objects: undefined,
    });
    expect(list.ok).toBe(true);
    expect(list.ok && (list.request.src_node as { object_key?: string[] }).object_key).toBeUndefined();
  });
});

describe('NCP and UpCloud forms → create requests', () => {
  it('maps an NCP policy and names bad fields', () => {
    expect(
      ncpRequestFromForm({
        title: 'photos-2024',
        src_csp: 'AWS',
        src_region: 'ap-northeast-2',
        src_bucket: 'photos',
        src_prefix: '2024/',
        dst_bucket: 'ncp-photos',
      }),
    ).toEqual({
      ok: true,
      request: {
        title: 'photos-2024',
        sourceCspType: 'AWS',
        sourceRegion: 'ap-northeast-2',
        sourceBucket: 'photos',
        sourcePrefix: '2024/',
        targetBucket: 'ncp-photos',
      },
    });
    const bad = ncpRequestFromForm({ title: 'photos 2024!', src_csp: 'GCP', src_region: 'x' });
    expect(!bad.ok && bad.errors).toEqual({
      title: 'Policy title may contain only letters, digits, ".", "-" and "_".',
      src_csp: expect.stringMatching(/^Source cloud: Invalid option: expected one of "AWS"\|"Azure"/),
      src_bucket: 'Source bucket is required.',
      dst_bucket: 'Target bucket is required.',
    });
  });

  it('maps an UpCloud job and names bad fields', () => {
    const ok = upcloudRequestFromForm({
      name: 'logs',
      src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
      src_region: 'eu-central-1',
      src_bucket: 'logs',
      dst_bucket: 'logs-upcloud',
      dst_prefix: 'aws/',
    });
    expect(ok.ok && ok.request).toMatchObject({ name: 'logs', targetPrefix: 'aws/', sourceBucket: 'logs' });
    const bad = upcloudRequestFromForm({
      name: 'logs',
      src_endpoint: 'ftp://user:pw@example.com',
      src_bucket: 'logs/2024',
      dst_bucket: 'x',
    });
    expect(!bad.ok && bad.errors).toEqual({
      src_endpoint: 'Source endpoint must be an S3 endpoint such as https://s3.eu-central-1.amazonaws.com.',
      src_region: 'Source region is required.',
      src_bucket: "Source bucket must be a bucket name only (no '/' or spaces; put paths in the prefix).",
      dst_bucket: 'UpCloud Object Storage bucket names have 3 to 63 characters (this one has 1).',
    });
  });

  it('checks the target bucket by the target service’s naming rules, with every other bad field at once', () => {
    const ncp = { title: 'p', src_csp: 'AWS', src_region: 'ap-northeast-2', src_bucket: 'Photos_2024' };
    const upcloud = {
      name: 'logs',
      src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
      src_bucket: 'logs',
    };
    for (const [name, why] of [
      ['My_Bucket', 'only lowercase letters, digits'],
      ['ab', '3 to 63 characters'],
      ['bucket-', 'starts and ends with a letter or a digit'],
      ['my..bucket', 'no two periods together'],
      ['10.0.0.1', 'IP address'],
    ] as const) {
      const a = ncpRequestFromForm({ ...ncp, dst_bucket: name });
      expect(!a.ok && a.errors.dst_bucket).toMatch(new RegExp(`NCP Object Storage bucket name.*${why}`));
      const b = upcloudRequestFromForm({ ...upcloud, dst_bucket: name });
      expect(!b.ok && b.errors.dst_bucket).toMatch(new RegExp(`UpCloud Object Storage bucket name.*${why}`));
      // The same answer names the other bad field too (UpCloud's missing region).
      expect(!b.ok && b.errors.src_region).toBe('Source region is required.');
    }
    // A source bucket on another cloud keeps that cloud's rules: not judged by the target's.
    expect(ncpRequestFromForm({ ...ncp, dst_bucket: 'ncp.photos-2024' }).ok).toBe(true);
    expect(upcloudRequestFromForm({ ...upcloud, src_region: 'eu-central-1', dst_bucket: 'a.b-c' }).ok).toBe(
      true,
    );
  });
});
