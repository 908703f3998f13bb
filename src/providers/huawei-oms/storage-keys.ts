import type { Connection, StorageCredential } from '../../connections/connection.js';
import type { StartTaskReq } from './schemas.js';
import { omsError } from './words.js';

/** What OMS needs the keys for, as the refusal says it (`error.huawei-oms.no*Keys`). */
export type KeysPurpose =
  | 'createTask'
  | 'createTaskGroup'
  | 'createSyncTask'
  | 'startTask'
  | 'startSyncTask'
  | 'readBuckets';

/**
 * The bucket keys OMS wants inside request bodies (create, start, bucket look-ups). They come from
 * the connection's storage credentials, never from Slack, and a missing one is a clear setting to add.
 */
export class OmsStorageKeys {
  readonly #conn: Connection;

  constructor(connection: Connection) {
    this.#conn = connection;
  }

  /** StartTask needs the bucket keys again; they come from the connection's storage credentials. */
  startBody(onlyFailedObjects: boolean): StartTaskReq {
    const { source } = this.#conn.storage;
    const destination = this.destinationKeys('startTask');
    return {
      src_ak: source?.accessKey,
      src_sk: source?.secretKey,
      src_security_token: source?.securityToken,
      json_auth_file: source?.jsonAuthFile,
      dst_ak: destination.accessKey,
      dst_sk: destination.secretKey,
      dst_security_token: destination.securityToken,
      migrate_failed_object: onlyFailedObjects,
    };
  }

  sourceKeys(
    purpose: KeysPurpose,
    cloudType?: string,
  ): Partial<Pick<StorageCredential, 'accessKey' | 'secretKey' | 'securityToken' | 'jsonAuthFile'>> {
    const source = this.#conn.storage.source;
    const googleFile = cloudType === 'Google' && !!source?.jsonAuthFile;
    if (!googleFile && (!source?.accessKey || !source.secretKey)) {
      throw omsError('error.huawei-oms.noSourceKeys', { connection: this.#conn.name, purpose });
    }
    return {
      accessKey: source?.accessKey,
      secretKey: source?.secretKey,
      securityToken: source?.securityToken,
      jsonAuthFile: source?.jsonAuthFile,
    };
  }

  destinationKeys(purpose: KeysPurpose): { accessKey: string; secretKey: string; securityToken?: string } {
    const destination = this.#conn.storage.destination;
    if (!destination?.accessKey || !destination.secretKey) {
      throw omsError('error.huawei-oms.noDestinationKeys', { connection: this.#conn.name, purpose });
    }
    return {
      accessKey: destination.accessKey,
      secretKey: destination.secretKey,
      securityToken: destination.securityToken,
    };
  }

  bucketKeys(cloudType: string): { ak?: string; sk?: string; json_auth_file?: string } {
    const keys = this.sourceKeys('readBuckets', cloudType);
    return { ak: keys.accessKey, sk: keys.secretKey, json_auth_file: keys.jsonAuthFile };
  }

  /** The source's temporary-credential token, if it has one (prefix checks send it). */
  sourceSecurityToken(): string | undefined {
    return this.#conn.storage.source?.securityToken;
  }
}
