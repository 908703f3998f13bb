import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import { RUN_LEASE_MS } from '../../../src/capabilities/cutover/sync-record.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 76, keep in sync: attacks on a run's exactly-once through what replicas and operators do.
// Two bots on one Redis database, each on its own clock (moved together unless a test skews one),
// the second pointed at the first's fake Slack and OMS simulator. A replica that stalls is one
// whose approvals' `admitApproved` waits on the test (before or after it admits).
const storeUrl = replicaRedisUrl();
const CONNECTION = `hw-atk-${Date.now().toString(36)}`;
const CHANNEL = 'C0SYNCATK';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0SYNCBOB';
const HOUR = 3_600_000;
const clockA = new TestClock();
const clockB = new TestClock();
const a = new TestBot();
const b = new TestBot();
const coreOf = (bot: TestBot) => (bot.bot.deps.capabilities.stateOf('cutover') as CutoverState).core;

beforeAll(async () => {
  await dropRedisKeys(storeUrl, 'cutover');
  const connections = () => [omsConnection(CONNECTION, a.oms.url)];
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' };
  await a.start({ env, connections, watcher: { clock: clockA } });
  await b.start({
    env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
    connections,
    watcher: { clock: clockB },
  });
  a.oms.clock.freeze();
  await a.ask(`access grant <@${APPROVER}> approver`);
});
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await dropRedisKeys(storeUrl, CONNECTION);
});

/** Both replicas' clocks move by `ms` (a skew set before stays). */
function advance(ms: number) {
  clockA.advance(ms);
  clockB.advance(ms);
}

const keyOf = (c: RecordedCall) =>
  (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';
const said = (id: string, what: RegExp) =>
  a.fakeSlack.callsTo('chat.postMessage').filter((c) => keyOf(c).includes(`:${id}:`) && what.test(keyOf(c)));
const syncTasks = (name: string) =>
  [...a.oms.tasks.values()].map((t) => t.description).filter((n) => n.startsWith(`${name} · sync `));

async function succeededTask(name: string) {
  const task = a.oms.addTask({
    name,
    status: 5,
    progress: 1,
    totalSize: 10 * 1024 ** 3,
    totalNum: 3,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
    dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
  });
  await a.ask(`watch ${task.id} <#${CHANNEL}|ops>`);
  await a.bot.deps.watcher.runCycle();
  return task;
}

async function tick(bots: TestBot[], times = 2) {
  for (let i = 0; i < times; i++) await Promise.all(bots.map((x) => x.bot.scheduler.tick('cycle')));
}

/** Asks and approves a keep-in-sync; resolves the schedule's id. */
async function keepSync(text: string): Promise<string> {
  const since = a.fakeSlack.calls.length;
  expect(messageText(await a.ask(text, { userId: REQUESTER, channelId: CHANNEL }))).toContain('is posted in');
  const request = await a.fakeSlack.waitFor(() =>
    a.fakeSlack.calls
      .slice(since)
      .find(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.channel === CHANNEL &&
          buttons(c.body).some((x) => x.action_id === 'cutover.sync.approve'),
      ),
  );
  const approve = buttons(request.body).find((x) => x.action_id === 'cutover.sync.approve')!;
  const ok = await (
    await b.click(approve.action_id, approve.value, { userId: APPROVER, channelId: CHANNEL })
  ).answer();
  expect(messageText(ok)).toContain('Approved by');
  return approve.value;
}

/**
 * Stalls `bot`'s next admit of an approved request, `before` or `after` it admits: `at` resolves
 * when it got there, `release` lets it go on (and puts the real admit back).
 */
function stallAdmit(bot: TestBot, when: 'before' | 'after') {
  const approvals = coreOf(bot).approvals!;
  const admit = approvals.admitApproved;
  let go!: () => void;
  const gate = new Promise<void>((resolve) => {
    go = resolve;
  });
  let reached!: () => void;
  const at = new Promise<void>((resolve) => {
    reached = resolve;
  });
  approvals.admitApproved = async (record) => {
    if (when === 'before') {
      reached();
      await gate;
      return admit(record);
    }
    const admitted = await admit(record);
    reached();
    await gate;
    return admitted;
  };
  return {
    at,
    release() {
      approvals.admitApproved = admit;
      go();
    },
  };
}

describe('keep in sync, attacked', () => {
  it('a run refused at its start (a freeze) is said once as refused, never as started', async () => {
    const task = await succeededTask('atk-c');
    const approvedAt = clockA.now();
    await keepSync(`keep-sync ${task.id} every 6h until +2d max 2`);
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const freeze = `${at(approvedAt + 5 * HOUR)}..${at(approvedAt + 7 * HOUR)}@UTC`;
    const added = await a.ask(`policy add atk-freeze freeze=${freeze} connections=${CONNECTION}`, {
      userId: REQUESTER,
      channelId: CHANNEL,
    });
    expect(messageText(added)).toContain('atk-freeze');
    advance(6 * HOUR);
    await tick([a, b], 3);
    advance(6 * HOUR);
    await tick([a, b], 3);
    expect(syncTasks('atk-c')).toEqual(['atk-c · sync 2']);
    expect(said(task.id, /-run-1-failed$/)).toHaveLength(1);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
    expect(said(task.id, /-run-2-started$/)).toHaveLength(1);
  });

  it('taken over on a re-take whose request was refused meanwhile: said refused once, not started', async () => {
    const task = await succeededTask('atk-d');
    const approvedAt = clockA.now();
    await keepSync(`keep-sync ${task.id} every 6h until +2d max 2`);
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const freeze = `${at(approvedAt + 5 * HOUR)}..${at(approvedAt + 7 * HOUR)}@UTC`;
    await a.ask(`policy add atk-freeze-d freeze=${freeze} connections=${CONNECTION}`, {
      userId: REQUESTER,
      channelId: CHANNEL,
    });
    // A admits run 1 and dies before writing it down; B's scheduled start refuses it (the freeze).
    const stall = stallAdmit(a, 'after');
    advance(6 * HOUR);
    const stalled = a.bot.scheduler.tick('cycle');
    await stall.at;
    await tick([b], 2);
    advance(RUN_LEASE_MS + 60_000);
    await tick([b], 3);
    stall.release();
    await stalled;
    await tick([a, b], 2);
    expect(syncTasks('atk-d')).toEqual([]);
    expect(said(task.id, /-run-1-failed$/)).toHaveLength(1);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
  });
});
