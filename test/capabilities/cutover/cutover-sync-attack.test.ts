import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ApprovalStore } from '../../../src/capabilities/approvals/approval-store.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import {
  admitApproved,
  claimStart,
  STALE_START_MS,
  startToken,
  withdrawStart,
} from '../../../src/capabilities/approvals/scheduled-start.js';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import {
  RUN_LEASE_MS,
  RunClaim,
  readSchedule,
  runRequestId,
  type SyncSchedule,
  scheduleKey,
} from '../../../src/capabilities/cutover/sync-record.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import { type AtomicKv, LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { createStore } from '../../../src/store/create-store.js';
import {
  succeededTask as succeededOmsTask,
  syncTasks as syncTasksOf,
  threadLines,
} from '../../harness/keep-sync.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 76, keep in sync: attacks on a run's exactly-once through what replicas and operators do.
// Two bots on one Redis database, each on its own clock (moved together unless a test skews one),
// the second pointed at the first's fake Slack and OMS simulator. A replica that stalls is one
// whose approvals' `admitApproved` waits on the test (before or after it admits).
const storeUrl = replicaRedisUrl();
const CONNECTION = `hw-atk-${Date.now().toString(36)}`;
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0SYNCATK';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0SYNCBOB';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
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
/** Stalls still holding a replica (a test that failed early): let go, so the next test runs. */
const stalls = new Set<() => void>();
afterEach(() => {
  for (const release of stalls) release();
  stalls.clear();
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

const said = (id: string, what: RegExp) => threadLines(a, id, what);
const syncTasks = (name: string) => syncTasksOf(a, name);

async function succeededTask(name: string) {
  const task = await succeededOmsTask(a, name, CHANNEL);
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

/** A promise and what settles it. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}

/** `records` whose next read waits on `gate` once it has read (then `reached`): a stall between an admit's read and its save. */
function readThenWait(records: ApprovalStore, reached: () => void, gate: Promise<void>): ApprovalStore {
  let stalled = false;
  return new Proxy(records, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'get' || stalled) return typeof value === 'function' ? value.bind(target) : value;
      return async (team: string, id: string) => {
        stalled = true;
        const found = await target.get(team, id);
        reached();
        await gate;
        return found;
      };
    },
  });
}

/**
 * Stalls `bot`'s next admit of an approved request, `before` it admits, `inside` it (the real
 * admit, between its read of the request and its save) or `after` it: `at` resolves when it got
 * there, `release` lets it go on (and puts the real admit back).
 */
function stallAdmit(bot: TestBot, when: 'before' | 'inside' | 'after') {
  const approvals = coreOf(bot).approvals!;
  const admit = approvals.admitApproved;
  const { fired: gate, fire: go } = signal();
  const { fired: at, fire: reached } = signal();
  approvals.admitApproved = async (record) => {
    if (when === 'inside') {
      const records = readThenWait(approvalsOf(bot.bot.deps).records, reached, gate);
      return admitApproved(records, record, { atomic: coreOf(bot).state, clock: coreOf(bot).clock });
    }
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
  const release = () => {
    approvals.admitApproved = admit;
    go();
  };
  stalls.add(release);
  return { at, release };
}

/** The approved request of run `n` of schedule `id`, as the approvals keep it. */
async function requestOf(id: string, n: number) {
  const schedule = (await readSchedule(coreOf(a).state, TEAM, id))!;
  return coreOf(a).approvals!.find(TEAM, runRequestId(schedule, n));
}

/** A migration kept in sync every 6 h (max 2) with a freeze over its run 1 only (5 h to 7 h after approval). */
async function keepSyncFrozen(name: string) {
  const task = await succeededTask(name);
  const approvedAt = clockA.now();
  await keepSync(`keep-sync ${task.id} every 6h until +2d max 2`);
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  const freeze = `${at(approvedAt + 5 * HOUR)}..${at(approvedAt + 7 * HOUR)}@UTC`;
  const added = await a.ask(`policy add ${name}-freeze freeze=${freeze} connections=${CONNECTION}`, {
    userId: REQUESTER,
    channelId: CHANNEL,
  });
  expect(messageText(added)).toContain(`${name}-freeze`);
  return task;
}

/** Moves the clocks `by` (run 1 comes due) and ticks `bot` until it stalls at run 1's admit (`stallAdmit`). */
async function stalledAtRun(bot: TestBot, when: 'before' | 'inside' | 'after', by: number) {
  const stall = stallAdmit(bot, when);
  advance(by);
  const stalled = bot.bot.scheduler.tick('cycle');
  await stall.at;
  return { stall, stalled };
}

const stopSync = async (id: string) =>
  messageText(await b.ask(`keep-sync stop ${id}`, { userId: REQUESTER, channelId: CHANNEL }));

describe('keep in sync, attacked', () => {
  it('called off while a replica stalls between holding a run and admitting it: the run is never made', async () => {
    const task = await succeededTask('atk-a');
    const id = await keepSync(`keep-sync ${task.id} every 4h until +2d`);
    const { stall, stalled } = await stalledAtRun(a, 'before', 4 * HOUR);
    // The run taken is not made: none counted.
    expect(await stopSync(task.id)).toContain('is no longer kept in sync (0 runs made)');
    stall.release();
    await stalled;
    await tick([a, b], 3);
    expect(syncTasks('atk-a')).toEqual([]);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
    expect(said(task.id, /-stop$/)).toHaveLength(1);
    // Admitted after the stop, it is kept called off by who stopped it, never waiting for a start.
    expect(await requestOf(id, 1)).toMatchObject({ status: 'cancelled', cancelledBy: REQUESTER });
  });

  it('called off after a run was admitted and before it started (its replica died): never made', async () => {
    const task = await succeededTask('atk-b');
    const id = await keepSync(`keep-sync ${task.id} every 4h until +2d`);
    const { stall, stalled } = await stalledAtRun(a, 'after', 4 * HOUR);
    // The admitted request waits for the next scheduled start: the stop comes first.
    expect(await stopSync(task.id)).toContain('is no longer kept in sync');
    await tick([b], 3);
    expect(await requestOf(id, 1)).toMatchObject({ status: 'cancelled', cancelledBy: REQUESTER });
    stall.release();
    await stalled;
    await tick([a, b], 3);
    expect(syncTasks('atk-b')).toEqual([]);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
  });

  it('a run refused at its start (a freeze) is said once as refused, never as started', async () => {
    const task = await keepSyncFrozen('atk-c');
    advance(6 * HOUR);
    await tick([a, b], 3);
    advance(6 * HOUR);
    await tick([a, b], 3);
    expect(syncTasks('atk-c')).toEqual(['atk-c · sync 2']);
    expect(said(task.id, /-run-1-failed$/)).toHaveLength(1);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
    expect(said(task.id, /-run-2-started$/)).toHaveLength(1);
    // Its maximum reached, the refused run is not counted as made.
    await tick([a, b], 2);
    const stops = said(task.id, /-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain('maximum of 2 runs (1 made)');
  });

  it('taken over on a re-take whose request was refused meanwhile: said refused once, not started', async () => {
    const task = await keepSyncFrozen('atk-d');
    // A admits run 1 and dies before writing it down; B's scheduled start refuses it (the freeze).
    const { stall, stalled } = await stalledAtRun(a, 'after', 6 * HOUR);
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

  it('a replica whose clock runs a lease ahead takes over a live run: created once, said once', async () => {
    const task = await succeededTask('atk-e');
    await keepSync(`keep-sync ${task.id} every 4h until +2d max 1`);
    const { stall, stalled } = await stalledAtRun(a, 'before', 4 * HOUR);
    // B's clock is a lease and a minute ahead: A's claim looks lapsed to it.
    clockB.advance(RUN_LEASE_MS + 60_000);
    await tick([b], 3);
    expect(syncTasks('atk-e')).toEqual(['atk-e · sync 1']);
    stall.release();
    await stalled;
    await tick([a, b], 3);
    expect(syncTasks('atk-e')).toEqual(['atk-e · sync 1']);
    expect(said(task.id, /-run-1-started$/)).toHaveLength(1);
    expect(said(task.id, /-run-1-failed$/)).toEqual([]);
    // Back in step for the next tests.
    clockA.advance(RUN_LEASE_MS + 60_000);
  });

  it('two replicas taking over the same lapsed run in the same instant: one takes it', async () => {
    const task = await succeededTask('atk-f');
    const id = await keepSync(`keep-sync ${task.id} every 4h until +2d`);
    const kv: AtomicKv = coreOf(a).state;
    const schedule = (await readSchedule(kv, TEAM, id))!;
    const t0 = clockA.now() + 4 * HOUR;
    expect(await new RunClaim(kv, schedule, 1, 'run:dead').take(t0)).toBe(true);
    const lapsed = t0 + RUN_LEASE_MS;
    const takers = Array.from({ length: 6 }, (_, i) => new RunClaim(kv, schedule, 1, `run:r${i}`));
    const took = await Promise.all(takers.map((c) => c.take(lapsed)));
    expect(took.filter(Boolean)).toHaveLength(1);
    const winner = takers[took.indexOf(true)]!;
    expect((await readSchedule(kv, TEAM, id))!.runs).toEqual([
      { n: 1, at: t0, claim: { holder: winner.token, until: lapsed + RUN_LEASE_MS } },
    ]);
    // Through the job: both replicas tick at once past the lease, the run is made once.
    advance(4 * HOUR + 2 * RUN_LEASE_MS);
    await tick([a, b], 3);
    expect(syncTasks('atk-f')).toEqual(['atk-f · sync 1']);
    expect(said(task.id, /-run-1-started$/)).toHaveLength(1);
    // Started, its start cannot be withdrawn: a stop leaves what it created as it is.
    const created = await requestOf(id, 1);
    expect(created?.resourceId).toBeDefined();
    expect(await coreOf(b).approvals!.withdraw(TEAM, created!.id, REQUESTER)).toBe(false);
    expect(await stopSync(task.id)).toContain('is no longer kept in sync');
    expect(await requestOf(id, 1)).toEqual(created);
  });

  it('a take-over admits and creates a run whose first taker stalled inside its admit: it stands', async () => {
    // Back in step afterwards: B's waits while it took the run over moved its clock on (1.5 s here).
    onTestFinished(() => {
      clockA.skewMs = clockB.skewMs = Math.max(clockA.skewMs, clockB.skewMs);
    });
    const task = await succeededTask('atk-h');
    const id = await keepSync(`keep-sync ${task.id} every 4h until +2d max 1`);
    // A read "no request yet" for run 1 and stalls before saving it, past its lease.
    const { stall, stalled } = await stalledAtRun(a, 'inside', 4 * HOUR);
    advance(RUN_LEASE_MS + 60_000);
    await tick([b], 3);
    const created = await requestOf(id, 1);
    expect(created?.resourceId).toBeDefined();
    expect(said(task.id, /-run-1-started$/)).toHaveLength(1);
    // A's save comes after the delta was created: it must not write the approved copy over it.
    stall.release();
    await stalled;
    await tick([a, b], 3);
    advance(STALE_START_MS + 60_000);
    await tick([a, b], 3);
    expect(await requestOf(id, 1)).toEqual(created);
    expect(syncTasks('atk-h')).toEqual(['atk-h · sync 1']);
    expect(said(task.id, /-run-1-started$/)).toHaveLength(1);
    expect(said(task.id, /-run-1-failed$/)).toEqual([]);
  });

  it('a run taken and not handed over at the end date is not made after it', async () => {
    const task = await succeededTask('atk-g');
    const until = clockA.now() + 4 * HOUR + HOUR;
    await keepSync(`keep-sync ${task.id} every 4h until ${new Date(until).toISOString()}`);
    const { stall, stalled } = await stalledAtRun(a, 'before', 4 * HOUR);
    advance(2 * HOUR);
    await tick([b], 3);
    const stops = said(task.id, /-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain('(0 runs made)');
    stall.release();
    await stalled;
    await tick([a, b], 3);
    expect(syncTasks('atk-g')).toEqual([]);
    expect(said(task.id, /-run-1-started$/)).toEqual([]);
    advance(DAY);
  });
});

// The same claims on the embedded stores (one process: memory, SQLite), taken at once.
const dir = mkdtempSync(path.join(tmpdir(), 'sync-attack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['memory://', `sqlite://${path.join(dir, 'store.sqlite')}`])('on %s', (url) => {
  it('one of six take-overs of a lapsed run wins; a stop and a start never both win', async () => {
    const store = await createStore(url, captureLogger('fatal').logger);
    const kv = new LocalAtomicKv(store, 'state:');
    const t0 = 1_800_000_000_000;
    const schedule: SyncSchedule = {
      id: 'abcdef0123',
      team: TEAM,
      channel: CHANNEL,
      connection: 'hw',
      provider: 'huawei-oms',
      kind: 'task',
      resourceId: 'r1',
      name: 'embedded',
      everyH: 1,
      until: t0 + DAY,
      max: 5,
      requester: REQUESTER,
      status: 'active',
      createdAt: t0,
      approvedBy: APPROVER,
      approvedAt: t0,
      runs: [{ n: 1, at: t0, claim: { holder: 'run:dead', until: t0 + RUN_LEASE_MS } }],
    };
    await kv.update(scheduleKey(TEAM, schedule.id), () => JSON.stringify(schedule));
    const takers = Array.from({ length: 6 }, (_, i) => new RunClaim(kv, schedule, 1, `run:r${i}`));
    const took = await Promise.all(takers.map((c) => c.take(t0 + RUN_LEASE_MS)));
    expect(took.filter(Boolean)).toHaveLength(1);
    expect(await new RunClaim(kv, schedule, 1, 'run:dead').hold(t0 + RUN_LEASE_MS)).toBe(false);
    // A stop's withdrawal and a scheduled start on the same run's request, at once: one wins.
    const records = new ApprovalStore(store, kv, { clock: new TestClock(() => t0) });
    const id = runRequestId(schedule, 1);
    const record = { team: TEAM, id } as ApprovalRecord;
    const [withdrawn, started] = await Promise.all([
      withdrawStart(kv, records, { team: TEAM, id, by: REQUESTER, now: t0 }),
      claimStart(kv, record, startToken('start', 'op1', t0)),
    ]);
    expect([withdrawn, started].filter(Boolean)).toHaveLength(1);
    // Withdrawn again (a second stop): still never started; a start after it loses.
    expect(await withdrawStart(kv, records, { team: TEAM, id, by: REQUESTER, now: t0 })).toBe(withdrawn);
    expect(await claimStart(kv, record, startToken('start', 'op2', t0))).toBe(false);
    await store.close();
  });

  it('an admit stalled between its read and its save never writes over the run created meanwhile', async () => {
    const store = await createStore(url, captureLogger('fatal').logger);
    const kv = new LocalAtomicKv(store, 'state:');
    const t0 = Date.parse('2026-11-09T12:00:00Z');
    const clock = new TestClock(() => t0);
    const records = new ApprovalStore(store, kv, { clock });
    const at = new Date(t0).toISOString();
    const request: ApprovalRecord = {
      id: 'abcdef0123',
      team: TEAM,
      requester: REQUESTER,
      channel: CHANNEL,
      connection: 'hw',
      provider: 'huawei-oms',
      kind: 'task',
      request: { description: 'embedded · sync 1' },
      status: 'approved',
      createdAt: at,
      expiresAt: new Date(t0 + DAY).toISOString(),
      decidedBy: APPROVER,
      decidedAt: at,
      startAt: at,
    };
    const { fired: gate, fire: release } = signal();
    const { fired: reached, fire: reach } = signal();
    const late = admitApproved(readThenWait(records, reach, gate), request, { atomic: kv, clock });
    await reached;
    // The take-over admits it and the scheduled start creates it while the first admit stalls.
    await admitApproved(records, request, { atomic: kv, clock });
    expect(await claimStart(kv, request, startToken('start', 'op1', t0))).toBe(true);
    const created = await records.save({ ...request, startedAt: at, resourceId: 'task-1' });
    release();
    expect(await late).toEqual(created);
    expect(await records.get(TEAM, request.id)).toEqual(created);
    await store.close();
  });
});
