import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import { compareKeys, ObjectStoreError } from '../../src/object-store/object-store.js';
import { S3ObjectStore } from '../../src/object-store/s3-object-store.js';
import { HOSTILE_KEYS } from '../fixtures/hostile-keys.js';

const AK = 'SIMSTOREACCESSKEY001';
const SK = 'sim-store-secret-key-000000000000000001';
const NARROW = 'SIMSTORENARROWKEY002';

let sim: ObjectStoreSimulator;
const store = () =>
  new S3ObjectStore(
    {
      endpoint: sim.url,
      region: 'kr-standard',
      accessKey: AK,
      secretKey: SK,
      pathStyle: true,
    },
    { allowedEndpoints: [sim.url], now: Date.now },
  );

beforeAll(async () => {
  sim = await new ObjectStoreSimulator({
    keys: { [AK]: { secret: SK }, [NARROW]: { secret: SK, buckets: ['other'] } },
    region: 'kr-standard',
  }).start();
  for (let i = 0; i < 2_345; i++) sim.putObject('src', `photos/${String(i).padStart(5, '0')}.jpg`, `p${i}`);
  for (const key of HOSTILE_KEYS) sim.putObject('src', key, key);
  sim.putObject('src', 'list.txt', `${Array.from({ length: 5_000 }, (_, i) => `line-${i}`).join('\n')}\n`);
});
afterAll(async () => {
  await sim.stop();
});

async function all(iterable: AsyncIterable<{ key: string }[]>) {
  const keys: string[] = [];
  let pages = 0;
  for await (const page of iterable) {
    pages++;
    keys.push(...page.map((o) => o.key));
  }
  return { keys, pages };
}

describe('the S3 object store simulator, through the app’s one S3 client', () => {
  it('lists a prefix over continuation tokens, a page of 1,000 at a time, in key order', async () => {
    const { keys, pages } = await all(store().list('src', 'photos/'));
    expect(keys).toHaveLength(2_345);
    expect(pages).toBe(3);
    expect(keys[0]).toBe('photos/00000.jpg');
    expect(sim.calls.filter((c) => c === 'ListObjectsV2').length).toBeGreaterThanOrEqual(3);
  });

  it('gives back hostile keys exactly, in UTF-8 byte order (url-encoded on the wire)', async () => {
    const { keys } = await all(store().list('src', ''));
    for (const key of HOSTILE_KEYS) expect(keys).toContain(key);
    expect([...keys].sort(compareKeys)).toEqual(keys);
    // U+E000 is one UTF-16 unit above the emoji's surrogates, but below its code point.
    expect(keys.indexOf('z-\ue000.txt')).toBeLessThan(keys.indexOf('z-😀.txt'));
  });

  it('reads a text object line by line up to a bound, and says it cut it', async () => {
    const read = await store().readLines('src', 'list.txt', 1_000);
    const lines: string[] = [];
    for await (const line of read.lines) lines.push(line);
    expect(read.truncated()).toBe(true);
    expect(lines[0]).toBe('line-0');
    expect(lines.every((l) => /^line-\d+$/.test(l))).toBe(true);
    expect(lines.join('\n').length).toBeLessThanOrEqual(1_000);
  });

  it('leaves nothing to throw when its reader stops early and the request is then aborted', async () => {
    // A failed-object list longer than the keys read at a run's ending (1,000): the reader stops,
    // then the read's deadline passes. The response, never read to its end, was aborted with its
    // socket and its error had no listener left: an uncaught exception in the bot (seen on the
    // playground with a task of 26,660 failed objects, 5 s after its ending).
    sim.putObject('src', 'long-list.txt', `${'k'.repeat(60)}\n`.repeat(100_000));
    const deadline = new AbortController();
    const read = await store().readLines('src', 'long-list.txt', 8 * 1024 * 1024, deadline.signal);
    let n = 0;
    for await (const _line of read.lines) if (++n >= 3) break;
    deadline.abort();
    // The abort closes the socket within a few turns of the event loop (bounded, no timer).
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(n).toBe(3);
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and a key without the bucket (AccessDenied)', async () => {
    const wrong = new S3ObjectStore(
      {
        endpoint: sim.url,
        region: 'kr-standard',
        accessKey: AK,
        secretKey: `${SK}x`,
        pathStyle: true,
      },
      { allowedEndpoints: [sim.url], now: Date.now },
    );
    const narrow = new S3ObjectStore(
      {
        endpoint: sim.url,
        region: 'kr-standard',
        accessKey: NARROW,
        secretKey: SK,
        pathStyle: true,
      },
      { allowedEndpoints: [sim.url], now: Date.now },
    );
    const unknown = new S3ObjectStore(
      {
        endpoint: sim.url,
        region: 'kr-standard',
        accessKey: 'NOPE',
        secretKey: SK,
        pathStyle: true,
      },
      { allowedEndpoints: [sim.url], now: Date.now },
    );
    for (const [client, code] of [
      [wrong, 'SignatureDoesNotMatch'],
      [narrow, 'AccessDenied'],
      [unknown, 'InvalidAccessKeyId'],
    ] as const) {
      const error = await all(client.list('src', '')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(error).toMatchObject({ failure: 'denied', storeCode: code });
    }
    const missing = await all(store().list('nope', '')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ failure: 'no-bucket', storeCode: 'NoSuchBucket' });
  });
});

describe('the simulator with the AWS SDK itself', () => {
  it('takes a PutObject and answers HeadObject and GetObject with the bytes and their MD5 ETag', async () => {
    const s3 = new S3Client({
      endpoint: sim.url,
      region: 'ap-southeast-1',
      forcePathStyle: true,
      credentials: { accessKeyId: AK, secretAccessKey: SK },
    });
    const key = 'up/it’s here & <there> 😀.txt';
    await s3.send(new PutObjectCommand({ Bucket: 'src', Key: key, Body: 'hello, store' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'src', Key: key }));
    expect(head.ContentLength).toBe(12);
    expect(head.ETag).toBe(`"${createHash('md5').update('hello, store').digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'src', Key: key }));
    expect(await got.Body?.transformToString()).toBe('hello, store');
    expect(sim.bucket('src').objects.get(key)?.body?.toString()).toBe('hello, store');
    s3.destroy();
  });
});
