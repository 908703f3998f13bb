import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOmsFailedLists } from '../../../dev/simulators/object-store/oms-lists.js';
import { reconcileKey } from '../../../src/capabilities/objects/reconcile-store.js';
import type { ObjectsState } from '../../../src/capabilities/objects/state.js';
import type { Connection } from '../../../src/connections/connection.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { editedTexts, ObjectsWorld, retryButton } from './objects-world.js';

// Issue 62, "the retry's verification reconciles": a retry asked for with Retry these is checked
// again by itself once its run ends, just the objects it retried, and the post says how many of
// them arrived and how many are still missing. Two replicas share one Redis, one fake Slack and the
// simulators: both look at every cycle, one runs the check, once.

const storeUrl = replicaRedisUrl();
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const TEAM = 'T0FAKE001';
const CHANNEL = `C0RC${suffix}`;
// Named apart per run: a run's chain (its retries' numbers) is kept under the connection's name.
const OMS = `hw-rc-${suffix.toLowerCase()}`;
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const APPROVER = 'U0RCBOB01';
const SERVICE = '1200ecde-db95-4d1d-9c2c-00000000c0de';
const TOKEN = 'ucat_reconcile_token_000000000000000001';
const UC_SRC = { ak: 'AKIAUCSOURCE00000001', sk: 'aws-source-secret-key-reconcile-00001' };
const UC_DST = { ak: 'UCOSKEYRECONCILE0001', sk: 'upcloud-storage-secret-key-reconcile1' };
/** A key an outsider named, still missing after the retry: inert in the reconciled post. */
const NASTY = 'data/m2/<!channel> *bold* =HYPERLINK("x")\u0007.bin';

const world = new ObjectsWorld({
  src: { ...UC_SRC, buckets: ['rc-src'] },
  dst: { ...UC_DST, buckets: ['rc-dst'] },
  oms: {},
  upcloud: { serviceId: SERVICE, token: TOKEN },
});
const { store, upcloud } = world;
const a = new TestBot();
const b = new TestBot();

function connections(omsUrl: string): Connection[] {
  return [world.omsConnection(OMS, omsUrl), world.upcloudConnection('uc-rc')];
}

beforeAll(async () => {
  await world.start();
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', ...world.allowed() };
  const watcher = { keyPrefix: `rc-${suffix}:`, leaseMs: 1_500 };
  await a.start({ env, connections, watcher });
  await b.start({
    env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
    connections: () => connections(a.oms.url),
    watcher,
  });
  await a.ask(`access grant <@${APPROVER}> approver`, ALICE);
  // The UpCloud job data/ → copy/: what it left wanting is all under data/m2/.
  for (const month of ['m1', 'm2', 'm3'])
    for (let i = 0; i < 10; i++) {
      const key = `data/${month}/${i}.bin`;
      store.putObject('rc-src', key, `v-${key}`);
      if (key === 'data/m2/1.bin' || key === 'data/m2/2.bin') continue;
      store.putObject('rc-dst', `copy/${key.slice(5)}`, key === 'data/m2/4.bin' ? 'changed!' : `v-${key}`);
    }
  store.putObject('rc-src', NASTY, 'nasty');
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await world.stop();
  await dropRedisKeys(storeUrl, suffix);
  await dropRedisKeys(storeUrl, OMS);
});

const slack = () => a.fakeSlack;

function checkEnded(id: string): string | undefined {
  return editedTexts(slack())
    .filter((text) => text.includes(id) && text.includes('Bucket check of') && !text.includes('Checking…'))
    .at(-1);
}

/** The reconciled posts of `retry`: each post once, and what it says last. */
function reconciled(retry: string): { posts: number; last?: string } {
  const mine = (body: Record<string, unknown>) => messageText(body).includes(`What ${retry} brought over`);
  const posts = slack()
    .callsTo('chat.postMessage')
    .filter((c) => mine(c.body));
  const edits = slack()
    .callsTo('chat.update')
    .filter((c) => mine(c.body));
  const last = [...posts, ...edits].map((c) => messageText(c.body)).filter((t) => t.includes('now arrived'));
  return { posts: posts.length, ...(last.length > 0 ? { last: last.at(-1)! } : {}) };
}

async function cyclesOnBoth(n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
}

/** Asks for Retry these of the check's run `id` and has the approver approve it on the other replica. */
async function retryApproved(id: string): Promise<string> {
  const button = await until(() => retryButton(slack(), id), { what: 'Retry these', timeoutMs: 30_000 });
  const since = slack().calls.length;
  await a.click('objects.retry', button.value!, ALICE);
  const request = await postedApproval(a, { team: TEAM, channel: CHANNEL }, since);
  const answer = await decideApproval(
    b,
    new Interactions(b),
    { ...request, channel: CHANNEL },
    'approve',
    APPROVER,
  );
  expect(answer).toContain('Approved');
  return request.id;
}

const objectsKv = () => (a.bot.deps.capabilities.stateOf('objects') as ObjectsState).kv;
/** The UpCloud run the first case checks, whose Retry these the last case presses again. */
let archive = '';

describe('a retry’s reconciling check, across two replicas', { timeout: 120_000 }, () => {
  it('UpCloud: once the retry job ends, its 4 objects are checked again, once: 2 of 4 arrived', async () => {
    const job = world.upcloudJob(
      'archive',
      { bucket: 'rc-src', prefix: 'data/' },
      { bucket: 'rc-dst', prefix: 'copy/' },
    );
    archive = job.uuid;
    await a.ask(`verify uc-rc:${job.uuid}`, ALICE);
    const check = await until(() => checkEnded(job.uuid), { what: 'the check', timeoutMs: 30_000 });
    expect(check).toContain('3 missing at the destination · 1 different');
    const approval = await retryApproved(job.uuid);
    const made = await until(() => [...upcloud.jobs.values()].find((j) => j.name === 'archive · retry 1'), {
      what: 'the retry job',
      timeoutMs: 10_000,
    });
    expect(made.source.prefix).toBe('data/m2/');

    // While the retry runs, nothing is checked.
    Object.assign(made, { status: 'running', runningSince: undefined });
    await cyclesOnBoth(3);
    expect(reconciled('archive · retry 1').posts).toBe(0);

    // The retry brings two over; one stays missing, one stays different.
    store.putObject('rc-dst', 'copy/m2/1.bin', 'v-data/m2/1.bin');
    store.putObject('rc-dst', 'copy/m2/2.bin', 'v-data/m2/2.bin');
    Object.assign(made, { status: 'completed' });
    const last = await until(
      async () => {
        await cyclesOnBoth(1);
        return reconciled('archive · retry 1').last;
      },
      { what: 'the reconciled result', timeoutMs: 30_000 },
    );
    expect(last).toContain('2 of 4 now arrived, 2 still missing');
    expect(last).toContain('1 of those still missing is at the destination with another size or ETag');
    expect(last).toContain('data/m2/4.bin');
    expect(last).toContain('&lt;!channel&gt;');
    expect(last).not.toContain('<!channel>');
    expect(last).toContain(`uc-rc:${job.uuid}`);

    // Both replicas go on looking: the check ran once, its post posted once, the reconcile forgotten.
    await cyclesOnBoth(4);
    expect(reconciled('archive · retry 1').posts).toBe(1);
    expect(await objectsKv().get(reconcileKey(TEAM, approval))).toBeUndefined();
  });

  it('OMS: the list task’s 7 failed objects checked again when it succeeds: 5 of 7 arrived', async () => {
    for (let i = 0; i < 12; i++)
      store.putObject('rc-oms-src', `pics/${String(i).padStart(2, '0')}.jpg`, `p${i}`);
    store.bucket('rc-oms-dst', 'cn-north-4');
    const task = a.oms.addTask({
      name: 'pics',
      status: 4,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'rc-oms-src' },
      dst: { region: 'cn-north-4', bucket: 'rc-oms-dst' },
    });
    task.failedNum = 7;
    writeOmsFailedLists(store)(a.oms.task(task.id)!);
    await a.ask(`verify ${OMS}:${task.id}`, ALICE);
    await retryApproved(task.id);
    const retry = await until(
      () => [...a.oms.tasks.values()].find((t) => t.taskType === 'list' && t.src.bucket === 'rc-oms-src'),
      { what: 'the list task', timeoutMs: 10_000 },
    );
    // The list task brings 5 of the 7 over (OMS keeps a key whole at the destination).
    for (let i = 0; i < 5; i++)
      store.putObject('rc-oms-dst', `pics/${String(i).padStart(2, '0')}.jpg`, `p${i}`);
    Object.assign(retry, { status: 5, completeSize: retry.totalSize, successfulNum: retry.totalNum });
    const last = await until(
      async () => {
        await cyclesOnBoth(1);
        return reconciled('pics · retry 1').last;
      },
      { what: 'the reconciled result', timeoutMs: 30_000 },
    );
    expect(last).toContain('5 of 7 now arrived, 2 still missing');
    expect(last).toContain('`pics/05.jpg`, `pics/06.jpg`');
    expect(reconciled('pics · retry 1').posts).toBe(1);
  });

  it('OMS: says what the run never moved beside the retry’s 7 of 7, and offers Resume (issue 74)', async () => {
    // A task that failed partway: of its 40 objects none moved, 7 recorded failed, 33 never moved.
    for (let i = 0; i < 40; i++)
      store.putObject('rc-part-src', `part/${String(i).padStart(2, '0')}.bin`, `q${i}`);
    store.bucket('rc-part-dst', 'cn-north-4');
    const task = a.oms.addTask({
      name: 'partway',
      status: 4,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'rc-part-src' },
      dst: { region: 'cn-north-4', bucket: 'rc-part-dst' },
    });
    Object.assign(task, { totalNum: 40, successfulNum: 0, skippedNum: 0, failedNum: 7 });
    writeOmsFailedLists(store)(a.oms.task(task.id)!);
    await a.ask(`verify ${OMS}:${task.id}`, ALICE);
    await retryApproved(task.id);
    const retry = await until(
      () => [...a.oms.tasks.values()].find((t) => t.taskType === 'list' && t.src.bucket === 'rc-part-src'),
      { what: 'the list task', timeoutMs: 10_000 },
    );
    for (let i = 0; i < 7; i++)
      store.putObject('rc-part-dst', `part/${String(i).padStart(2, '0')}.bin`, `q${i}`);
    Object.assign(retry, { status: 5, completeSize: retry.totalSize, successfulNum: retry.totalNum });
    const last = await until(
      async () => {
        await cyclesOnBoth(1);
        return reconciled('partway · retry 1').last;
      },
      { what: 'the reconciled result', timeoutMs: 30_000 },
    );
    expect(last).toContain(
      '7 of 7 now arrived, 0 still missing, and 33 more of the run’s objects never arrived',
    );
    expect(last).toContain('33 other objects of the run were never moved (run state: failed)');
    expect(last).not.toContain(':white_check_mark:');
    // The Resume it offers is the card's own action on the run: pressing it resumes the task.
    const post = slack()
      .callsTo('chat.update')
      .concat(slack().callsTo('chat.postMessage'))
      .filter((c) => messageText(c.body).includes('What partway · retry 1 brought over'))
      .filter((c) => messageText(c.body).includes('now arrived'))
      .at(-1)!;
    const resume = (
      post.body.blocks as { elements?: { action_id?: string; value?: string; text?: { text?: string } }[] }[]
    )
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'resource.resume');
    expect(resume?.text?.text).toBe('Resume');
    await a.ask(`access grant <@U0RCOPER1|oper> operator`, ALICE);
    await a.click('resource.resume', resume!.value!, { userId: 'U0RCOPER1', channelId: CHANNEL });
    await until(() => (a.oms.task(task.id)!.status !== 4 ? true : undefined), {
      what: 'the task resumed',
      timeoutMs: 10_000,
    });
    expect([1, 2]).toContain(a.oms.task(task.id)!.status);
  });

  it('a retry that is rejected is not waited for', async () => {
    const button = await until(() => retryButton(slack(), archive), {
      what: 'Retry these',
      timeoutMs: 10_000,
    });
    const since = slack().calls.length;
    const click = await a.click('objects.retry', button.value!, ALICE);
    const request = await postedApproval(a, { team: TEAM, channel: CHANNEL }, since);
    // Answered once the press is done: the retry is then waited for.
    expect(String((await click.answer()).text)).toContain('archive · retry 2');
    const kv = objectsKv();
    expect(await kv.get(reconcileKey(TEAM, request.id))).toBeDefined();
    await decideApproval(a, new Interactions(a), { ...request, channel: CHANNEL }, 'reject', APPROVER);
    await cyclesOnBoth(1);
    expect(await kv.get(reconcileKey(TEAM, request.id))).toBeUndefined();
  });
});
