/**
 * Requests and responses of every OMS v2 operation (seed 002, section 5), one file per resource under
 * `schemas/`. Field names, enums and limits are the seed's. Responses are tolerant: unknown fields
 * are kept (`z.looseObject`), every optional field accepts `null` as well as a missing value, and
 * statuses are kept whatever their value (the mappers show an unknown one as "unknown (raw)"). List
 * pages are read item by item by the client, so one malformed item never hides the others. Requests
 * are checked before they are sent, with the documented limits, so a bad value fails with a message
 * naming the field instead of a 400.
 */
export * from './schemas/enums.js';
export * from './schemas/errors.js';
export * from './schemas/group.js';
export {
  type BandwidthPolicy,
  type BandwidthPolicyReq,
  bandwidthPolicyReqSchema,
  bandwidthPolicySchema,
  dstNodeRespSchema,
  errorReasonSchema,
  failedObjectRecordSchema,
  listFileRespSchema,
  listFileSchema,
  type SourceCdnReq,
  smnConfigSchema,
  smnInfoSchema,
  sourceCdnReqSchema,
  sourceCdnRespSchema,
  srcNodeRespSchema,
} from './schemas/parts.js';
export * from './schemas/storage.js';
export * from './schemas/sync-task.js';
export * from './schemas/task.js';
