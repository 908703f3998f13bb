import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSink } from '../../../dev/simulators/changing-source.js';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import {
  oldBucketPass,
  oldBucketPassSettled,
} from '../../../src/capabilities/cutover/watch/old-bucket-watch.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { ObjectsWorld } from '../objects/objects-world.js';

// Issue 76, the old-bucket watch: after a cut-over, each watcher pass lists the migration's source
// (bounded) for keys written since, and tells them once per batch in the migration's thread with
// "Run one more delta"; it ends after its days. On OMS, NCP and UpCloud (each source an S3 bucket
// of the simulated store), on two replicas sharing Redis and one moved clock.
const storeUrl = replicaRedisUrl();
const CHANNEL = 'C0OLDBUCK';
const OPERATOR = 'U0ALICE01';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SRC = { ak: 'AKIAOLDBUCKETSRC0001', sk: 'old-bucket-source-secret-0000000000001' };
const DST = { ak: 'OLDBUCKETDEST0000001', sk: 'old-bucket-destination-secret-00000001' };
const UP = { serviceId: '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f', token: 'ucat_oldbucket_token_0000000000001' };
const NCP = { ak: 'NCPOLDBUCKETACCESS01', sk: 'ncp-old-bucket-secret-key-000000000001' };
const tag = Date.now().toString(36);
const OMS_CONN = `ob-oms-${tag}`;
const NCP_CONN = `ob-ncp-${tag}`;
const UP_CONN = `ob-up-${tag}`;

const clock = new TestClock();
const world = new ObjectsWorld({ src: SRC, dst: DST, oms: {}, upcloud: UP, ncp: NCP });
const { store } = world;
const a = new TestBot();
const b = new TestBot();

beforeAll(async () => {
  await world.start();
  await dropRedisKeys(storeUrl, 'cutover');
  const connections = () => [
    world.omsConnection(OMS_CONN, a.oms.url),
    world.ncpConnection(NCP_CONN),
    world.upcloudConnection(UP_CONN),
  ];
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', ...world.allowed() };
  await a.start({ env, connections, watcher: { clock } });
  await b.start({ env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl }, connections, watcher: { clock } });
  a.oms.clock.freeze();
});
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await world.stop();
  for (const c of [OMS_CONN, NCP_CONN, UP_CONN]) await dropRedisKeys(storeUrl, c);
});

/** Both replicas run a watcher pass at once (the job runs on the replica holding its lease). */
async function passBoth() {
  // The job starts a pass in the background (a slow bucket never holds the cycle), and none while
  // one is under way: a pass a card's cycle started ends first, then this one runs and ends.
  await passesEnded();
  await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
  await passesEnded();
  await a.settled();
}

const passesEnded = () => Promise.all([oldBucketPassSettled(stateOf(a)), oldBucketPassSettled(stateOf(b))]);

const stateOf = (bot: TestBot) => bot.bot.deps.capabilities.stateOf('cutover') as CutoverState;

/** The thread lines of the watch of `id` that say `what`. */
const lines = (id: string, what: string) =>
  a.fakeSlack
    .callsTo('chat.postMessage')
    .filter((c) => messageText(c.body).includes(id) && messageText(c.body).includes(what));
const batches = (id: string) => lines(id, 'written to the old bucket since the cut-over');

/** A write to the old bucket `bucket` at the clock's now. */
function write(bucket: string, key: string, at = clock.now()) {
  storeSink(store.bucket(bucket))({ key, size: 10, at });
}

async function watched(ref: string) {
  await a.ask(`watch ${ref} <#${CHANNEL}|ops>`, { userId: OPERATOR, channelId: CHANNEL });
  await a.bot.deps.watcher.runCycle();
}

/** Three finished migrations, one per cloud, each of its own source bucket under `app/`. */
function migrations(name: string) {
  const oms = a.oms.addTask({
    name: `${name}-oms`,
    status: 5,
    progress: 1,
    totalSize: 1024,
    totalNum: 3,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-oms-src` },
    dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
  });
  const ncp = world.ncpPolicy(
    `${name}-ncp`,
    { jobState: 'DONE', progress: 1, objects: 3 },
    { bucket: `${name}-ncp-src`, prefix: 'app/' },
    { bucket: `${name}-ncp-dst`, prefix: 'app/' },
  );
  const up = world.upcloudJob(
    `${name}-up`,
    { bucket: `${name}-up-src`, prefix: 'app/' },
    {
      bucket: `${name}-up-dst`,
      prefix: 'app/',
    },
  );
  return [
    { ref: `${OMS_CONN}:${oms.id}`, id: oms.id, bucket: `${name}-oms-src`, prefix: '' },
    { ref: `${NCP_CONN}:${ncp.title}`, id: ncp.title, bucket: `${name}-ncp-src`, prefix: 'app/' },
    { ref: `${UP_CONN}:${up.uuid}`, id: up.uuid, bucket: `${name}-up-src`, prefix: 'app/' },
  ];
}

describe('the old-bucket watch', () => {
  it('reports a write within 2 passes on OMS, NCP and UpCloud, once per batch, on two replicas', {
    timeout: 60_000,
  }, async () => {
    const all = migrations('w1');
    for (const m of all) {
      // Old objects, written before the cut-over: never reported.
      for (let i = 0; i < 3; i++) write(m.bucket, `${m.prefix}old-${i}.bin`, clock.now() - DAY);
      await watched(m.ref);
      const started = await a.ask(`cutover watch ${m.ref} 3`, { userId: OPERATOR, channelId: CHANNEL });
      expect(messageText(started), m.ref).toContain('for 3 days');
    }
    await passBoth();
    for (const m of all) {
      expect(lines(m.id, 'Watching the old bucket'), m.ref).toHaveLength(1);
      // The watch's end in each reader's time zone (Slack's date token, UTC as the fallback): 3 days on.
      const started = messageText(lines(m.id, 'Watching the old bucket')[0]!.body);
      const until = /until <!date\^(\d+)\^\{date_short_pretty\} \{time\}\|[\d-]+ [\d:]+ UTC> \(3 days\)/.exec(
        started,
      );
      expect(until, started).not.toBeNull();
      expect(Number(until![1]) * 1000 - clock.now()).toBeGreaterThan(3 * DAY - HOUR);
      expect(batches(m.id), m.ref).toEqual([]);
    }
    clock.advance(HOUR);
    for (const m of all) write(m.bucket, `${m.prefix}stray-<!channel>.txt`);
    await passBoth();
    for (const m of all) {
      const [batch, ...more] = batches(m.id);
      expect(batch, `${m.ref} within 2 passes`).toBeDefined();
      expect(more).toEqual([]);
      const text = messageText(batch!.body);
      expect(text).toMatch(
        /1 object written to the old bucket since the cut-over \(<!date\^\d+\^[^|>]+\|[^>]+ UTC>\)/,
      );
      // The key is inert: shown as code, its markup escaped.
      expect(text).toContain('stray-&lt;!channel&gt;.txt`');
      expect(text).not.toContain('<!channel>');
      expect(buttons(batch!.body).map((x) => x.action_id)).toEqual(['cutover.watch.delta']);
    }
    // Run one more delta: asked through the approvals (two-person rule, policy), nothing created yet.
    const oms = all[0]!;
    const delta = buttons(batches(oms.id)[0]!.body)[0]!;
    const tasks = a.oms.tasks.size;
    const viewer = await (
      await a.click(delta.action_id, delta.value, { userId: 'U0VIEWER1', channelId: CHANNEL })
    ).answer();
    expect(messageText(viewer)).not.toContain('posted for approval');
    const since = a.fakeSlack.calls.length;
    const asked = await (
      await a.click(delta.action_id, delta.value, { userId: OPERATOR, channelId: CHANNEL })
    ).answer();
    expect(messageText(asked)).toContain('one more delta');
    expect(messageText(asked)).toContain('is posted for approval');
    const request = await a.fakeSlack.waitFor(() =>
      a.fakeSlack.calls
        .slice(since)
        .find(
          (c) => c.method === 'chat.postMessage' && buttons(c.body).some((x) => /approve/i.test(x.action_id)),
        ),
    );
    expect(messageText(request.body)).toContain('w1-oms · after cut-over');
    expect(a.oms.tasks.size).toBe(tasks);
    // Passes with nothing new say nothing; the same batch is never told again. What a pass costs:
    // one ListObjectsV2 per watched source of under 1,000 keys, and no provider call.
    const providerCalls = () => [a.oms, world.ncp, world.upcloud].map((sim) => sim.server.requestCount);
    const calls = providerCalls();
    const lists = all.map((m) => store.listings.filter((name) => name === m.bucket).length);
    for (let i = 0; i < 3; i++) {
      clock.advance(HOUR);
      await passBoth();
    }
    expect(providerCalls()).toEqual(calls);
    expect(all.map((m, i) => store.listings.filter((name) => name === m.bucket).length - lists[i]!)).toEqual([
      3, 3, 3,
    ]);
    for (const m of all) expect(batches(m.id), m.ref).toHaveLength(1);
    // A second batch names only its own keys.
    clock.advance(HOUR);
    for (const m of all) for (let i = 0; i < 7; i++) write(m.bucket, `${m.prefix}late-${i}.txt`);
    await passBoth();
    await passBoth();
    for (const m of all) {
      const told = batches(m.id);
      expect(told, m.ref).toHaveLength(2);
      const text = messageText(told[1]!.body);
      expect(text).toContain('7 objects written');
      expect(text).toContain('and 2 more');
      expect(text).not.toContain('stray-');
    }
  });

  it('ends after its days, said once, and reports nothing written after', async () => {
    const [m] = migrations('w2');
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 1`, { userId: OPERATOR, channelId: CHANNEL });
    clock.advance(DAY + HOUR);
    await passBoth();
    await passBoth();
    expect(lines(m!.id, 'ended after 1 day (')).toHaveLength(1);
    write(m!.bucket, 'too-late.txt');
    clock.advance(HOUR);
    await passBoth();
    await passBoth();
    expect(batches(m!.id)).toEqual([]);
  });

  it('says a source it cannot list (Azure, not S3) instead of reporting nothing', async () => {
    const task = a.oms.addTask({
      name: 'w3-azure',
      status: 5,
      progress: 1,
      src: { cloud_type: 'Azure', region: 'eastus', bucket: 'w3-azure-src' },
      dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    await watched(`${OMS_CONN}:${task.id}`);
    await a.ask(`cutover watch ${OMS_CONN}:${task.id} 7`, { userId: OPERATOR, channelId: CHANNEL });
    await passBoth();
    await passBoth();
    const said = lines(task.id, 'cannot be watched');
    expect(said).toHaveLength(1);
    expect(messageText(said[0]!.body)).toContain('does not speak S3');
    expect(batches(task.id)).toEqual([]);
  });

  it('lists at most 20 pages a pass, goes on from there, and says the cut once', {
    timeout: 60_000,
  }, async () => {
    const [m] = migrations('w4');
    const old = storeSink(store.bucket(m!.bucket));
    for (let i = 0; i < 20_500; i++)
      old({ key: `k-${String(i).padStart(6, '0')}`, size: 1, at: clock.now() - DAY });
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 7`, { userId: OPERATOR, channelId: CHANNEL });
    clock.advance(HOUR);
    write(m!.bucket, 'k-999999-new.txt');
    const listed = () => store.listings.filter((name) => name === m!.bucket).length;
    const before = listed();
    await passBoth();
    // The first pass: 20 pages of 1,000 keys, cut; the key after them not read yet.
    expect(listed() - before).toBe(20);
    expect(lines(m!.id, 'holds more than 20,000 keys')).toHaveLength(1);
    expect(batches(m!.id)).toEqual([]);
    const second = listed();
    await passBoth();
    // The second goes on after the 20,000th key: one page reads the rest, and finds the write.
    expect(listed() - second).toBe(1);
    expect(batches(m!.id)).toHaveLength(1);
    expect(lines(m!.id, 'holds more than')).toHaveLength(1);
  });

  it('tells a batch once when both replicas pass at the same instant, past the lease', async () => {
    const [m] = migrations('w5');
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 7`, { userId: OPERATOR, channelId: CHANNEL });
    clock.advance(HOUR);
    for (let i = 0; i < 3; i++) write(m!.bucket, `both-${i}.txt`);
    // Both replicas run the pass itself at once (as two lease holders would across a handover).
    await Promise.all([oldBucketPass(stateOf(a), clock.now()), oldBucketPass(stateOf(b), clock.now())]);
    await a.settled();
    const told = batches(m!.id);
    expect(told).toHaveLength(1);
    expect(messageText(told[0]!.body)).toContain('3 objects written');
  });

  it('refuses a watch by hand out of bounds, on a run that did not succeed, or by a viewer', async () => {
    const running = a.oms.addTask({ name: 'w6-running', status: 2, progress: 0.5 });
    await watched(`${OMS_CONN}:${running.id}`);
    const [m] = migrations('w6');
    await watched(m!.ref);
    const cases: [string, string, string?][] = [
      [`cutover watch ${m!.ref} 0`, 'from 1 to 90'],
      [`cutover watch ${m!.ref} 91`, 'from 1 to 90'],
      [`cutover watch ${m!.ref}`, 'Usage: `/migrate cutover watch'],
      [`cutover watch ${OMS_CONN}:${running.id} 7`, 'only a migration that succeeded'],
      [`cutover watch ${m!.ref} 7`, '', 'U0VIEWER1'],
    ];
    for (const [text, reason, user] of cases) {
      const answer = messageText(await a.ask(text, { userId: user ?? OPERATOR, channelId: CHANNEL }));
      if (reason) expect(answer, text).toContain(reason);
      expect(answer, text).not.toContain('Watching the old bucket');
    }
    await passBoth();
    expect(lines(m!.id, 'Watching the old bucket')).toEqual([]);
  });

  it('says a pass that could not list once, never as no writes, and goes on', async () => {
    const [m] = migrations('w7');
    // Its source bucket is not there (yet): NoSuchBucket.
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 7`, { userId: OPERATOR, channelId: CHANNEL });
    await passBoth();
    clock.advance(HOUR);
    await passBoth();
    const failed = lines(m!.id, 'could not be listed this pass');
    expect(failed).toHaveLength(1);
    expect(messageText(failed[0]!.body)).toContain('unknown, not zero');
    write(m!.bucket, 'after-the-outage.txt');
    clock.advance(HOUR);
    await passBoth();
    expect(batches(m!.id)).toHaveLength(1);
  });

  it('tells 2,100 keys once, though it remembers only the newest 2,000', async () => {
    const [m] = migrations('w8');
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 7`, { userId: OPERATOR, channelId: CHANNEL });
    const sink = storeSink(store.bucket(m!.bucket));
    for (let i = 0; i < 2_100; i++) {
      clock.advance(1_000);
      sink({ key: `many-${String(i).padStart(4, '0')}.txt`, size: 1, at: clock.now() });
    }
    await passBoth();
    for (let i = 0; i < 3; i++) {
      clock.advance(HOUR);
      await passBoth();
    }
    const told = batches(m!.id);
    expect(told).toHaveLength(1);
    expect(messageText(told[0]!.body)).toContain('2,100 objects written');
  });

  it('lists in the background: a listing held by the store does not hold the cycle', async () => {
    const [m] = migrations('w9');
    await watched(m!.ref);
    await a.ask(`cutover watch ${m!.ref} 7`, { userId: OPERATOR, channelId: CHANNEL });
    clock.advance(HOUR);
    write(m!.bucket, 'held.txt');
    await passesEnded();
    const release = store.holdListings();
    try {
      // The tick returns while the store holds every listing; a second tick starts no second pass.
      await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
      await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
      expect(batches(m!.id)).toEqual([]);
    } finally {
      release();
    }
    await passesEnded();
    await a.settled();
    expect(batches(m!.id)).toHaveLength(1);
  });
});
