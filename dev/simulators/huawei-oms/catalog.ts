import { json, type SimRequest, type SimResponse } from '../kit.js';
import { isResponse, omsError, type Routes, type SimContext } from './common.js';
import { checkRequest } from './request-check.js';
import type {
  BucketRegionBody,
  CdnInfoBody,
  CheckPrefixBody,
  ListBucketsBody,
  ListObjectsBody,
} from './request-types.js';
import { LIMITS } from './seed-values.js';

export interface SimObject {
  key: string;
  size: number;
  /** When it was last modified, ms since the epoch (absent: long before any task's `migrate_since`). */
  lastModified?: number;
}

/** What a task over a bucket's prefixes finds: all of it, and what `migrate_since` leaves out. */
export interface SimSize {
  bytes: number;
  objects: number;
  /** Objects last modified at or before `migrate_since` (skipped, Table 5-15 `skipped_num`), and their bytes. */
  skippedObjects: number;
  skippedBytes: number;
}

/** A bucket in some source cloud, as the bucket queries (§5.5) see it. */
export interface SimBucket {
  cloudType: string;
  region: string;
  name: string;
  objects: SimObject[];
}

/** HEC is Huawei Cloud as a destination; group responses spell clouds in upper case. */
function sameCloud(a: string, b: string): boolean {
  const norm = (c: string) => (c.toUpperCase() === 'HEC' ? 'HUAWEICLOUD' : c.toUpperCase());
  return norm(a) === norm(b);
}

/** The source clouds' buckets, seeded by tests (`addBucket`, `POST /__sim/buckets`). */
export class SimBuckets {
  readonly #buckets: SimBucket[] = [];

  add(bucket: SimBucket): SimBucket {
    const existing = this.find(bucket.cloudType, bucket.name);
    if (existing) this.#buckets.splice(this.#buckets.indexOf(existing), 1);
    this.#buckets.push(bucket);
    return bucket;
  }

  find(cloudType: string, name: string): SimBucket | undefined {
    return this.#buckets.find((b) => b.name === name && sameCloud(b.cloudType, cloudType));
  }

  list(cloudType: string): SimBucket[] {
    return this.#buckets.filter((b) => sameCloud(b.cloudType, cloudType));
  }

  /**
   * Bytes and objects a task over these prefixes would go through, when the bucket is known. With
   * `sinceSeconds` (CreateTaskReq `migrate_since`, "A timestamp in seconds. Only source objects that
   * are modified after the specified timestamp will be migrated", Table 5-40), the others are
   * skipped: counted in the total and in `skipped_num` ("including those last modified before the
   * specified migration time", Table 5-15), never written.
   */
  sizeOf(
    cloudType: string,
    name: string,
    prefixes: readonly string[] | undefined,
    sinceSeconds = 0,
  ): SimSize | undefined {
    const bucket = this.find(cloudType, name);
    if (!bucket) return undefined;
    const matching = bucket.objects.filter(
      (o) => !prefixes || prefixes.length === 0 || prefixes.some((p) => o.key.startsWith(p)),
    );
    const skipped =
      sinceSeconds > 0 ? matching.filter((o) => (o.lastModified ?? 0) <= sinceSeconds * 1000) : [];
    return {
      bytes: matching.reduce((sum, o) => sum + o.size, 0),
      objects: matching.length,
      skippedObjects: skipped.length,
      skippedBytes: skipped.reduce((sum, o) => sum + o.size, 0),
    };
  }
}

export const DEFAULT_BUCKETS: SimBucket[] = [
  {
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'src-bucket',
    objects: [
      { key: 'photos/2024/a.jpg', size: 1_572_864 },
      { key: 'photos/2024/b.jpg', size: 2_097_152 },
      { key: 'photos/2025/c.jpg', size: 3_145_728 },
      { key: 'logs/app.log', size: 77_164_298 },
      { key: 'readme.txt', size: 1_024 },
    ],
  },
  {
    cloudType: 'Aliyun',
    region: 'cn-beijing',
    name: 'api-auto-test1',
    objects: [{ key: 'test/001.txt', size: 10 }],
  },
  { cloudType: 'HuaweiCloud', region: 'cn-north-4', name: 'dst-bucket', objects: [] },
  {
    cloudType: 'HuaweiCloud',
    region: 'cn-north-4',
    name: 'list-file-bucket',
    objects: [{ key: 'lists/objects.txt', size: 64 }],
  },
];

/** GET /objectstorage/cloud-type?type=src: the documented example list (5.6.1). */
export const SOURCE_CLOUD_VENDORS = [
  'AWS',
  'Aliyun',
  'Qiniu',
  'QingCloud',
  'Tencent',
  'Baidu',
  'KingsoftCloud',
  'Azure',
  'UCloud',
  'HuaweiCloud',
  'Google',
  'URLSource',
];
/** Destinations are Huawei Cloud OBS only (inferred; the seed prints no `dst` example). */
export const DESTINATION_CLOUD_VENDORS = ['HuaweiCloud'];

const region = (cloud: string, value: string, description: string) => ({
  cloud_type: cloud,
  value,
  description,
});

/** GET /objectstorage/data-center: the documented AWS list (5.7.1) plus a few more vendors. */
export const SIM_REGIONS = [
  {
    service_name: 'AWS',
    region_list: [
      region('AWS', 'us-east-1', 'US Standard (N. Virginia)'),
      region('AWS', 'us-west-1', 'US West (N. California)'),
      region('AWS', 'us-west-2', 'US West (Oregon)'),
      region('AWS', 'eu-west-1', 'EU (Ireland)'),
      region('AWS', 'eu-central-1', 'EU (Frankfurt)'),
      region('AWS', 'ap-northeast-1', 'Asia Pacific (Tokyo)'),
      region('AWS', 'ap-northeast-2', 'Asia Pacific (Seoul)'),
      region('AWS', 'ap-southeast-1', 'Asia Pacific (Singapore)'),
      region('AWS', 'ap-southeast-2', 'Asia Pacific (Sydney)'),
      region('AWS', 'ap-south-1', 'Asia Pacific (Mumbai)'),
      region('AWS', 'sa-east-1', 'South America (Sao Paulo)'),
      region('AWS', 'us-east-2', 'US East (Ohio)'),
      region('AWS', 'eu-west-2', 'EU (London)'),
      region('AWS', 'ca-central-1', 'Canada (Central)'),
      region('AWS', 'ap-east-1', 'Asia Pacific (Hong Kong)'),
    ],
  },
  {
    service_name: 'Aliyun',
    region_list: [
      region('Aliyun', 'cn-beijing', 'China North 2 (Beijing)'),
      region('Aliyun', 'cn-hangzhou', 'China East 1 (Hangzhou)'),
      region('Aliyun', 'cn-shanghai', 'China East 2 (Shanghai)'),
    ],
  },
  {
    service_name: 'Tencent',
    region_list: [region('Tencent', 'ap-beijing', 'Beijing'), region('Tencent', 'ap-guangzhou', 'Guangzhou')],
  },
  {
    service_name: 'HuaweiCloud',
    region_list: [
      region('HuaweiCloud', 'cn-north-4', 'CN North-Beijing4'),
      region('HuaweiCloud', 'cn-east-3', 'CN East-Shanghai1'),
      region('HuaweiCloud', 'cn-north-1', 'CN North-Beijing1'),
      region('HuaweiCloud', 'ap-southeast-1', 'CN-Hong Kong'),
    ],
  },
];

function regionDescription(cloudType: string, value: string): string | undefined {
  for (const service of SIM_REGIONS) {
    if (!sameCloud(service.service_name, cloudType)) continue;
    return service.region_list.find((r) => r.value === value)?.description;
  }
  return undefined;
}

const VERSIONS = [
  { id: 'v1', status: 'SUPPORTED', updated: '2020-01-01T12:00:00Z' },
  { id: 'v2', status: 'CURRENT', updated: '2020-04-01T12:00:00Z' },
];

function versionResp(request: SimRequest, version: (typeof VERSIONS)[number]) {
  const host = request.headers.host ?? '127.0.0.1';
  return { ...version, links: [{ rel: 'self', href: `http://${host}/${version.id}/` }] };
}

/**
 * Bucket queries (5.5), cloud vendors (5.6), regions (5.7) and API versions (5.1). Source keys are
 * checked against `storageKeys` when the simulator has some; they are never echoed back.
 */
export function registerCatalogRoutes(
  router: Routes,
  ctx: SimContext,
  project: string,
  storageKeys: Record<string, string> | undefined,
): void {
  const keysProblem = (body: { cloud_type: string; ak?: string; sk?: string; json_auth_file?: string }) => {
    if (body.cloud_type === 'Google' && body.json_auth_file) return undefined;
    if (!body.ak || !body.sk)
      return omsError(400, 'OMS.1004', 'Some required parameters are missing: ak and sk.');
    if (storageKeys && storageKeys[body.ak] !== body.sk) return omsError(400, 'OMS.1016');
    return undefined;
  };
  const storage = `${project}/objectstorage`;

  router
    .add('GET', '/', (r) => json(200, { versions: VERSIONS.map((v) => versionResp(r, v)) }))
    .add('GET', '/:version', (r) => {
      const id = r.params.version ?? '';
      if (id.length < 1 || id.length > LIMITS.versionMax) {
        return omsError(400, 'OMS.0001', 'Invalid parameter settings: version must be 1 to 10 characters.');
      }
      const version = VERSIONS.find((v) => v.id === id);
      if (!version) return omsError(404, 'APIGW.0101', 'The API does not exist or has not been published.');
      return json(200, versionResp(r, version));
    })
    .add('POST', `${storage}/buckets`, (r) => {
      const body = checkRequest<ListBucketsBody>(r, 'ShowBucketList');
      if (isResponse(body)) return body;
      const problem = keysProblem(body);
      if (problem) return problem;
      return json(
        200,
        ctx.buckets.list(body.cloud_type).map((b) => b.name),
      );
    })
    .add('POST', `${storage}/buckets/regions`, (r) => {
      const body = checkRequest<BucketRegionBody>(r, 'ShowBucketRegion');
      if (isResponse(body)) return body;
      const problem = keysProblem(body);
      if (problem) return problem;
      const bucket = ctx.buckets.find(body.cloud_type, body.bucket_name);
      if (!bucket)
        return omsError(400, 'OMS.0155', `Failed to get the bucket region: no bucket ${body.bucket_name}.`);
      const description = regionDescription(bucket.cloudType, bucket.region);
      return json(200, {
        id: bucket.region,
        name: description ?? bucket.region,
        support: description !== undefined,
      });
    })
    .add('POST', `${storage}/buckets/prefix`, (r) => {
      const body = checkRequest<CheckPrefixBody>(r, 'CheckPrefix');
      if (isResponse(body)) return body;
      const problem = keysProblem(body);
      if (problem) return problem;
      const bucket = ctx.buckets.find(body.cloud_type, body.bucket_name);
      if (!bucket)
        return omsError(
          400,
          'OMS.0153',
          `Failed to query the bucket information: no bucket ${body.bucket_name}.`,
        );
      if (bucket.region !== body.data_center) return omsError(400, 'OMS.0182');
      return json(200, { exist: bucket.objects.some((o) => o.key.startsWith(body.file_name)) });
    })
    .add('POST', `${storage}/buckets/objects`, (r) => {
      const body = checkRequest<ListObjectsBody>(r, 'ShowBucketObjects');
      if (isResponse(body)) return body;
      const problem = keysProblem(body);
      if (problem) return problem;
      const bucket = ctx.buckets.find(body.cloud_type, body.bucket_name);
      if (!bucket)
        return omsError(
          400,
          'OMS.0153',
          `Failed to query the bucket information: no bucket ${body.bucket_name}.`,
        );
      if (bucket.region !== body.data_center) return omsError(400, 'OMS.0182');
      return json(200, listObjects(bucket, body.file_path, body.behind_filename, body.page_size));
    })
    .add('POST', `${storage}/buckets/cdn-info`, (r) => cdnInfo(ctx, r, keysProblem))
    .add('GET', `${storage}/cloud-type`, (r) => {
      const type = r.query.get('type');
      if (!type) return omsError(400, 'OMS.1004', 'Some required parameters are missing: type.');
      if (type !== 'src' && type !== 'dst') {
        return omsError(400, 'OMS.0001', 'Invalid parameter settings: type must be src or dst.');
      }
      return json(200, type === 'src' ? SOURCE_CLOUD_VENDORS : DESTINATION_CLOUD_VENDORS);
    })
    .add('GET', `${storage}/data-center`, () => json(200, SIM_REGIONS));
}

function cdnInfo(
  ctx: SimContext,
  request: SimRequest,
  keysProblem: (body: { cloud_type: string; ak?: string; sk?: string }) => SimResponse | undefined,
): SimResponse {
  const body = checkRequest<CdnInfoBody>(request, 'ShowCdnInfo');
  if (isResponse(body)) return body;
  const problem = keysProblem(body);
  if (problem) return problem;
  const cdn = body.source_cdn;
  if (cdn.authentication_type !== 'NONE' && !cdn.authentication_key) return omsError(400, 'OMS.1032');
  const bucket = ctx.buckets.find(body.cloud_type, body.bucket);
  if (!bucket)
    return omsError(400, 'OMS.0153', `Failed to query the bucket information: no bucket ${body.bucket}.`);
  const markers: Record<string, string[]> = {
    ALIYUN: ['aliyun', 'alicdn', 'aliyuncs'],
    TENCENT: ['myqcloud', 'tencent'],
    AWS: ['cloudfront', 'amazonaws'],
    QINIU: ['qiniu', 'clouddn'],
    KINGSOFTCLOUD: ['ksyun'],
    HUAWEICLOUD: ['huaweicloud', 'myhuaweicloud'],
  };
  const domain = cdn.domain.toLowerCase();
  const same = (markers[body.cloud_type.toUpperCase()] ?? []).some((m) => domain.includes(m));
  const downloadable = domain.length > 0;
  return json(200, {
    is_same_cloud_type: same,
    is_download_available: downloadable,
    checked_keys: (body.prefix?.keys ?? []).map((key) => {
      const exists = bucket.objects.some((o) => o.key === key);
      return { key, is_etag_matching: exists && downloadable, is_object_existing: exists };
    }),
  });
}

function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(2)} ${units[unit]}`;
}

/** One level below `path`: objects with their size, folders with "--" (Table 5-182). */
function listObjects(bucket: SimBucket, path: string, after: string, pageSize: number) {
  const entries = new Map<string, string>();
  for (const object of bucket.objects) {
    if (!object.key.startsWith(path)) continue;
    const rest = object.key.slice(path.length);
    const slash = rest.indexOf('/');
    if (slash >= 0) entries.set(`${path}${rest.slice(0, slash + 1)}`, '--');
    else if (rest !== '') entries.set(object.key, formatSize(object.size));
  }
  const names = [...entries.keys()].sort().filter((name) => after === '' || name > after);
  const page = names.slice(0, pageSize);
  const more = names.length > page.length;
  return {
    next_page: more,
    next_marker: more ? (page.at(-1) ?? null) : null,
    records: page.map((name) => ({ name, size: entries.get(name) })),
  };
}
