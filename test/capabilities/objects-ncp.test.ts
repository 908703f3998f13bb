import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import type { Connection } from '../../src/connections/connection.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

// Issue 62 on NCP, whose counts say little: `/migrate verify` of a finished policy lists the AWS
// source under its prefix and the NCP target under the target prefix (what follows the source
// prefix lands there) and finds the 3 missing and 1 different objects the store was seeded with.

const AK = 'NCPVERIFYACCESSKEY01';
const SK = 'ncp-verify-secret-key-00000000000000001';
const SRC = { ak: 'AKIASOURCE0000000001', sk: 'aws-source-secret-key-verify-000000001' };
const DST = { ak: 'NCPSTORAGEKEY0000001', sk: 'ncp-storage-secret-key-verify-00000001' };
const CHANNEL = 'C0NCPCHECK';

const ncp = new NcpSimulator({ keys: { [AK]: SK }, timings: { speedBytesPerSecond: GiB } });
const store = new ObjectStoreSimulator({
  keys: {
    [SRC.ak]: { secret: SRC.sk, buckets: ['media-assets'] },
    [DST.ak]: { secret: DST.sk, buckets: ['media-ncp'] },
  },
});
const t = new TestBot();

function connection(): Connection {
  return {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint: ncp.url,
    auth: { type: 'aksk', accessKey: AK, secretKey: SK },
    storage: {
      source: { name: 'aws', accessKey: SRC.ak, secretKey: SRC.sk, endpoint: store.url },
      destination: { name: 'ncp-os', accessKey: DST.ak, secretKey: DST.sk, endpoint: store.url },
    },
  };
}

beforeAll(async () => {
  await Promise.all([ncp.start(), store.start()]);
  await t.start({ connections: () => [connection()], env: { POLL_INTERVAL_SECONDS: '0' } });
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
  await Promise.all([ncp.stop(), store.stop()]);
});

describe('/migrate verify on an NCP policy', () => {
  it('finds the 3 missing and the 1 different object under the migrated prefixes', async () => {
    ncp.addPolicy({
      title: 'media-s3-to-ncp',
      jobState: 'DONE',
      sourceCspType: 'AWS',
      sourceRegion: 'ap-northeast-2',
      sourceBucket: 'media-assets',
      sourcePrefix: 'photos/',
      targetBucket: 'media-ncp',
      targetPrefix: 'backup/',
      totalSize: GiB,
      totalObjects: 1_500,
      progress: 1,
    });
    const answer = await t.ask('verify ncp-kr:media-s3-to-ncp', { userId: 'U0ALICE01', channelId: CHANNEL });
    expect(messageText(answer)).toContain('Checking the buckets');
    const post = await until(
      () => {
        const update = t.fakeSlack
          .callsTo('chat.update')
          .map((c) => messageText(c.body))
          .find((t) => t.includes('media-s3-to-ncp') && t.includes('the same') && !t.includes('Checking…'));
        return update;
      },
      { what: 'the check’s result', timeoutMs: 20_000 },
    );
    expect(post).toContain(
      '1,496 the same · 3 missing at the destination · 1 different · 0 only at the destination',
    );
    expect(post).toContain('`photos/0003.jpg`, `photos/0500.jpg`, `photos/1499.jpg`');
    expect(post).toContain('Different: `photos/0042.jpg`');
  });
});
