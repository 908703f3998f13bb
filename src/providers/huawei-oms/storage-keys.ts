import type { Connection, StorageCredential } from '../../connections/connection.js';
import { InvalidInputError } from '../../errors.js';
import type { StartTaskReq } from './schemas.js';

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
    const destination = this.destinationKeys('start a task');
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
    purpose: string,
    cloudType?: string,
  ): Partial<Pick<StorageCredential, 'accessKey' | 'secretKey' | 'securityToken' | 'jsonAuthFile'>> {
    const source = this.#conn.storage.source;
    const googleFile = cloudType === 'Google' && !!source?.jsonAuthFile;
    if (!googleFile && (!source?.accessKey || !source.secretKey)) {
      throw new InvalidInputError(
        `Connection ${this.#conn.name} has no source storage credentials (storage.source.accessKey and ` +
          `storage.source.secretKey), which OMS needs to ${purpose}. Add \`storage.source\` to the connection.`,
      );
    }
    return {
      accessKey: source?.accessKey,
      secretKey: source?.secretKey,
      securityToken: source?.securityToken,
      jsonAuthFile: source?.jsonAuthFile,
    };
  }

  destinationKeys(purpose: string): { accessKey: string; secretKey: string; securityToken?: string } {
    const destination = this.#conn.storage.destination;
    if (!destination?.accessKey || !destination.secretKey) {
      throw new InvalidInputError(
        `Connection ${this.#conn.name} has no destination storage credentials (storage.destination.accessKey ` +
          `and storage.destination.secretKey), which OMS needs to ${purpose}. Add \`storage.destination\` to the connection.`,
      );
    }
    return {
      accessKey: destination.accessKey,
      secretKey: destination.secretKey,
      securityToken: destination.securityToken,
    };
  }

  bucketKeys(cloudType: string): { ak?: string; sk?: string; json_auth_file?: string } {
    const keys = this.sourceKeys('read the source buckets', cloudType);
    return { ak: keys.accessKey, sk: keys.secretKey, json_auth_file: keys.jsonAuthFile };
  }

  /** The source's temporary-credential token, if it has one (prefix checks send it). */
  sourceSecurityToken(): string | undefined {
    return this.#conn.storage.source?.securityToken;
  }
}
