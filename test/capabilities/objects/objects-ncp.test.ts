import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { editedTexts, ObjectsWorld } from './objects-world.js';

// Issue 62 on NCP, whose counts say little: `/migrate verify` of a finished policy lists the AWS
// source under its prefix and the NCP target under the target prefix (what follows the source
// prefix lands there) and finds the 3 missing and 1 different objects the store was seeded with.

const AK = 'NCPVERIFYACCESSKEY01';
const SK = 'ncp-verify-secret-key-00000000000000001';
const SRC = { ak: 'AKIASOURCE0000000001', sk: 'aws-source-secret-key-verify-000000001' };
const DST = { ak: 'NCPSTORAGEKEY0000001', sk: 'ncp-storage-secret-key-verify-00000001' };
const CHANNEL = 'C0NCPCHECK';

const world = new ObjectsWorld({
  src: { ...SRC, buckets: ['media-assets'] },
  dst: { ...DST, buckets: ['media-ncp'] },
  ncp: { ak: AK, sk: SK },
});
const { store } = world;
const t = new TestBot();

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: () => [world.ncpConnection('ncp-kr')],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
  });
  for (let i = 0; i < 1_500; i++) {
    const name = `${String(i).padStart(4, '0')}.jpg`;
    store.putObject('media-assets', `photos/${name}`, `photo ${i}`);
    if (i === 3 || i === 500 || i === 1_499) continue;
    store.putObject('media-ncp', `backup/${name}`, i === 42 ? `photo ${i}!` : `photo ${i}`);
  }
  // Outside the migrated prefixes on both sides: not looked at.
  store.putObject('media-assets', 'other/x.jpg', 'x');
  store.putObject('media-ncp', 'elsewhere/y.jpg', 'y');
});
afterAll(async () => {
  await t.stop();
  await world.stop();
});

describe('/migrate verify on an NCP policy', () => {
  it('finds the 3 missing and the 1 different object under the migrated prefixes', async () => {
    world.ncpPolicy(
      'media-s3-to-ncp',
      { jobState: 'DONE', progress: 1, objects: 1_500 },
      { bucket: 'media-assets', prefix: 'photos/' },
      { bucket: 'media-ncp', prefix: 'backup/' },
    );
    const answer = await t.ask('verify ncp-kr:media-s3-to-ncp', { userId: 'U0ALICE01', channelId: CHANNEL });
    expect(messageText(answer)).toContain('Checking the buckets');
    const post = await until(
      () =>
        editedTexts(t.fakeSlack).find(
          (text) =>
            text.includes('media-s3-to-ncp') && text.includes('the same') && !text.includes('Checking…'),
        ),
      { what: 'the check’s result', timeoutMs: 20_000 },
    );
    expect(post).toContain(
      '1,496 the same · 3 missing at the destination · 1 different · 0 only at the destination',
    );
    expect(post).toContain('`photos/0003.jpg`, `photos/0500.jpg`, `photos/1499.jpg`');
    expect(post).toContain('Different: `photos/0042.jpg`');
  });
});
