import type { ProviderId } from '../providers/provider-ids.js';

/** Access key pair (Huawei AK/SK, NCP API key, S3-style keys of a source bucket). */
export interface AccessKeyPair {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

export type ConnectionAuth =
  | ({ type: 'aksk' } & AccessKeyPair)
  | { type: 'token'; iamEndpoint: string; user: string; password: string; domain: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string };

/** Credentials of the buckets a migration reads from or writes to (not of the provider API). */
export interface StorageCredential extends Partial<AccessKeyPair> {
  name: string;
  /** Google Cloud Storage service-account JSON, for OMS sources on Google. */
  jsonAuthFile?: string;
  /** The bucket's S3 endpoint when it is not the cloud's documented one (UpCloud, a gateway). */
  endpoint?: string;
}

/** A provider account the bot can act on, with its secrets resolved. Never serialized to Slack. */
export interface Connection {
  name: string;
  /** Slack workspace id; undefined means "the only workspace". */
  team?: string;
  provider: ProviderId;
  endpoint: string;
  /** Huawei project id. */
  projectId?: string;
  /** NCP `x-ncp-region_code`, UpCloud region. */
  region?: string;
  /** UpCloud Managed Object Storage service UUID. */
  serviceId?: string;
  auth: ConnectionAuth;
  /**
   * What the operator pays for data leaving the source, in dollars per GiB: the approval request
   * prices the pre-flight's bytes with it ("≈ $208 at your $0.09/GiB"). Unset: nothing about money.
   */
  egressPricePerGiB?: number;
  storage: { source?: StorageCredential; destination?: StorageCredential };
}
