import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import { succeededTask as succeededOmsTask, syncTasks as syncTasksOf } from '../../harness/keep-sync.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 76, keep in sync for a plan: `/migrate keep-sync <plan> every <N>h until <date> [max <n>]`
// asks ONE approval naming the plan, each migration, the cadence, end and maximum; approved, each
// migration gets its own keep-sync (the same records and runs as a single one, each run claimed once
// across the two replicas); `keep-sync stop <plan>` stops them all, answered once.
const storeUrl = replicaRedisUrl();
const CONNECTION = `hw-psync-${Date.now().toString(36)}`;
const CHANNEL = 'C0PSYNC01';
const REQUESTER = 'U0PSALICE';
const APPROVER = 'U0PSBOB01';
const HOUR = 3_600_000;
const clock = new TestClock();
const a = new TestBot();
const b = new TestBot();
const ALICE = { userId: REQUESTER, channelId: CHANNEL };
const BOB = { userId: APPROVER, channelId: CHANNEL };

beforeAll(async () => {
  await dropRedisKeys(storeUrl, 'cutover');
  const connections = () => [omsConnection(CONNECTION, a.oms.url)];
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' };
  await a.start({ env, connections, watcher: { clock } });
  await b.start({ env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl }, connections, watcher: { clock } });
  a.oms.clock.freeze();
  await a.ask(`access grant <@${APPROVER}> approver`);
  await a.ask(`access grant <@${REQUESTER}> approver`);
});
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await dropRedisKeys(storeUrl, CONNECTION);
});

const syncTasks = (name: string) => syncTasksOf(a, name);
const succeededTask = (name: string) => succeededOmsTask(a, name, CHANNEL, ALICE);

async function plan(name: string, ids: string[]) {
  const answer = messageText(await a.ask(`plan new ${name}`, ALICE));
  expect(answer).toMatch(/`p[0-9a-f]{6}`/);
  await a.ask(`plan add ${name} ${ids.map((i) => `${CONNECTION}:${i}`).join(' ')}`, ALICE);
  await a.bot.deps.watcher.runCycle();
}

async function tickBoth(times = 2) {
  for (let i = 0; i < times; i++)
    await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
}

/** The requests with the plan's Approve posted since call `since`. */
const planRequests = (since: number) =>
  a.fakeSlack.calls
    .slice(since)
    .filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        buttons(c.body).some((x) => x.action_id === 'cutover.plan.sync.approve'),
    );

describe('keep a whole plan in sync', () => {
  it('asks once for every migration, runs each once per cadence across replicas, stops all at once', async () => {
    const one = await succeededTask('ps-one');
    const two = await succeededTask('ps-two');
    await plan('synced', [one.id, two.id]);
    const since = a.fakeSlack.calls.length;
    const asked = await a.ask('keep-sync synced every 6h until +2d max 3', ALICE);
    expect(messageText(asked)).toContain('plan *synced* (2 migrations) in sync is posted in');
    await a.settled();
    const requests = planRequests(since);
    expect(requests).toHaveLength(1);
    const request = requests[0]!.body;
    const text = messageText(request);
    expect(text).toContain('Keep plan *synced* in sync: each of its 2 migrations');
    expect(text).toContain('every 6 h');
    expect(text).toContain('at most 3 runs each');
    expect(text).toContain('ps-one');
    expect(text).toContain('ps-two');
    expect(text).toContain('at most 6 in all');
    const approve = buttons(request).find((x) => x.action_id === 'cutover.plan.sync.approve')!;
    // The requester cannot approve their own.
    const self = await (await a.click(approve.action_id, approve.value, ALICE)).answer();
    expect(messageText(self)).toContain('another approver must approve it');
    // Two approvers' clicks on both replicas: decided once.
    const [x, y] = await Promise.all([
      a.click(approve.action_id, approve.value, BOB).then((r) => r.answer()),
      b.click(approve.action_id, approve.value, BOB).then((r) => r.answer()),
    ]);
    const answers = [messageText(x), messageText(y)];
    expect(
      answers.filter((t) => t.includes('the 2 migrations of plan *synced* are kept in sync')),
    ).toHaveLength(1);
    // Each migration's first delta once, across both replicas, at its due time.
    clock.advance(6 * HOUR + 60_000);
    await tickBoth(3);
    expect(syncTasks('ps-one')).toHaveLength(1);
    expect(syncTasks('ps-two')).toHaveLength(1);
    // Stopped for the plan, answered once; no delta after.
    const stopped = await a.ask('keep-sync stop synced', ALICE);
    expect(messageText(stopped)).toContain('the 2 migrations of plan *synced* are no longer kept in sync');
    clock.advance(12 * HOUR);
    await tickBoth(3);
    expect(syncTasks('ps-one')).toHaveLength(1);
    expect(syncTasks('ps-two')).toHaveLength(1);
    expect(messageText(await a.ask('keep-sync stop synced', ALICE))).toContain('nothing to stop');
  });

  it('refuses a plan whose migration is already kept in sync, holding none of the others', async () => {
    const three = await succeededTask('ps-three');
    const four = await succeededTask('ps-four');
    await plan('overlap', [three.id, four.id]);
    await a.ask(`keep-sync ${CONNECTION}:${four.id} every 6h until +2d`, ALICE);
    const since = a.fakeSlack.calls.length;
    const refused = await a.ask('keep-sync overlap every 6h until +2d', ALICE);
    expect(messageText(refused)).toContain('is already kept in sync');
    await a.settled();
    expect(planRequests(since)).toEqual([]);
    // The first migration was let go: a single ask for it is taken.
    const single = await a.ask(`keep-sync ${CONNECTION}:${three.id} every 6h until +2d`, ALICE);
    expect(messageText(single)).toContain('is posted in');
  });

  // Last: it forgets this file's workspace (its plans' names too, so a run after starts clean).
  it('forgets the plan-wide requests with the workspace when the app is uninstalled', async () => {
    const kv = (a.bot.deps.capabilities.stateOf('cutover') as CutoverState).core.state;
    expect(await kv.setMembers('cutover:sync-plan-team:T0FAKE001')).not.toEqual([]);
    expect((await a.event({ type: 'app_uninstalled' }, 'T0FAKE001')).status).toBe(200);
    await a.settled();
    expect(await kv.setMembers('cutover:sync-plan-team:T0FAKE001')).toEqual([]);
  });
});
