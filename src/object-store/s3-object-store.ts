import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { allowListed } from '../outbound/allow-list.js';
import {
  guardedNodeAgents,
  isPrivateAddressError,
  PrivateAddressError,
  type Resolve,
} from '../outbound/guarded-connect.js';
import {
  capAnswers,
  ListingBounds,
  MAX_ANSWER_BYTES,
  MAX_KEY_BYTES,
  RunawayAnswerError,
} from './bounded-answers.js';
import { Crc64 } from './crc64.js';
import type {
  BucketAccess,
  ObjectDigest,
  ObjectEntry,
  ObjectStore,
  ObjectStoreFailure,
} from './object-store.js';
import { ObjectStoreError } from './object-store.js';

const PAGE = 1000;
/** One request, sending to last byte: the socket's idle timeout alone lets a drip-fed answer last for ever. */
const REQUEST_DEADLINE_MS = 120_000;

/**
 * The endpoint rule every request to a bucket passes (docs/security.md, "one endpoint rule for
 * every outbound request"): an endpoint the allow-list (`MIGRATE_BOT_ALLOWED_ENDPOINTS`) names is
 * reached as is; any other only at a public address, checked on the address each connection is
 * made to. `now` is the bot's clock, which bounds a listing's length.
 */
export interface EndpointRule {
  allowedEndpoints: readonly string[];
  now: () => number;
  /** How host names are resolved (tests); node:dns otherwise. */
  resolve?: Resolve;
  /**
   * What cuts one request past `ms` (tests fire it rather than wait); a real timer otherwise, as
   * for every wait on a socket (src/clock.ts).
   */
  deadline?: (ms: number) => AbortSignal;
}

/**
 * The SDK, loaded on first use: importing it costs about 0.2 s of CPU, at every start of a process
 * (a replica, the CLI) that may never check a bucket.
 */
let sdk: Promise<typeof import('@aws-sdk/client-s3')> | undefined;
const loadSdk = () => {
  sdk ??= import('@aws-sdk/client-s3');
  return sdk;
};

/**
 * The one S3 client (`@aws-sdk/client-s3` v3): a custom endpoint per bucket's cloud, path style
 * where the cloud needs it, SigV4 by the SDK. Keys are listed with `encoding-type=url` (a key may
 * hold characters XML cannot carry) and decoded here, since the SDK leaves them encoded.
 */
export class S3ObjectStore implements ObjectStore {
  readonly #access: BucketAccess;
  readonly #rule: EndpointRule;
  #client: Promise<S3Client> | undefined;

  constructor(access: BucketAccess, rule: EndpointRule) {
    this.#access = access;
    this.#rule = rule;
  }

  #clientOnce(): Promise<S3Client> {
    const access = this.#access;
    const listed =
      URL.canParse(access.endpoint) && allowListed(new URL(access.endpoint), this.#rule.allowedEndpoints);
    this.#client ??= loadSdk().then(({ S3Client }) => {
      const client = new S3Client({
        endpoint: access.endpoint,
        region: access.region,
        forcePathStyle: access.pathStyle,
        credentials: {
          accessKeyId: access.accessKey,
          secretAccessKey: access.secretKey,
          ...(access.securityToken ? { sessionToken: access.securityToken } : {}),
        },
        maxAttempts: 3,
        requestHandler: {
          connectionTimeout: 5_000,
          requestTimeout: 60_000,
          ...(listed ? {} : guardedNodeAgents(this.#rule.resolve)),
        },
        // Not every S3-compatible store takes the newer checksum headers; nothing here needs them.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      client.middlewareStack.addRelativeTo(capAnswers(MAX_ANSWER_BYTES) as never, {
        relation: 'after',
        toMiddleware: 'deserializerMiddleware',
        name: 'migrateBotCappedAnswers',
      });
      if (listed)
        client.middlewareStack.add(underAllowList(this.#rule.allowedEndpoints) as never, {
          step: 'finalizeRequest',
          name: 'migrateBotUnderAllowList',
        });
      return client;
    });
    return this.#client;
  }

  async *list(
    bucket: string,
    prefix: string,
    signal?: AbortSignal,
    startAfter?: string,
  ): AsyncIterable<ObjectEntry[]> {
    let token: string | undefined;
    const bounds = new ListingBounds(this.#rule.now);
    do {
      const page = await this.#call(signal, async (abortSignal) =>
        (await this.#clientOnce()).send(
          new (await loadSdk()).ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: PAGE,
            EncodingType: 'url',
            ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          }),
          { abortSignal },
        ),
      );
      const url = page.EncodingType === 'url';
      const entries = (page.Contents ?? []).flatMap((c) =>
        c.Key === undefined
          ? []
          : [
              {
                key: url ? decodeKey(c.Key) : c.Key,
                size: c.Size ?? 0,
                ...(c.ETag ? { etag: unquote(c.ETag) } : {}),
                ...(c.LastModified ? { lastModified: c.LastModified.getTime() } : {}),
              },
            ],
      );
      if (entries.some((e) => Buffer.byteLength(e.key) > MAX_KEY_BYTES))
        throw new ObjectStoreError('runaway', 'KeyTooLong');
      yield entries;
      try {
        token = bounds.next({
          truncated: page.IsTruncated === true,
          token: page.NextContinuationToken,
          keys: page.Contents?.length ?? 0,
        });
      } catch (error) {
        throw toStoreError(error, (await loadSdk()).S3ServiceException);
      }
    } while (token);
  }

  async readLines(bucket: string, key: string, maxBytes: number, signal?: AbortSignal) {
    const answer = await this.#call(signal, async (abortSignal) =>
      (await this.#clientOnce()).send(new (await loadSdk()).GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal,
      }),
    );
    const body = answer.Body as Readable | undefined;
    let read = 0;
    let cut = false;
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (cut) return done();
        const room = maxBytes - read;
        if (chunk.length > room) {
          cut = true;
          const kept = chunk.subarray(0, room);
          // The partial last line is dropped: a key cut short is not a key.
          const lastBreak = kept.lastIndexOf(10);
          read += room;
          this.push(lastBreak >= 0 ? kept.subarray(0, lastBreak + 1) : Buffer.alloc(0));
          body?.destroy();
          this.end();
          return done();
        }
        read += chunk.length;
        done(null, chunk);
      },
    });
    const source = body ?? Readable.from([]);
    source.on('error', (error) => capped.destroy(error));
    source.pipe(capped);
    const lines = createInterface({ input: capped, crlfDelay: Number.POSITIVE_INFINITY });
    // A reader that stops early (1,000 keys of a longer list) leaves the lines open, and the read's
    // deadline later aborts the rest: its error, passed on to the lines, had no listener left and
    // was an uncaught exception. A reader still reading gets it through its iterator as before.
    lines.on('error', () => undefined);
    return { lines, size: answer.ContentLength, truncated: () => cut };
  }

  async head(bucket: string, key: string, signal?: AbortSignal): Promise<Record<string, string>> {
    let headers: Record<string, string> = {};
    await this.#call(signal, async (abortSignal) => {
      const { HeadObjectCommand } = await loadSdk();
      // S3 states its `x-amz-checksum-*` only when asked; other stores ignore the mode.
      const command = new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' });
      // The SDK's output drops headers it does not model (OSS's and COS's CRC64): read them raw.
      command.middlewareStack.add(
        (next) => async (args) => {
          const out = await next(args);
          const raw = (out.response as { headers?: Record<string, string> }).headers ?? {};
          headers = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), String(v)]));
          return out;
        },
        { step: 'deserialize', name: 'migrateBotRawHeaders' },
      );
      return (await this.#clientOnce()).send(command, { abortSignal });
    });
    return headers;
  }

  async digest(bucket: string, key: string, maxBytes: number, signal?: AbortSignal): Promise<ObjectDigest> {
    return this.#call(signal, async (abortSignal) => {
      const answer = await (await this.#clientOnce()).send(
        new (await loadSdk()).GetObjectCommand({ Bucket: bucket, Key: key }),
        { abortSignal },
      );
      const sha = createHash('sha256');
      const crc = new Crc64();
      let bytes = 0;
      let cut = false;
      const body = (answer.Body as Readable | undefined) ?? Readable.from([]);
      for await (const chunk of body as AsyncIterable<Buffer>) {
        const kept = chunk.length > maxBytes - bytes ? chunk.subarray(0, maxBytes - bytes) : chunk;
        sha.update(kept);
        crc.update(kept);
        bytes += kept.length;
        if (kept.length < chunk.length) {
          cut = true;
          body.destroy();
          break;
        }
      }
      return { sha256: sha.digest('hex'), crc64: crc.value().toString(), bytes, cut };
    });
  }

  /** One request under the caller's signal and a deadline of its own: past the deadline it is unreachable. */
  async #call<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = (this.#rule.deadline ?? AbortSignal.timeout)(REQUEST_DEADLINE_MS);
    try {
      return await work(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      if (deadline.aborted && !signal?.aborted)
        throw new ObjectStoreError('unreachable', undefined, { cause: error });
      throw toStoreError(error, (await loadSdk()).S3ServiceException);
    }
  }
}

/**
 * A client whose endpoint the allow-list names connects without the address check, so each of its
 * requests must stay under that entry as the server will read it: the SDK appends the provider's
 * bucket and key to the endpoint's path, and `..` in them (or a bucket put into the host name)
 * would otherwise reach another path or host of an allow-listed internal server (red team 73).
 */
function underAllowList(allowList: readonly string[]) {
  return (next: (args: unknown) => Promise<unknown>) =>
    async (args: { request?: { protocol?: string; hostname?: string; port?: number; path?: string } }) => {
      const { protocol = 'https:', hostname = '', port, path = '/' } = args.request ?? {};
      const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
      const text = `${protocol}//${host}${port ? `:${port}` : ''}${path}`;
      // The URL parser resolves `.`, `..` and `%2e` segments as a server does.
      if (!URL.canParse(text) || !allowListed(new URL(text), allowList))
        throw new PrivateAddressError('the request leaves the allow-listed endpoint');
      return next(args);
    };
}

function toStoreError(
  error: unknown,
  S3ServiceException: typeof import('@aws-sdk/client-s3').S3ServiceException,
): Error {
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (isPrivateAddressError(error)) return new ObjectStoreError('blocked', undefined, { cause: error });
  const runaway = runawayOf(error);
  if (runaway) return new ObjectStoreError('runaway', runaway.code, { cause: error });
  if (error instanceof S3ServiceException) {
    const status = error.$metadata?.httpStatusCode;
    const code = /^[A-Za-z0-9.]{1,40}$/.test(error.name) ? error.name : undefined;
    const failure: ObjectStoreFailure =
      code === 'NoSuchBucket'
        ? 'no-bucket'
        : code === 'NoSuchKey'
          ? 'no-object'
          : status === 401 || status === 403
            ? 'denied'
            : status !== undefined && status >= 500
              ? 'unreachable'
              : 'refused';
    return new ObjectStoreError(failure, code, { cause: error });
  }
  return new ObjectStoreError('unreachable', undefined, { cause: error });
}

/** The bound an answer went past, however the SDK wrapped it. */
function runawayOf(error: unknown): RunawayAnswerError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof RunawayAnswerError) return e;
  return undefined;
}

/** S3's `encoding-type=url` writes a space as `+` and everything else as `%XX`. */
function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return encoded;
  }
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '').replace(/^W\//, '');
}
