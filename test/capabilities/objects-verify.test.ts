import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objects } from '../../src/capabilities/objects/index.js';
import type { ObjectsState } from '../../src/capabilities/objects/state.js';
import { runKey } from '../../src/capabilities/objects/state.js';
import { HOSTILE_KEYS } from '../fixtures/hostile-keys.js';
import { stateIn } from '../harness/started-capabilities.js';
import { DST_SK, messageText, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';
import { lastDrawn, ObjectsWorld } from './fixtures/objects-world.js';

// Issue 62, "Check the buckets", through signed requests: `/migrate verify` on a finished OMS task
// lists the source (AWS S3) and destination (OBS) on the S3 simulator with the connection's storage
// keys, and draws what differs on its post, every key in a CSV in the post's thread.

const CHANNEL = 'C0OBJECTS1';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const LOCKED_AK = 'OBSLOCKEDOUT00000001';

const world = new ObjectsWorld({
  oms: { src: ['src-bucket'], dst: ['dst-bucket', 'dst-slow'] },
  keys: { [LOCKED_AK]: { secret: DST_SK, buckets: ['elsewhere'] } },
});
const { store } = world;
const t = new TestBot();

beforeAll(async () => {
  await world.start();
  await t.start({
    connections: (omsUrl) => [
      world.omsConnection('hw-prod', omsUrl),
      world.omsConnection('hw-locked', omsUrl, LOCKED_AK),
      {
        ...world.omsConnection('hw-keyless', omsUrl),
        storage: { source: world.omsConnection('x', omsUrl).storage.source },
      },
    ],
    env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
  });
  const keys = [
    ...Array.from({ length: 1_200 }, (_, i) => `photos/${String(i).padStart(4, '0')}.jpg`),
    ...HOSTILE_KEYS,
  ];
  for (const [i, key] of keys.entries()) {
    store.putObject('src-bucket', key, `bytes of ${i}`);
    if (i === 5 || i === 700 || key.startsWith('=HYPERLINK') || key.startsWith('<@')) continue;
    store.putObject('dst-bucket', key, i === 42 ? 'other length' : `bytes of ${i}`);
    store.putObject('dst-slow', key, `bytes of ${i}`);
  }
  store.putObject('dst-bucket', 'photos/zz-extra.jpg', 'x');
});
afterAll(async () => {
  await t.stop();
  await world.stop();
});

function finishedTask(name: string, dstBucket = 'dst-bucket') {
  return t.oms.addTask({
    name,
    status: 5,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket' },
    dst: { region: 'cn-north-4', bucket: dstBucket },
  });
}

/** The check's post as last drawn (its first post, then every edit of it). */
const checkPost = (ref: string) => lastDrawn(t.fakeSlack, ref);

const ended = (text: string | undefined) => text !== undefined && !text.includes('Checking…');

describe('/migrate verify: check the buckets of a finished migration', () => {
  it('posts the counts, the first keys inert, and every key in a CSV in the thread', async () => {
    const task = finishedTask('photos-copy');
    const answer = await t.ask(`verify hw-prod:${task.id}`, ALICE);
    expect(messageText(answer)).toContain('Checking the buckets');
    const post = await until(() => (ended(checkPost(task.id)) ? checkPost(task.id) : undefined), {
      what: 'the check’s final post',
      timeoutMs: 20_000,
    });
    expect(post).toContain('1,203 the same');
    expect(post).toContain('4 missing at the destination');
    expect(post).toContain('(1,208 source, 1,205 destination objects)');
    expect(post).toContain('1 different');
    expect(post).toContain('1 only at the destination');
    expect(post).toContain('`photos/0005.jpg`');
    expect(post).toContain('`=HYPERLINK(\\"http://x\\")`');
    // A mention in a key is inert, a control character visible.
    expect(post).not.toContain('<@U0ALICE01>');
    expect(post).toContain('`&lt;@U0ALICE01&gt; &lt;!channel&gt; *bold* ~x~`');
    const upload = await until(() => t.fakeSlack.files.uploads.find((u) => u.filename.includes(task.id)), {
      what: 'the CSV',
      timeoutMs: 10_000,
    });
    const csv = upload.bytes.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '"difference","source_key","destination_key","source_size","destination_size","source_etag","destination_etag"',
    );
    expect(csv).toContain(`"missing","'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain('"different","photos/0042.jpg","photos/0042.jpg",11,12,');
    expect(csv).toContain('"extra","","photos/zz-extra.jpg","",1,');
    expect(upload.threadTs).toBeDefined();
  });

  it('says the destination refused the keys, and does not crash', async () => {
    const task = finishedTask('locked-copy');
    await t.ask(`verify hw-locked:${task.id}`, ALICE);
    const post = await until(() => (ended(checkPost(task.id)) ? checkPost(task.id) : undefined), {
      what: 'the refused check’s post',
      timeoutMs: 20_000,
    });
    expect(post).toContain('refused the connection’s storage keys (`AccessDenied`)');
    expect(post).toContain('destination bucket `dst-bucket`');
  });

  it('names a source that does not speak S3, and a side without keys, and checks neither', async () => {
    const azure = t.oms.addTask({
      name: 'from-azure',
      status: 5,
      src: { cloud_type: 'Azure', region: 'eastus', bucket: 'container' },
      dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    await t.ask(`verify hw-prod:${azure.id}`, ALICE);
    const post = await until(() => (ended(checkPost(azure.id)) ? checkPost(azure.id) : undefined), {
      what: 'the Azure run’s post',
      timeoutMs: 20_000,
    });
    expect(post).toContain('The source is on Azure, which does not speak the S3 API: not checked.');
    expect(post).not.toContain('the same');
    const keyless = finishedTask('keyless-copy');
    await t.ask(`verify hw-keyless:${keyless.id}`, ALICE);
    const said = await until(() => (ended(checkPost(keyless.id)) ? checkPost(keyless.id) : undefined), {
      what: 'the keyless run’s post',
      timeoutMs: 20_000,
    });
    expect(said).toContain('The connection has no storage keys for the destination bucket');
  });

  it('refuses a run that has not finished, and a viewer', async () => {
    const running = t.oms.addTask({ name: 'still-going', status: 2, progress: 0.2 });
    expect(messageText(await t.ask(`verify hw-prod:${running.id}`, ALICE))).toContain('once it has finished');
    const done = finishedTask('viewer-copy');
    const refused = messageText(
      await t.ask(`verify hw-prod:${done.id}`, { userId: 'U0VIEWER1', channelId: CHANNEL }),
    );
    expect(refused).not.toContain('Checking the buckets');
  });

  it('is cancelled by `verify cancel`, and says by whom', async () => {
    const task = finishedTask('slow-copy', 'dst-slow');
    const release = store.holdListings();
    try {
      expect(messageText(await t.ask(`verify hw-prod:${task.id}`, ALICE))).toContain('Checking the buckets');
      // One check of a run at a time.
      expect(messageText(await t.ask(`verify hw-prod:${task.id}`, ALICE))).toContain('already running');
      expect(messageText(await t.ask(`verify cancel hw-prod:${task.id}`, ALICE))).toContain('Cancelling');
    } finally {
      release();
    }
    const post = await until(() => (ended(checkPost(task.id)) ? checkPost(task.id) : undefined), {
      what: 'the cancelled check’s post',
      timeoutMs: 20_000,
    });
    expect(post).toContain('<@U0ALICE01> cancelled the check');
    // Once the check has let go of the run (after its CSV), there is nothing left to cancel.
    const key = runKey('T0FAKE001', { connection: 'hw-prod', kind: 'task', id: task.id });
    await until(async () => (await stateIn<ObjectsState>(t.bot.deps, objects).kv.get(key)) === undefined, {
      what: 'the check’s record gone',
      timeoutMs: 10_000,
    });
    expect(messageText(await t.ask(`verify cancel hw-prod:${task.id}`, ALICE))).toContain('No check of');
  });
});
