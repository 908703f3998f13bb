import { createHash } from 'node:crypto';

/** One stored object: its bytes, or only a size and ETag for the millions a bench lists. */
export interface StoredObject {
  size: number;
  /** With its quotes, as S3 prints it: `"<md5 hex>"`, or `"<hex>-<parts>"` for a multipart upload. */
  etag: string;
  lastModified: number;
  body?: Buffer;
  /** What HEAD and GET state besides (`x-oss-hash-crc64ecma`, `x-amz-checksum-sha256`…), as the cloud played does. */
  headers?: Record<string, string>;
}

/**
 * S3 orders keys by their UTF-8 bytes, which is code point order. JavaScript's `<` compares UTF-16
 * units, which puts U+E000…U+FFFF after an emoji; this does not.
 */
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

export function md5Etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** A bucket's objects, with the keys kept sorted (re-sorted once after a burst of writes). */
export class SimBucket {
  readonly objects = new Map<string, StoredObject>();
  #sorted: string[] = [];
  #dirty = false;

  constructor(
    readonly name: string,
    readonly region: string,
  ) {}

  put(key: string, object: StoredObject): void {
    if (!this.objects.has(key)) this.#dirty = true;
    this.objects.set(key, object);
  }

  delete(key: string): void {
    if (this.objects.delete(key)) this.#dirty = true;
  }

  keys(): string[] {
    if (this.#dirty) {
      this.#sorted = [...this.objects.keys()].sort(compareKeys);
      this.#dirty = false;
    }
    return this.#sorted;
  }

  /** Index of the first key after `key` (binary search). */
  after(key: string): number {
    const keys = this.keys();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keys[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface ListPage {
  contents: { key: string; object: StoredObject }[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: the next page starts after it. */
  last?: string;
}

/** One ListObjectsV2 page: keys under `prefix` after `start`, rolled up at `delimiter`. */
export function listPage(
  bucket: SimBucket,
  options: { prefix: string; start?: string; delimiter?: string; maxKeys: number },
): ListPage {
  const keys = bucket.keys();
  const { prefix, delimiter, maxKeys } = options;
  let i =
    options.start === undefined
      ? bucket.after(prefix) - (bucket.objects.has(prefix) ? 1 : 0)
      : bucket.after(options.start);
  const page: ListPage = { contents: [], commonPrefixes: [], truncated: false };
  const skipRolled =
    options.start && delimiter && options.start.endsWith(delimiter) ? options.start : undefined;
  let count = 0;
  for (; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(prefix)) {
      if (compareKeys(key, prefix) > 0) break;
      continue;
    }
    if (skipRolled && key.startsWith(skipRolled)) continue;
    if (count >= maxKeys) {
      page.truncated = true;
      break;
    }
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) {
      const rolled = key.slice(0, at + delimiter!.length);
      page.commonPrefixes.push(rolled);
      page.last = rolled;
      count++;
      while (i + 1 < keys.length && keys[i + 1]!.startsWith(rolled)) i++;
      continue;
    }
    page.contents.push({ key, object: bucket.objects.get(key)! });
    page.last = key;
    count++;
  }
  return page;
}
