/** OMS v2 enumerations and documented limits (seed 002, section 5); the field names and values are the seed's. */

// ---------------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------------

/** Migration task status (Table 5-15). */
export const TASK_STATUS = {
  waiting: 1,
  migrating: 2,
  paused: 3,
  failed: 4,
  succeeded: 5,
  retrying: 6,
  pausing: 7,
} as const;

/** Migration task group status (Table 5-117): 0..9. */
export const TASK_GROUP_STATUS = {
  waiting: 0,
  executingOrCreating: 1,
  runningMonitorTask: 2,
  paused: 3,
  creationFailed: 4,
  migrationFailed: 5,
  migrationCompleted: 6,
  pausing: 7,
  waitingForDeletion: 8,
  deleting: 9,
} as const;

/** Synchronization task status (Table 5-80). */
export const SYNC_TASK_STATUSES = ['SYNCHRONIZING', 'STOPPED'] as const;
export type SyncTaskStatus = (typeof SYNC_TASK_STATUSES)[number];

export const TASK_TYPES = ['list', 'object', 'prefix', 'url_list'] as const;
/** Task groups spell their types in upper case (Table 5-131). */
export const TASK_GROUP_TYPES = ['LIST', 'URL_LIST', 'PREFIX'] as const;
export const GROUP_TYPES = ['NORMAL_TASK', 'SYNC_TASK', 'GROUP_TASK'] as const;

/** Source clouds of a migration task or task group (Tables 5-20, 5-40, 5-132). */
export const CLOUD_TYPES = [
  'AWS',
  'Azure',
  'Aliyun',
  'Tencent',
  'HuaweiCloud',
  'QingCloud',
  'KingsoftCloud',
  'Baidu',
  'Qiniu',
  'URLSource',
  'UCloud',
  'Google',
] as const;
/** Source clouds of a synchronization task (Table 5-85): no URL lists, no Google. */
export const SYNC_CLOUD_TYPES = [
  'AWS',
  'Azure',
  'Aliyun',
  'Tencent',
  'HuaweiCloud',
  'QingCloud',
  'KingsoftCloud',
  'Baidu',
  'Qiniu',
  'UCloud',
] as const;
/** Clouds the bucket queries take (Tables 5-180, 5-194, 5-199, 5-204), HEC included. */
export const BUCKET_CLOUD_TYPES = [
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
  'HEC',
] as const;
/** The CDN query (Table 5-186) does not list Google. */
export const CDN_CLOUD_TYPES = [
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
  'URLSource',
  'HEC',
] as const;

export const OBJECT_OVERWRITE_MODES = [
  'NO_OVERWRITE',
  'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
  'CRC64_COMPARISON_OVERWRITE',
  'FULL_OVERWRITE',
] as const;
export const DST_STORAGE_POLICIES = [
  'STANDARD',
  'IA',
  'ARCHIVE',
  'DEEP_ARCHIVE',
  'SRC_STORAGE_MAPPING',
] as const;
export const CONSISTENCY_CHECKS = ['size_last_modified', 'crc64', 'no_check'] as const;
/** CreateSyncTaskReq (Table 5-85) says `transmission` where the others say `no_check`. */
export const SYNC_CONSISTENCY_CHECKS = ['size_last_modified', 'crc64', 'transmission'] as const;
export const TASK_PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export const CDN_PROTOCOLS = ['http', 'https'] as const;
export const CDN_AUTHENTICATION_TYPES = [
  'NONE',
  'QINIU_PRIVATE_AUTHENTICATION',
  'ALIYUN_OSS_A',
  'ALIYUN_OSS_B',
  'ALIYUN_OSS_C',
  'KSYUN_PRIVATE_AUTHENTICATION',
  'AZURE_SAS_TOKEN',
  'TENCENT_COS_A',
  'TENCENT_COS_B',
  'TENCENT_COS_C',
  'TENCENT_COS_D',
] as const;
export const SMN_LANGUAGES = ['zh-cn', 'en-us'] as const;
export const SMN_TRIGGER_CONDITIONS = ['SUCCESS', 'FAILURE'] as const;
export const SYNC_STATISTIC_DATA_TYPES = ['REQUEST', 'SUCCESS', 'FAILURE', 'SKIP', 'SIZE'] as const;
export type SyncStatisticDataType = (typeof SYNC_STATISTIC_DATA_TYPES)[number];
export const STATISTIC_TIME_TYPES = ['FIVE_MINUTES', 'ONE_HOUR'] as const;
export const VERSION_STATUSES = ['CURRENT', 'DEPRECATED', 'SUPPORTED'] as const;
/** `type` of GET /objectstorage/cloud-type (Table 5-208). */
export const CLOUD_VENDOR_END_TYPES = ['src', 'dst'] as const;
export type CloudVendorEndType = (typeof CLOUD_VENDOR_END_TYPES)[number];

/** Characters a task or task-group description may not contain (Tables 5-39, 5-131). */
export const TASK_DESCRIPTION_FORBIDDEN = '^<>&"\'';
/** …and a synchronization task's (Table 5-85). */
export const SYNC_DESCRIPTION_FORBIDDEN = '<>()"\'&';

// ---------------------------------------------------------------------------------------------------
// Documented limits (query and path parameters)
// ---------------------------------------------------------------------------------------------------

export const LIMITS = {
  pageSize: { min: 1, max: 100, default: 10 },
  taskOffsetMax: 2_147_483_647,
  taskGroupOffsetMax: 2_147_483_647,
  syncTaskOffsetMax: 10_000,
  /** Task ids are Longs up to 999999999999999 (Table 5-15). */
  taskId: /^\d{1,15}$/,
  /** TaskGroupResp.group_id: 1..100 characters; group_id in batch updates: 1..36 (a UUID). */
  groupIdMax: 100,
  /** SyncTaskInfo.sync_task_id: up to 255 characters. */
  syncTaskIdMax: 255,
  versionMax: 10,
  /**
   * project_id: 1 to 1,024 characters (every path parameter table; §5.3.1's example is a UUID). It is
   * a path segment and a header (X-Project-Id, Table 3-3): visible ASCII without `/ ? # %`, and not
   * `.` or `..`, which a URL resolves away (`/v2/../tasks` goes out as `/tasks`, signed as `/tasks`).
   */
  projectId: /^(?!\.\.?$)(?:(?![/?#%])[\x21-\x7e]){1,1024}$/,
  syncEventKeysMax: 100,
  /** "A maximum of 10 objects can be included" (Table 5-72) — the array limit says 100; see README. */
  syncEventKeysPerCall: 10,
  batchUpdateIdsMax: 20,
  objectKeysMax: 500,
  bucketPageSizeMax: 100,
  prefixKeysMax: 100,
} as const;
