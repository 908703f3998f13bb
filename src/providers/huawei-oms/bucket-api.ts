import { InvalidInputError } from '../../errors.js';
import * as oms from './schemas.js';
import { OmsTransport } from './transport.js';

/** Seed 002 §5.5–5.7: bucket, cloud-vendor and region queries (what the create form looks up). */
export abstract class OmsBucketApi extends OmsTransport {
  // ----- 5.5 Buckets: bodies carry the source keys (read-only queries, so retried) -------------------

  /** POST /v2/{project_id}/objectstorage/buckets/objects (5.5.1). */
  async listBucketObjects(body: oms.ListBucketObjectsReq): Promise<oms.ListBucketObjectsResp> {
    return this.bucketQuery(
      'ShowBucketObjects',
      'buckets/objects',
      oms.listBucketObjectsReqSchema,
      body,
      oms.listBucketObjectsRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets/cdn-info (5.5.2). */
  async showBucketCdnInfo(body: oms.ShowBucketCdnInfoReq): Promise<oms.ShowBucketCdnInfoResp> {
    return this.bucketQuery(
      'ShowCdnInfo',
      'buckets/cdn-info',
      oms.showBucketCdnInfoReqSchema,
      body,
      oms.showBucketCdnInfoRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets (5.5.3). */
  async listBuckets(body: oms.ListBucketsReq): Promise<string[]> {
    return this.bucketQuery(
      'ShowBucketList',
      'buckets',
      oms.listBucketsReqSchema,
      body,
      oms.listBucketsRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets/regions (5.5.4). */
  async showBucketRegion(body: oms.ShowBucketRegionReq): Promise<oms.ShowBucketRegionResp> {
    return this.bucketQuery(
      'ShowBucketRegion',
      'buckets/regions',
      oms.showBucketRegionReqSchema,
      body,
      oms.showBucketRegionRespSchema,
    );
  }

  /** POST /v2/{project_id}/objectstorage/buckets/prefix (5.5.5). */
  async checkPrefix(body: oms.CheckPrefixReq): Promise<boolean> {
    const resp = await this.bucketQuery(
      'CheckPrefix',
      'buckets/prefix',
      oms.checkPrefixReqSchema,
      body,
      oms.checkPrefixRespSchema,
    );
    return resp.exist;
  }

  // ----- 5.6 Cloud vendors, 5.7 Regions -------------------------------------------------------------

  /** GET /v2/{project_id}/objectstorage/cloud-type?type=src|dst (5.6.1). */
  async listCloudVendors(type: oms.CloudVendorEndType): Promise<string[]> {
    // A contract guard (English on purpose): the bot asks for `src` or `dst` itself, never a typed word.
    if (type !== 'src' && type !== 'dst') throw new InvalidInputError('type must be src or dst');
    return this.json(
      {
        operation: 'ShowCloudType',
        method: 'GET',
        path: `${this.projectPath}/objectstorage/cloud-type`,
        query: { type },
      },
      oms.listCloudVendorsRespSchema,
    );
  }

  /** GET /v2/{project_id}/objectstorage/data-center (5.7.1). */
  async listRegions(): Promise<oms.ShowRegionInfoResp[]> {
    return this.json(
      { operation: 'ShowRegionInfo', method: 'GET', path: `${this.projectPath}/objectstorage/data-center` },
      oms.listRegionsRespSchema,
    );
  }
}
