/**
 * Every OMS v2 operation's requests and responses (seed 002 §5), one file per resource under `schemas/`,
 * with the seed's names, enums and limits. Responses are tolerant (`z.looseObject`, optional fields accept
 * `null`, any status kept: shown "unknown (raw)"); list items are read one by one so a malformed one hides
 * none. Requests are checked before sending, so a bad value names its field instead of drawing a 400.
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
