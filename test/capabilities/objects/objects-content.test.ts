import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../../../src/object-store/crc64.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { lastDrawn, ObjectsWorld, worldBot } from './objects-world.js';

// Issue 78, the content check, through signed requests on the S3 simulator: the source plays OSS
// (CRC64 in `x-oss-hash-crc64ecma`), the destination OBS (`x-obs-hash-crc64ecma`). Single-part
// objects are compared by their MD5 ETags, multipart ones by the CRC64 both sides state, and those
// with neither are downloaded from both sides and hashed. Nothing is downloaded before the
// person who asked has been told the bounds and the cost.

const CHANNEL = 'C0CONTENT1';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };

const world = new ObjectsWorld({ oms: { src: ['c-src'], dst: ['c-dst'] } });
const { store } = world;
const t = worldBot(world, {
  start: {
    connections: (omsUrl) => [{ ...world.omsConnection('hw-prod', omsUrl), egressPricePerGiB: 0.09 }],
  },
});

const multipart = (body: string) => `"${createHash('md5').update(body).digest('hex')}-3"`;

beforeAll(() => {
  for (let i = 0; i < 200; i++) {
    const key = `single/${String(i).padStart(3, '0')}`;
    store.putObject('c-src', key, `single ${i}`);
    store.putObject('c-dst', key, `single ${i}`);
  }
  // Multipart uploads with a CRC64 on both sides; 017 arrived with other bytes of the same size.
  for (let i = 0; i < 50; i++) {
    const key = `crc/${String(i).padStart(3, '0')}`;
    const body = `crc object ${i}`;
    const copy = i === 17 ? `crc object X${String(i).slice(1)}` : body;
    const crc = (b: string) => crc64(Buffer.from(b)).toString();
    store.putObject('c-src', key, body, {
      etag: multipart(key),
      headers: { 'x-oss-hash-crc64ecma': crc(body) },
    });
    store.putObject('c-dst', key, copy, {
      etag: multipart(key),
      headers: { 'x-obs-hash-crc64ecma': crc(copy) },
    });
  }
  // Multipart uploads S3 states a SHA-256 of (asked with `x-amz-checksum-mode: ENABLED`).
  for (let i = 0; i < 10; i++) {
    const key = `amz/${i}`;
    const sha = { 'x-amz-checksum-sha256': createHash('sha256').update(key).digest('base64') };
    store.putObject('c-src', key, key, { etag: multipart(key), headers: sha });
    store.putObject('c-dst', key, key, { etag: multipart(key), headers: sha });
  }
  // Only the source states a CRC64 (nothing in common: sampled); half/2's is not its bytes'.
  for (let i = 0; i < 5; i++) {
    const key = `half/${i}`;
    const crc = crc64(Buffer.from(i === 2 ? 'something else' : key)).toString();
    store.putObject('c-src', key, key, { etag: multipart(key), headers: { 'x-oss-hash-crc64ecma': crc } });
    store.putObject('c-dst', key, key, { etag: multipart(key) });
  }
  // Multipart uploads with no checksum: the two ETags are equal, yet 009's bytes differ.
  for (let i = 0; i < 30; i++) {
    const key = `bare/${String(i).padStart(3, '0')}`;
    store.putObject('c-src', key, `bare ${i}`, { etag: multipart(key) });
    store.putObject('c-dst', key, i === 9 ? `BARE ${i}` : `bare ${i}`, { etag: multipart(key) });
  }
});

const post = (id: string) => lastDrawn(t.fakeSlack, 'Content check of', id);
const gets = () => store.calls.filter((c) => c === 'GetObject').length;

describe('/migrate verify <id> content', { timeout: 60_000 }, () => {
  it('says the bounds and the egress before anything is downloaded, then checks by tier', async () => {
    const task = t.oms.addTask({
      name: 'content-copy',
      status: 5,
      src: { cloud_type: 'Aliyun', region: 'cn-hangzhou', bucket: 'c-src' },
      dst: { region: 'cn-north-4', bucket: 'c-dst' },
    });
    const asked = await t.ask(`verify hw-prod:${task.id} content`, ALICE);
    const said = messageText(asked);
    expect(said).toContain('at most 299 random objects and at most 1.0 GiB from each side');
    expect(said).toContain('At the connection’s $0.09 per GiB, the source’s egress costs at most $0.09.');
    await t.settled();
    expect(gets()).toBe(0);
    expect(store.calls.filter((c) => c === 'ListObjectsV2')).toHaveLength(0);
    const go = buttons(asked).find((b) => b.action_id === 'objects.check')!;
    const click = await t.click(go.action_id, go.value, ALICE);
    expect(messageText(await click.answer())).toContain('Checking the content of');
    const text = await until(
      () => {
        const p = post(task.id);
        return p?.includes('objects were not checked') ||
          p?.includes('none differ') ||
          p?.includes('2 different')
          ? p
          : undefined;
      },
      { what: 'the content check’s result', timeoutMs: 30_000 },
    );
    // What the content check found feeds Retry these: OMS retries only its own list, and says so.
    expect(text).toContain('2 objects missing or different are not in Huawei OMS’s list');
    expect(text).toContain('293 with the same key and size');
    expect(text).toContain('2 different');
    expect(text).toContain(
      'Compared by a checksum both sides state, no object bytes downloaded: 259 the same (SHA-256 10 · MD5 200 · CRC64-ECMA 49), 1 different',
    );
    expect(text).toContain(
      '*source*: checksums stated: SHA-256 10 · MD5 200 · CRC64-ECMA 55 · 35 objects downloaded',
    );
    expect(text).toContain(
      '*destination*: checksums stated: SHA-256 10 · MD5 200 · CRC64-ECMA 50 · 35 objects downloaded',
    );
    // The 35 with no checksum in common are fewer than the sample: every one was hashed.
    expect(text).not.toContain('random objects (downloaded');
    expect(text).toContain('Different: `crc/017`, `bare/009`');
    // Only the objects no checksum covered were downloaded, once from each side.
    expect(gets()).toBe(70);
    // The bot's own CRC64-ECMA of the bytes shows the source's header for half/2 is wrong.
    expect(text).toContain(
      ':warning: 1 downloaded object came with a CRC64-ECMA header that is not the CRC64-ECMA of its bytes',
    );
    const csv = await until(() => t.fakeSlack.files.uploads.find((u) => u.filename.includes(task.id)), {
      what: 'the CSV',
      timeoutMs: 10_000,
    });
    const rows = csv.bytes.toString('utf8').split('\r\n');
    expect(rows[0]).toContain('"source_checksum","destination_checksum"');
    expect(rows.find((r) => r.includes('crc/017'))).toContain('crc64ecma:');
    expect(rows.find((r) => r.includes('bare/009'))).toContain('sha256:');
  });

  it('never calls a multipart object the same from its ETag alone', async () => {
    const before = gets();
    const task = t.oms.addTask({
      name: 'etag-only',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'c-src' },
      dst: { region: 'cn-north-4', bucket: 'c-dst' },
    });
    // The key-and-size check compares ETags only where both are MD5s: bare/009 passes it.
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const plain = await until(
      () => {
        const p = lastDrawn(t.fakeSlack, 'Bucket check of', task.id);
        return p?.includes('the same') ? p : undefined;
      },
      { what: 'the bucket check', timeoutMs: 30_000 },
    );
    expect(plain).toContain('ETags compared for 200 pairs');
    expect(plain).not.toContain('bare/009');
    expect(gets()).toBe(before);
    // Its post offers the content check, which asks first.
    const drawn = t.fakeSlack
      .callsTo('chat.update')
      .filter((c) => messageText(c.body).includes(task.id))
      .at(-1)!;
    const button = buttons(drawn.body).find((b) => b.text === 'Check the content');
    expect(button).toBeDefined();
    const click = await t.click(button!.action_id, button!.value, ALICE);
    expect(messageText(await click.answer())).toContain('Check the content of');
    await t.settled();
    expect(gets()).toBe(before);
  });
});
