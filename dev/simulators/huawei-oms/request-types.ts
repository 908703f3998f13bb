/**
 * The request bodies the simulator reads, typed as seed 002's tables describe them (after
 * request-check.ts has checked them against those tables). Fields it does not use are left out.
 */
import type { TASK_GROUP_TYPES, TASK_TYPES } from './seed-values.js';

export type JsonObject = Record<string, unknown>;

export interface BandwidthRule {
  start: string;
  end: string;
  max_bandwidth: number;
}

export interface ListFile {
  list_file_key: string;
  obs_bucket: string;
  list_file_num?: string;
}

interface SourceCdn {
  domain: string;
  protocol: string;
  authentication_type: string;
  authentication_key?: string;
}

/** Table 5-39 (5.2.3), with SrcNodeReq 5-40 and DstNodeReq 5-42. */
export interface CreateTaskBody {
  /** One of TASK_TYPES (checked against Table 5-39's enumeration). */
  task_type?: (typeof TASK_TYPES)[number];
  src_node: {
    cloud_type?: string;
    region?: string;
    ak?: string;
    sk?: string;
    json_auth_file?: string;
    app_id?: string;
    bucket?: string;
    object_key?: string[];
    list_file?: ListFile;
  };
  dst_node: { ak: string; sk: string; bucket: string; region: string; save_prefix?: string };
  enable_kms?: boolean;
  description?: string;
  migrate_since?: number;
  bandwidth_policy?: BandwidthRule[];
  source_cdn?: SourceCdn;
  smn_config?: { topic_urn: string; trigger_conditions: string[]; language?: string };
  enable_metadata_migration?: boolean;
  enable_restore?: boolean;
  enable_failed_object_recording?: boolean;
  object_overwrite_mode?: string;
  dst_storage_policy?: string;
  consistency_check?: string;
  enable_requester_pays?: boolean;
  task_priority?: string;
}

/** Table 5-131 (5.4.2). */
export interface CreateTaskGroupBody extends Omit<CreateTaskBody, 'src_node' | 'dst_node' | 'task_type'> {
  task_type?: (typeof TASK_GROUP_TYPES)[number];
  src_node: CreateTaskBody['src_node'];
  dst_node: CreateTaskBody['dst_node'] & { cloud_type?: string };
}

/** Table 5-54 (5.2.5). */
export interface StartTaskBody {
  src_ak?: string;
  src_sk?: string;
  json_auth_file?: string;
  src_security_token?: string;
  dst_ak: string;
  dst_sk: string;
  migrate_failed_object?: boolean;
}

/** Tables 5-164 and 5-169 (5.4.6, 5.4.7). */
export type StartTaskGroupBody = Omit<StartTaskBody, 'dst_ak' | 'dst_sk'> & {
  dst_ak?: string;
  dst_sk?: string;
};

/** Tables 5-62 and 5-174. */
export interface BandwidthBody {
  bandwidth_policy: BandwidthRule[];
}

/** Table 5-67 (5.2.8). */
export interface BatchUpdateTasksBody extends BandwidthBody {
  group_id?: string;
  ids?: number[];
  task_priority?: string;
}

/** Table 5-72 (5.3.1). */
export interface CreateSyncEventsBody {
  object_keys: string[];
}

/** Table 5-85 (5.3.3). */
export interface CreateSyncTaskBody {
  src_cloud_type?: string;
  src_region: string;
  src_bucket: string;
  src_ak: string;
  src_sk: string;
  dst_ak: string;
  dst_sk: string;
  dst_region: string;
  dst_bucket: string;
  description?: string;
  enable_metadata_migration?: boolean;
  enable_kms?: boolean;
  enable_restore?: boolean;
  dst_storage_policy?: string;
  app_id?: string;
  source_cdn?: SourceCdn;
  consistency_check?: string;
}

/** Table 5-111 (5.3.8). */
export interface StartSyncTaskBody {
  src_ak: string;
  src_sk: string;
  dst_ak: string;
  dst_sk: string;
}

/** Table 5-194 (5.5.3). */
export interface ListBucketsBody {
  cloud_type: string;
  ak?: string;
  sk?: string;
  json_auth_file?: string;
  app_id?: string;
}

/** Table 5-199 (5.5.4). */
export interface BucketRegionBody extends ListBucketsBody {
  bucket_name: string;
}

/** Table 5-204 (5.5.5). */
export interface CheckPrefixBody extends BucketRegionBody {
  file_name: string;
  data_center: string;
  security_token?: string;
}

/** Table 5-180 (5.5.1). */
export interface ListObjectsBody extends BucketRegionBody {
  file_path: string;
  data_center: string;
  page_size: number;
  behind_filename: string;
}

/** Table 5-186 (5.5.2). */
export interface CdnInfoBody {
  ak: string;
  sk: string;
  cloud_type: string;
  region: string;
  app_id?: string;
  bucket: string;
  prefix?: { keys: string[] };
  source_cdn: SourceCdn;
}
