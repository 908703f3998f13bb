/**
 * Values the OMS simulator takes from seed 002 directly, so it shares nothing with the client but
 * the protocol: enumerations and limits as the seed's tables print them.
 */
export const LIMITS = {
  /** Tables 5-12 and 5-114: offset 0..2147483647; Table 5-77: 0..10000 for sync tasks. */
  taskOffsetMax: 2_147_483_647,
  taskGroupOffsetMax: 2_147_483_647,
  syncTaskOffsetMax: 10_000,
  /** Task ids are Longs (Table 5-15, `id`): digits, at most 15 in every example. */
  taskId: /^\d{1,15}$/,
  /** Table 5-89: sync_task_id up to 255 characters. */
  syncTaskIdMax: 255,
  /** Table 5-6: version up to 10 characters. */
  versionMax: 10,
} as const;

/** Table 5-39 `task_type`. */
export const TASK_TYPES = ['list', 'url_list', 'object', 'prefix'] as const;
/** Table 5-131 `task_type` (upper case in task-group requests and responses). */
export const TASK_GROUP_TYPES = ['LIST', 'URL_LIST', 'PREFIX'] as const;
/** Table 5-77 `status`. */
export const SYNC_TASK_STATUSES = ['SYNCHRONIZING', 'STOPPED'] as const;
export type SyncTaskStatus = (typeof SYNC_TASK_STATUSES)[number];
/** Table 5-95 `data_type`. */
export const SYNC_STATISTIC_DATA_TYPES = ['REQUEST', 'SUCCESS', 'FAILURE', 'SKIP', 'SIZE'] as const;
export type SyncStatisticDataType = (typeof SYNC_STATISTIC_DATA_TYPES)[number];

/** Source clouds as Table 5-40 spells them; requests may differ in case (the example says "TENCENT"). */
const CLOUD_SPELLINGS = [
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
];

export function cloudAsDocumented(cloud: string): string {
  return CLOUD_SPELLINGS.find((c) => c.toUpperCase() === cloud.toUpperCase()) ?? cloud;
}
