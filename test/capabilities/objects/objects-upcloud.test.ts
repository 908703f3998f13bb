import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { editedTexts, ObjectsWorld } from './objects-world.js';

// Issue 62 on UpCloud, which reports only a job's state: `/migrate verify` of a completed job lists
// its source and its Managed Object Storage target (the storage credential names the service's
// endpoint) and finds the 3 missing and 1 different objects the store was seeded with.

const SERVICE = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const TOKEN = 'ucat_verify_token_000000000000000001';
const SRC = { ak: 'AKIASOURCE0000000001', sk: 'aws-source-secret-key-upcloud-00000001' };
const DST = { ak: 'UCOSKEY0000000000001', sk: 'upcloud-storage-secret-key-0000000001' };
const CHANNEL = 'C0UPCHECK1';

const world = new ObjectsWorld({
  src: { ...SRC, buckets: ['src-bucket'] },
  dst: { ...DST, buckets: ['uc-target'] },
  upcloud: { serviceId: SERVICE, token: TOKEN },
});
const { store, upcloud } = world;
const t = new TestBot();

/** The check of `id` once it has its result. */
const checked = (id: string) =>
  editedTexts(t.fakeSlack).find((text) => text.includes(id) && text.includes('the same'));

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: () => [world.upcloudConnection('uc-fi')],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
  });
  for (let i = 0; i < 400; i++) {
    store.putObject('src-bucket', `logs/${i}.gz`, `log ${i}`);
    if (i === 1 || i === 2 || i === 3) continue;
    store.putObject('uc-target', `logs/${i}.gz`, i === 9 ? 'log 9, longer' : `log ${i}`);
  }
});
afterAll(async () => {
  await t.stop();
  await world.stop();
});

describe('/migrate verify on an UpCloud job', () => {
  it('finds the 3 missing and the 1 different object', async () => {
    const job = upcloud.addJob({
      name: 'logs-to-upcloud',
      status: 'completed',
      progress: 1,
      source: { bucket: 'src-bucket', prefix: 'logs/' },
      target: { bucket: 'uc-target', prefix: 'logs/' },
    });
    expect(
      messageText(await t.ask(`verify uc-fi:${job.uuid}`, { userId: 'U0ALICE01', channelId: CHANNEL })),
    ).toContain('Checking the buckets');
    const post = await until(() => checked(job.uuid), { what: 'the check’s result', timeoutMs: 20_000 });
    expect(post).toContain(
      '396 the same · 3 missing at the destination · 1 different · 0 only at the destination',
    );
    expect(post).toContain('Different: `logs/9.gz`');
  });
});

describe('Retry these on UpCloud when the objects share only part of a name', () => {
  it('offers no run of “everything under app/file-0”, which holds nearly all of the prefix', async () => {
    for (let i = 0; i < 40; i++) {
      const name = `file-${String(i).padStart(3, '0')}.bin`;
      store.putObject('src-bucket', `app/${name}`, `a ${i}`);
      if (i !== 7 && i !== 19) store.putObject('uc-target', `app/${name}`, `a ${i}`);
    }
    const job = upcloud.addJob({
      name: 'app-to-upcloud',
      status: 'completed',
      progress: 1,
      source: { bucket: 'src-bucket', prefix: 'app/' },
      target: { bucket: 'uc-target', prefix: 'app/' },
    });
    await t.ask(`verify uc-fi:${job.uuid}`, { userId: 'U0ALICE01', channelId: CHANNEL });
    const post = await until(() => checked(job.uuid), { what: 'the check’s result', timeoutMs: 20_000 });
    expect(post).toContain('2 missing at the destination');
    expect(post).not.toContain('app/file-0`');
    expect(post).not.toContain('objects.retry');
    expect(post).toContain('spread over the whole migrated prefix');
  });
});
