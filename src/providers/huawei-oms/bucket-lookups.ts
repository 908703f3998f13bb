import { type OmsBucketSource, omsBucketSourceSchema } from './bucket-source.js';
import type { OmsClient } from './client.js';
import {
  type CloudVendorEndType,
  LIMITS,
  type ListBucketObjectsResp,
  type ShowBucketCdnInfoResp,
  type ShowBucketRegionResp,
  type ShowRegionInfoResp,
  type SourceCdnReq,
  sourceCdnReqSchema,
} from './schemas.js';
import type { OmsStorageKeys } from './storage-keys.js';
import { parseOrThrow } from './validation.js';
import { omsError } from './words.js';

/** OMS's bucket and region look-ups, which the create form uses (not part of MigrationProvider). */
export class OmsBucketLookups {
  readonly #client: OmsClient;
  readonly #keys: OmsStorageKeys;

  constructor(client: OmsClient, keys: OmsStorageKeys) {
    this.#client = client;
    this.#keys = keys;
  }

  /** Clouds OMS migrates from (`src`) or to (`dst`). */
  async listCloudVendors(type: CloudVendorEndType = 'src'): Promise<string[]> {
    return this.#client.listCloudVendors(type);
  }

  /** Regions per cloud vendor; with `cloudType`, only that vendor's. */
  async listRegions(cloudType?: string): Promise<ShowRegionInfoResp[]> {
    const services = await this.#client.listRegions();
    if (!cloudType) return services;
    const wanted = cloudType.toUpperCase();
    return services.filter(
      (s) =>
        s.service_name?.toUpperCase() === wanted ||
        s.region_list.some((r) => r.cloud_type?.toUpperCase() === wanted),
    );
  }

  /** Buckets the source keys (`storage.source`) can see on `source.cloudType`. */
  async listBuckets(source: OmsBucketSource): Promise<string[]> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.listBuckets({
      cloud_type: s.cloudType,
      app_id: s.appId,
      ...this.#keys.bucketKeys(s.cloudType),
    });
  }

  /** The region of `source.bucket` and whether OMS can migrate from it. */
  async bucketRegion(source: OmsBucketSource): Promise<ShowBucketRegionResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.showBucketRegion({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket_name: required(s.bucket, 'bucket'),
      ...this.#keys.bucketKeys(s.cloudType),
    });
  }

  /** Whether `source.bucket` (in `source.region`) has objects under each prefix; one OMS call per prefix. */
  async checkPrefixes(
    source: OmsBucketSource,
    prefixes: readonly string[],
  ): Promise<{ prefix: string; exists: boolean }[]> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    if (prefixes.length > LIMITS.objectKeysMax)
      throw omsError('error.huawei-oms.tooManyPrefixes', { max: LIMITS.objectKeysMax });
    const keys = this.#keys.bucketKeys(s.cloudType);
    const bucket = required(s.bucket, 'bucket');
    const region = required(s.region, 'region');
    const results: { prefix: string; exists: boolean }[] = [];
    for (const prefix of prefixes) {
      const exists = await this.#client.checkPrefix({
        cloud_type: s.cloudType,
        app_id: s.appId,
        bucket_name: bucket,
        file_name: prefix,
        data_center: region,
        ak: keys.ak,
        sk: keys.sk,
        json_auth_file: keys.json_auth_file,
        security_token: this.#keys.sourceSecurityToken(),
      });
      results.push({ prefix, exists });
    }
    return results;
  }

  /** One page of `source.bucket` under `path` (which ends with `/`, or is empty for the root). */
  async listBucketObjects(
    source: OmsBucketSource,
    page: { path?: string; pageSize?: number; after?: string } = {},
  ): Promise<ListBucketObjectsResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    return this.#client.listBucketObjects({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket_name: required(s.bucket, 'bucket'),
      data_center: required(s.region, 'region'),
      file_path: page.path ?? '',
      page_size: page.pageSize ?? LIMITS.bucketPageSizeMax,
      behind_filename: page.after ?? '',
      ...this.#keys.bucketKeys(s.cloudType),
    });
  }

  /** Whether `source.bucket` can be read through a CDN domain, checking `keys` if given. */
  async bucketCdnInfo(
    source: OmsBucketSource,
    cdn: SourceCdnReq,
    keys?: readonly string[],
  ): Promise<ShowBucketCdnInfoResp> {
    const s = parseOrThrow(omsBucketSourceSchema, source, 'bucket source');
    const sourceCdn = parseOrThrow(sourceCdnReqSchema, cdn, 'CDN settings');
    if (s.cloudType === 'Google') throw omsError('error.huawei-oms.noGoogleCdn');
    const k = this.#keys.bucketKeys(s.cloudType);
    return this.#client.showBucketCdnInfo({
      cloud_type: s.cloudType,
      app_id: s.appId,
      bucket: required(s.bucket, 'bucket'),
      region: required(s.region, 'region'),
      ak: k.ak ?? '',
      sk: k.sk ?? '',
      prefix: keys ? { keys: [...keys] } : undefined,
      source_cdn: sourceCdn,
    });
  }
}

function required(value: string | undefined, field: 'bucket' | 'region'): string {
  if (!value) throw omsError('error.huawei-oms.bucketSourceNeeds', { field });
  return value;
}
