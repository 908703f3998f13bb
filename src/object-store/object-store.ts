/**
 * What the bot asks of a bucket: list what is under a prefix, a page at a time in key
 * order, and read a text object a line at a time up to a bound. One implementation speaks S3
 * (`s3-object-store.ts`); nothing else in the bot knows the S3 API.
 */
export interface ObjectEntry {
  key: string;
  size: number;
  /** Without quotes; absent when the store gave none. */
  etag?: string;
  /** When it was last written (ms since the epoch, S3's `LastModified`); absent when the store gave none. */
  lastModified?: number;
}

export interface ObjectStore {
  /**
   * Every object under `prefix`, in the store's key order (UTF-8 bytes), one page at a time; with
   * `startAfter`, only the keys after it (a listing resumed where a bounded one stopped).
   */
  list(
    bucket: string,
    prefix: string,
    signal?: AbortSignal,
    startAfter?: string,
  ): AsyncIterable<ObjectEntry[]>;
  /**
   * The lines of a text object, reading at most `maxBytes` of it: `truncated` says a longer object
   * was cut (its last, partial line dropped).
   */
  readLines(
    bucket: string,
    key: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ lines: AsyncIterable<string>; size?: number; truncated(): boolean }>;
  /** An object's response headers to a HEAD (names lower case): what it states without its bytes. */
  head(bucket: string, key: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** An object's bytes hashed as they stream, read to `maxBytes` at most (`cut` past it). */
  digest(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<ObjectDigest>;
}

/** What the sampled tier learns of one downloaded object. */
export interface ObjectDigest {
  sha256: string;
  /** CRC64-ECMA of the bytes, unsigned decimal (as OSS, COS and OBS print theirs). */
  crc64: string;
  bytes: number;
  cut: boolean;
}

/**
 * Why a bucket could not be read, in words the bot can say (never the store's raw body): `blocked`,
 * its endpoint is at an internal address the allow-list does not name; `runaway`, the store's
 * answer went past a bound the bot reads to (a listing that does not end, an answer over 8 MiB).
 */
export type ObjectStoreFailure =
  | 'denied'
  | 'no-bucket'
  | 'no-object'
  | 'unreachable'
  | 'refused'
  | 'blocked'
  | 'runaway';

export class ObjectStoreError extends Error {
  constructor(
    readonly failure: ObjectStoreFailure,
    /** The store's own error code (`AccessDenied`), when it gave one: short, safe to show in code. */
    readonly storeCode: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`object store: ${failure}${storeCode ? ` (${storeCode})` : ''}`, options);
    this.name = 'ObjectStoreError';
  }
}

/** Where a bucket is reached: its S3 endpoint, region and keys. */
export interface BucketAccess {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  /** Virtual-hosted style is AWS's default; OBS, NCP and UpCloud (and simulators) take path style. */
  pathStyle: boolean;
}

/** UTF-8 byte order (code point order), the order S3 lists keys in; JavaScript's `<` is UTF-16's. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
