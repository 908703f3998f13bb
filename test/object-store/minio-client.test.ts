import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type BucketItem, Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import { S3ObjectStore } from '../../src/object-store/s3-object-store.js';
import { HOSTILE_KEYS } from '../fixtures/hostile-keys.js';

// The S3 simulator checked by a third client written by others: MinIO's JavaScript SDK (its own
// SigV4 signer, XML parser and paging) lists, heads, gets and puts against it, and lists the same
// keys, sizes and ETags as the AWS SDK the bot uses.

const AK = 'SIMMINIOACCESSKEY001';
const SK = 'sim-minio-secret-key-000000000000000001';
const REGION = 'kr-standard';

let sim: ObjectStoreSimulator;
let minio: Client;

beforeAll(async () => {
  sim = await new ObjectStoreSimulator({ keys: { [AK]: { secret: SK } }, region: REGION }).start();
  const url = new URL(sim.url);
  minio = new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: AK,
    secretKey: SK,
    region: REGION,
    pathStyle: true,
  });
  // Three pages of 1,000, and keys that are hard to carry: spaces, `+`, mentions, formulas, emoji.
  for (let i = 0; i < 2_345; i++)
    sim.putObject('photos', `p/${String(i).padStart(5, '0')}.jpg`, `photo ${i}`);
  // Cut to 1,024 bytes, the longest key S3 stores (the bot refuses a listing naming a longer one).
  for (const key of HOSTILE_KEYS) sim.putObject('photos', `p/${key}`.slice(0, 1_024), key);
  sim.putObject('photos', 'q/outside.txt', 'not under p/');
});
afterAll(async () => {
  await sim?.stop();
});

async function minioList(bucket: string, prefix: string): Promise<BucketItem[]> {
  const items: BucketItem[] = [];
  for await (const item of minio.listObjectsV2(bucket, prefix, true) as AsyncIterable<BucketItem>)
    items.push(item);
  return items;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('the S3 simulator through the minio client', () => {
  it('lists under a prefix what the AWS SDK lists: the same keys, sizes and ETags, in order', async () => {
    const aws: { key: string; size: number; etag?: string }[] = [];
    const store = new S3ObjectStore(
      {
        endpoint: sim.url,
        region: REGION,
        accessKey: AK,
        secretKey: SK,
        pathStyle: true,
      },
      { allowedEndpoints: [sim.url], now: Date.now },
    );
    for await (const page of store.list('photos', 'p/')) aws.push(...page);
    const listed = await minioList('photos', 'p/');
    expect(listed.length).toBe(2_345 + HOSTILE_KEYS.length);
    expect(listed.map((o) => ({ key: o.name, size: o.size, etag: o.etag?.replace(/"/g, '') }))).toEqual(
      aws.map((o) => ({ key: o.key, size: o.size, etag: o.etag })),
    );
    expect(listed.some((o) => o.name === 'q/outside.txt')).toBe(false);
    // Paged as S3 pages: at most 1,000 a page, so the 2,3xx keys took three listings at least.
    expect(sim.calls.filter((c) => c === 'ListObjectsV2').length).toBeGreaterThanOrEqual(6);
  });

  it('heads and gets an object with the size and the MD5 ETag the listing gave', async () => {
    const stat = await minio.statObject('photos', 'p/00042.jpg');
    expect(stat.size).toBe('photo 42'.length);
    expect(stat.etag).toBe(createHash('md5').update('photo 42').digest('hex'));
    expect((await readAll(await minio.getObject('photos', 'p/00042.jpg'))).toString()).toBe('photo 42');
    const hostile = HOSTILE_KEYS[0]!;
    expect((await readAll(await minio.getObject('photos', `p/${hostile}`))).toString()).toBe(hostile);
  });

  it('puts an object that both clients then see, and is refused with a wrong secret', async () => {
    const body = Buffer.from('written by the minio client\n');
    const put = await minio.putObject('photos', 'p/zz put by minio.txt', body, body.length);
    expect(put.etag).toBe(createHash('md5').update(body).digest('hex'));
    const after = await minioList('photos', 'p/zz');
    expect(after.map((o) => [o.name, o.size])).toEqual([['p/zz put by minio.txt', body.length]]);
    expect(sim.buckets.get('photos')?.objects.get('p/zz put by minio.txt')?.body?.equals(body)).toBe(true);
    const wrong = new Client({
      endPoint: new URL(sim.url).hostname,
      port: Number(new URL(sim.url).port),
      useSSL: false,
      accessKey: AK,
      secretKey: `${SK}-wrong`,
      region: REGION,
      pathStyle: true,
    });
    await expect(wrong.statObject('photos', 'p/00042.jpg')).rejects.toMatchObject({
      code: expect.any(String),
    });
    await expect(wrong.getObject('photos', 'p/00042.jpg')).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});
