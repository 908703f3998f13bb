import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listPage, md5Etag, SimBucket, type StoredObject } from './buckets.js';
import { checkSigV4, payloadMatches, uriEncode } from './sigv4-check.js';

/** Keys the store knows: a secret, and the buckets it may use (all when left out). */
export interface StoreKey {
  secret: string;
  buckets?: readonly string[];
}

export interface ObjectStoreOptions {
  keys: Record<string, StoreKey>;
  /** The region buckets are made in when none is said. */
  region?: string;
  /** What it plays, for logs and the `Server` header only: `AWS S3`, `OBS`, `NCP`, `UpCloud`. */
  plays?: string;
  now?: () => number;
}

const MAX_BODY = 64 * 1024 * 1024;

/**
 * An S3-compatible object store on loopback (issue 62), written from the S3 API reference: path-style
 * `ListObjectsV2` (continuation tokens, `start-after`, `delimiter`, `encoding-type=url`),
 * `HeadObject`, `GetObject`, `PutObject`, `HeadBucket`, `CreateBucket`, each request's SigV4 checked
 * against the keys it was given, S3's XML errors. It plays AWS S3, Huawei OBS, NCP Object Storage and
 * UpCloud Object Storage, which all answer these the same way.
 */
export class ObjectStoreSimulator {
  readonly buckets = new Map<string, SimBucket>();
  /** Requests answered, by S3 operation: a test can see what a client asked. */
  readonly calls: string[] = [];
  /** The bucket of each `ListObjectsV2` answered: a test counts one bucket's listing cost. */
  readonly listings: string[] = [];
  readonly #options: ObjectStoreOptions;
  #server: Server | undefined;
  #gate: Promise<void> | undefined;
  url = '';

  constructor(options: ObjectStoreOptions) {
    this.#options = options;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) s3Error(res, 500, 'InternalError', String(error).slice(0, 200));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  bucket(name: string, region = this.#options.region ?? 'us-east-1'): SimBucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new SimBucket(name, region);
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  /**
   * Seeds an object with its bytes (the ETag is their MD5, as for a single-part upload, unless
   * `etag` says another: a multipart upload's), and the checksum headers its cloud would state.
   */
  putObject(
    bucket: string,
    key: string,
    body: Buffer | string,
    more: { etag?: string; headers?: Record<string, string> } = {},
  ): StoredObject {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const object = {
      size: bytes.length,
      etag: more.etag ?? md5Etag(bytes),
      lastModified: this.#now(),
      body: bytes,
      ...(more.headers ? { headers: more.headers } : {}),
    };
    this.bucket(bucket).put(key, object);
    return object;
  }

  /** Seeds an object by its size and ETag only (a bench's million; GET answers zeros). */
  putSynthetic(bucket: string, key: string, size: number, etag: string): void {
    this.bucket(bucket).put(key, { size, etag, lastModified: this.#now() });
  }

  /** Holds every listing until the returned function is called (a test's slow bucket). */
  holdListings(): () => void {
    let release!: () => void;
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    const rawQuery = q < 0 ? '' : raw.slice(q + 1);
    const body = await readBody(req);
    if (body === undefined)
      return s3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
    const method = req.method ?? 'GET';
    const verdict = checkSigV4(
      { method, rawPath, rawQuery, headers: req.headers },
      (ak) => this.#options.keys[ak]?.secret,
      this.#now(),
    );
    if (!verdict.ok) return s3Error(res, 403, verdict.code, verdict.message);
    if (!payloadMatches(req.headers, body))
      return s3Error(
        res,
        400,
        'XAmzContentSHA256Mismatch',
        'The provided x-amz-content-sha256 header does not match what was computed.',
      );
    const [bucketName, key] = splitPath(rawPath);
    const query = new URLSearchParams(rawQuery);
    if (!bucketName) {
      this.calls.push('ListBuckets');
      return listBuckets(
        res,
        [...this.buckets.keys()].filter((b) => this.#may(verdict.accessKey, b)),
      );
    }
    if (!this.#may(verdict.accessKey, bucketName)) return s3Error(res, 403, 'AccessDenied', 'Access Denied');
    const bucket = this.buckets.get(bucketName);
    if (key === undefined) {
      if (method === 'PUT') {
        this.calls.push('CreateBucket');
        this.bucket(bucketName);
        return send(res, 200, '');
      }
      if (!bucket) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (method === 'HEAD') {
        this.calls.push('HeadBucket');
        return send(res, 200, '', { 'x-amz-bucket-region': bucket.region });
      }
      if (method === 'GET' && query.has('location')) {
        this.calls.push('GetBucketLocation');
        return xml(
          res,
          `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${bucket.region}</LocationConstraint>`,
        );
      }
      if (method === 'GET') {
        await this.#gate;
        return this.#list(res, bucket, query);
      }
      return s3Error(
        res,
        405,
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
      );
    }
    if (method === 'PUT') {
      if (!bucket) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      this.calls.push('PutObject');
      const bytes = decodeAwsChunked(
        req.headers['content-encoding'],
        req.headers['x-amz-content-sha256'],
        body,
      );
      const object = { size: bytes.length, etag: md5Etag(bytes), lastModified: this.#now(), body: bytes };
      bucket.put(key, object);
      return send(res, 200, '', { etag: object.etag });
    }
    const object = bucket?.objects.get(key);
    if (!bucket) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (method === 'HEAD' || method === 'GET') {
      this.calls.push(method === 'HEAD' ? 'HeadObject' : 'GetObject');
      if (!object)
        return method === 'HEAD'
          ? send(res, 404, '')
          : s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      const headers = {
        etag: object.etag,
        'last-modified': new Date(object.lastModified).toUTCString(),
        'content-type': 'application/octet-stream',
        'content-length': String(object.size),
        ...object.headers,
      };
      if (method === 'HEAD') return send(res, 200, undefined, headers);
      res.writeHead(200, headers);
      res.end(object.body ?? Buffer.alloc(object.size));
      return;
    }
    return s3Error(
      res,
      405,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
    );
  }

  #may(accessKey: string, bucket: string): boolean {
    const allowed = this.#options.keys[accessKey]?.buckets;
    return !allowed || allowed.includes(bucket);
  }

  #list(res: ServerResponse, bucket: SimBucket, query: URLSearchParams): void {
    if (query.get('list-type') !== '2') {
      this.calls.push('ListObjects');
      s3Error(res, 400, 'InvalidArgument', 'This simulator answers ListObjectsV2 only (list-type=2).');
      return;
    }
    this.calls.push('ListObjectsV2');
    this.listings.push(bucket.name);
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const maxKeys = Math.max(0, Math.min(1000, Number(query.get('max-keys') ?? 1000) || 0));
    const token = query.get('continuation-token');
    let start = query.get('start-after') ?? undefined;
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('v1:')) {
        s3Error(res, 400, 'InvalidArgument', 'The continuation token provided is incorrect');
        return;
      }
      start = decoded.slice(3);
    }
    const page = listPage(bucket, { prefix, start, delimiter, maxKeys });
    const url = query.get('encoding-type') === 'url';
    const text = (s: string) => (url ? uriEncode(s, true) : escapeXml(s));
    const parts = [
      `<Name>${escapeXml(bucket.name)}</Name>`,
      `<Prefix>${text(prefix)}</Prefix>`,
      `<KeyCount>${page.contents.length + page.commonPrefixes.length}</KeyCount>`,
      `<MaxKeys>${maxKeys}</MaxKeys>`,
      delimiter ? `<Delimiter>${text(delimiter)}</Delimiter>` : '',
      url ? '<EncodingType>url</EncodingType>' : '',
      `<IsTruncated>${page.truncated}</IsTruncated>`,
      token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '',
      page.truncated && page.last !== undefined
        ? `<NextContinuationToken>${Buffer.from(`v1:${page.last}`, 'utf8').toString('base64url')}</NextContinuationToken>`
        : '',
      query.has('start-after') ? `<StartAfter>${text(query.get('start-after') ?? '')}</StartAfter>` : '',
      ...page.contents.map(
        ({ key, object }) =>
          `<Contents><Key>${text(key)}</Key><LastModified>${new Date(object.lastModified).toISOString()}</LastModified><ETag>${escapeXml(object.etag)}</ETag><Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      ),
      ...page.commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${text(p)}</Prefix></CommonPrefixes>`),
    ];
    xml(
      res,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</ListBucketResult>`,
    );
  }
}

function splitPath(rawPath: string): [string | undefined, string | undefined] {
  const path = rawPath.replace(/^\/+/, '');
  if (path === '') return [undefined, undefined];
  const slash = path.indexOf('/');
  if (slash < 0) return [decodeURIComponent(path), undefined];
  const key = path.slice(slash + 1);
  return [decodeURIComponent(path.slice(0, slash)), key === '' ? undefined : decodeURIComponent(key)];
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The bytes of an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`… then trailers). */
function decodeAwsChunked(
  encoding: string | undefined,
  sha: string | string[] | undefined,
  body: Buffer,
): Buffer {
  const streaming = typeof sha === 'string' && sha.startsWith('STREAMING-');
  if (!streaming && !(encoding ?? '').includes('aws-chunked')) return body;
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** XML text, with characters XML 1.0 cannot hold written as references, as S3 does. */
function escapeXml(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const named = XML_NAMED[c];
    if (named) out += named;
    else if ((code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0x7f)
      out += `&#x${code.toString(16)};`;
    else out += c;
  }
  return out;
}

const XML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xml(res: ServerResponse, body: string, status = 200): void {
  send(res, status, `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { 'content-type': 'application/xml' });
}

function listBuckets(res: ServerResponse, names: string[]): void {
  const list = names.map(
    (n) =>
      `<Bucket><Name>${escapeXml(n)}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket>`,
  );
  xml(
    res,
    `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>sim</ID></Owner><Buckets>${list.join('')}</Buckets></ListAllMyBucketsResult>`,
  );
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  xml(
    res,
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>sim</RequestId></Error>`,
    status,
  );
}

function send(
  res: ServerResponse,
  status: number,
  body: string | undefined,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'x-amz-request-id': 'sim', ...headers });
  res.end(body);
}
