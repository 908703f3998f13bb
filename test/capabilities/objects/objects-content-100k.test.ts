import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buttons, messageText } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { lastDrawn, ObjectsWorld, worldBot } from './objects-world.js';

// Issue 78's "done when": a content check of 100,000 objects where both sides state a checksum
// downloads no object bytes. The store counts what it was asked on its side: no GET, and no HEAD
// either, since single-part MD5 ETags come with the listing. The listings are seeded synthetic
// (size and ETag only), so building them costs nothing.

const CHANNEL = 'C0CONTENT2';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const N = 100_000;

const world = new ObjectsWorld({ oms: { src: ['big-src'], dst: ['big-dst'] } });
const { store } = world;
const t = worldBot(world);

beforeAll(() => {
  for (let i = 0; i < N; i++) {
    const key = `d/${String(i).padStart(6, '0')}`;
    const etag = `"${createHash('md5').update(key).digest('hex')}"`;
    store.putSynthetic('big-src', key, 1_000 + (i % 7), etag);
    store.putSynthetic('big-dst', key, 1_000 + (i % 7), etag);
  }
}, 60_000);

describe('a content check of 100,000 objects with checksums on both sides', () => {
  it('compares every one by checksum and downloads no object bytes', { timeout: 120_000 }, async () => {
    const task = t.oms.addTask({
      name: 'hundred-thousand',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'big-src' },
      dst: { region: 'cn-north-4', bucket: 'big-dst' },
    });
    const asked = await t.ask(`verify hw-prod:${task.id} content`, ALICE);
    const go = buttons(asked).find((b) => b.action_id === 'objects.check')!;
    await t.click(go.action_id, go.value, ALICE);
    const text = await until(
      () => {
        const p = lastDrawn(t.fakeSlack, 'Content check of', task.id);
        return p?.includes('none differ') || p?.includes('not checked') ? p : undefined;
      },
      { what: 'the content check of 100,000 objects', timeoutMs: 110_000 },
    );
    expect(text).toContain('100,000 with the same key and size');
    expect(text).toContain('no object bytes downloaded: 100,000 the same (MD5 100,000)');
    expect(text).toContain('*source*: checksums stated: MD5 100,000 · nothing downloaded');
    expect(text).toContain(
      'Each of the 100,000 objects with the same key and size was compared by checksum or downloaded: none differ.',
    );
    expect(messageText({ text })).not.toContain('random objects');
    expect(store.calls.filter((c) => c === 'GetObject')).toHaveLength(0);
    expect(store.calls.filter((c) => c === 'HeadObject')).toHaveLength(0);
    expect(store.calls.filter((c) => c === 'ListObjectsV2').length).toBe(200);
  });
});
