import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import {
  changeSchedule,
  RUN_LEASE_MS,
  RunClaim,
  readSchedule,
} from '../../../src/capabilities/cutover/sync-record.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import {
  succeededTask as succeededOmsTask,
  syncTasks as syncTasksOf,
  threadLines,
} from '../../harness/keep-sync.js';
import { buttons, messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 76, keep in sync: one approval stands for every delta run; each run is taken once across
// replicas (for a lease: one whose taker died is taken over), goes through the approvals' scheduled
// start, and the schedule stops by itself (end date, two same-class failures), said once in the run's thread.
// Two bots on one Redis database and one clock, the second pointed at the first's fake Slack and
// OMS simulator, tick their schedulers together through 30 simulated days.
const storeUrl = replicaRedisUrl();
const CONNECTION = `hw-sync-${Date.now().toString(36)}`;
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0SYNCREP';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0SYNCBOB';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new TestClock();
const a = new TestBot();
const b = new TestBot();
const state = () => (a.bot.deps.capabilities.stateOf('cutover') as CutoverState).core.state;

beforeAll(async () => {
  await dropRedisKeys(storeUrl, 'cutover');
  const connections = () => [omsConnection(CONNECTION, a.oms.url)];
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' };
  await a.start({ env, connections, watcher: { clock } });
  await b.start({ env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl }, connections, watcher: { clock } });
  a.oms.clock.freeze();
  await a.ask(`access grant <@${APPROVER}> approver`);
});
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await dropRedisKeys(storeUrl, CONNECTION);
});

const said = (id: string, what: RegExp) => threadLines(a, id, what);
const syncTasks = (name: string) => syncTasksOf(a, name);

async function succeededTask(name: string) {
  const task = await succeededOmsTask(a, name, CHANNEL);
  await a.bot.deps.watcher.runCycle();
  return task;
}

/** Both replicas tick at once, `times` times (the scheduled starts run in the same ticks). */
async function tickBoth(times = 2) {
  for (let i = 0; i < times; i++)
    await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
}

/** The keep-in-sync request posted in the card's channel since call `since`. */
async function postedRequest(since: number) {
  const call = await a.fakeSlack.waitFor(() =>
    a.fakeSlack.calls
      .slice(since)
      .find(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.channel === CHANNEL &&
          buttons(c.body).some((x) => x.action_id === 'cutover.sync.approve'),
      ),
  );
  return call.body;
}

async function askAndApprove(text: string) {
  const since = a.fakeSlack.calls.length;
  const asked = await a.ask(text, { userId: REQUESTER, channelId: CHANNEL });
  expect(messageText(asked)).toContain('is posted in');
  const answer = await postedRequest(since);
  return approveRequest(answer);
}

async function approveRequest(answer: Record<string, unknown>) {
  const approve = buttons(answer).find((x) => x.action_id === 'cutover.sync.approve');
  expect(approve, messageText(answer)).toBeDefined();
  // The requester cannot approve their own: nothing starts.
  const self = await (
    await a.click(approve!.action_id, approve!.value, { userId: REQUESTER, channelId: CHANNEL })
  ).answer();
  expect(messageText(self)).toContain('another approver must approve it');
  const ok = await (
    await b.click(approve!.action_id, approve!.value, { userId: APPROVER, channelId: CHANNEL })
  ).answer();
  expect(messageText(ok)).toContain('Approved by');
  // Its end and first delta in the reader's own time zone (Slack's date), not a raw ISO string.
  expect(messageText(ok)).toMatch(/until <!date\^\d+\^/);
  expect(messageText(ok)).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  return { answer, id: approve!.value };
}

describe('keep in sync on two replicas', () => {
  it('refuses a cadence under the minimum, an end date past or too far, another workspace: nothing changed', async () => {
    const task = await succeededTask('keep-refused');
    const end = new Date(clock.now() + 5 * DAY).toISOString();
    const cases: [string, string, { teamId?: string }?][] = [
      [`keep-sync ${task.id} every 0h until ${end}`, 'whole number of hours'],
      [`keep-sync ${task.id} every 6h until 2020-01-01`, 'is already past'],
      [
        `keep-sync ${task.id} every 6h until ${new Date(clock.now() + 120 * DAY).toISOString()}`,
        'more than 90 days ahead',
      ],
      [`keep-sync ${task.id} every 6h until ${end} max 0`, 'whole number from 1 to 500'],
      [`keep-sync ${task.id} every 6h until ${end}`, '', { teamId: 'T0OTHER01' }],
    ];
    const since = a.fakeSlack.calls.length;
    for (const [text, reason, who] of cases) {
      const answer = await a.ask(text, { userId: REQUESTER, channelId: CHANNEL, ...who });
      if (reason) expect(messageText(answer)).toContain(reason);
      expect(messageText(answer)).not.toContain('is posted in');
    }
    // A viewer may not ask.
    const viewer = await a.ask(`keep-sync ${task.id} every 6h until ${end}`, {
      userId: 'U0VIEWER1',
      channelId: CHANNEL,
    });
    expect(messageText(viewer)).not.toContain('is posted in');
    await a.settled();
    const posted = a.fakeSlack.calls
      .slice(since)
      .filter((c) => buttons(c.body).some((x) => x.action_id.startsWith('cutover.')));
    expect(posted).toEqual([]);
  });

  // 30 simulated days of cycles on two replicas: CPU-bound, 8 s alone, past 20 s on a loaded machine.
  it('runs on its cadence for 30 days, once per run across replicas, none after the end date', {
    timeout: 90_000,
  }, async () => {
    const task = await succeededTask('keep-a');
    const approvedAt = clock.now();
    const until = approvedAt + 20 * DAY + HOUR;
    const { answer: request } = await askAndApprove(
      `keep-sync ${task.id} every 24h until ${new Date(until).toISOString()} max 40`,
    );
    expect(messageText(request)).toContain('a delta every 24 h');
    expect(messageText(request)).toContain('at most 40 runs');
    expect(messageText(request)).toContain('migrate_since');
    // The card says it is kept in sync (the cut-over's line, drawn by the one editor).
    clock.advance(6 * HOUR);
    await tickBoth();
    await a.bot.deps.watcher.runCycle();
    await a.fakeSlack.waitFor(() =>
      a.fakeSlack.calls.find(
        (c) => c.method === 'chat.update' && messageText(c.body).includes('Kept in sync every 24 h'),
      ),
    );
    for (let h = 6; h < 30 * 24; h += 6) {
      clock.advance(6 * HOUR);
      await tickBoth();
      // Each day's run once, none ahead of its due time.
      const day = Math.floor((clock.now() - approvedAt) / DAY);
      expect(syncTasks('keep-a').length).toBeLessThanOrEqual(Math.min(day, 20));
    }
    const names = syncTasks('keep-a');
    expect(names).toHaveLength(20);
    expect(new Set(names).size).toBe(20);
    expect(said(task.id, /cutover-[a-f0-9]+-stop$/)).toHaveLength(1);
    expect(messageText(said(task.id, /-stop$/)[0]!.body)).toContain('its end date');
  });

  it('stops after two consecutive failures of the same class, said once', async () => {
    const task = await succeededTask('keep-b');
    await askAndApprove(`keep-sync ${task.id} every 2h until +10d`);
    clock.advance(2 * HOUR);
    await tickBoth();
    expect(syncTasks('keep-b')).toHaveLength(1);
    // OMS refuses the next two creates the same way.
    const refused = {
      method: 'POST',
      path: '/tasks',
      status: 403,
      body: { error_code: 'OMS.0003', error_msg: 'no' },
    };
    a.oms.faults.script(refused, refused);
    for (let i = 0; i < 8; i++) {
      clock.advance(2 * HOUR);
      await tickBoth(3);
    }
    expect(syncTasks('keep-b')).toHaveLength(1);
    expect(said(task.id, /-run-\d+-failed$/)).toHaveLength(2);
    const stops = said(task.id, /-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain('two runs in a row failed the same way');
  });

  it('takes over a run whose replica died before handing it over, once its lease lapsed: created once', async () => {
    const task = await succeededTask('keep-c');
    const { id } = await askAndApprove(
      `keep-sync ${task.id} every 4h until ${new Date(clock.now() + 3 * DAY).toISOString()} max 2`,
    );
    clock.advance(4 * HOUR);
    // A replica took run 1 and died before its request was admitted: the run is written, nothing else.
    await changeSchedule(state(), TEAM, id, (c) => ({ ...c, runs: [{ n: 1, at: clock.now() }] }));
    await tickBoth(3);
    // Its taker might still be handing it over: within the lease, nobody else touches it.
    expect(syncTasks('keep-c')).toEqual([]);
    clock.advance(RUN_LEASE_MS);
    await tickBoth(3);
    expect(syncTasks('keep-c')).toEqual(['keep-c · sync 1']);
    expect(said(task.id, /-run-1-started$/)).toHaveLength(1);
    clock.advance(4 * HOUR);
    await tickBoth(3);
    expect(syncTasks('keep-c')).toEqual(['keep-c · sync 1', 'keep-c · sync 2']);
    clock.advance(4 * HOUR);
    await tickBoth(3);
    // Its maximum of two runs made, each once: stopped, said once.
    const stops = said(task.id, /-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain('maximum of 2 runs');
  });

  it('a taker that wakes after its lease lapsed does nothing: the run is the one who took it over', async () => {
    const task = await succeededTask('keep-h');
    const { id } = await askAndApprove(`keep-sync ${task.id} every 4h until +2d`);
    const kv = state();
    const schedule = (await readSchedule(kv, TEAM, id))!;
    const t0 = clock.now();
    const [taker, other] = ['run:a', 'run:b'].map((token) => new RunClaim(kv, schedule, 1, token));
    expect(await taker!.take(t0)).toBe(true);
    expect(await other!.take(t0 + RUN_LEASE_MS - 1)).toBe(false);
    // Held, it renews its lease as it admits.
    expect(await taker!.hold(t0 + 60_000)).toBe(true);
    expect(await other!.take(t0 + RUN_LEASE_MS)).toBe(false);
    const lapsed = t0 + 60_000 + RUN_LEASE_MS;
    expect(await other!.take(lapsed)).toBe(true);
    expect(await taker!.hold(lapsed + 1)).toBe(false);
    expect(await taker!.fail('failed:late')).toBe(false);
    expect(await other!.hold(lapsed + 1)).toBe(true);
    const runs = (await readSchedule(kv, TEAM, id))!.runs;
    expect(runs).toEqual([{ n: 1, at: t0, claim: { holder: 'run:b', until: lapsed + 1 + RUN_LEASE_MS } }]);
    await b.ask(`keep-sync stop ${task.id}`, { userId: REQUESTER, channelId: CHANNEL });
    expect(syncTasks('keep-h')).toEqual([]);
  });

  it('asks from "Keep in sync…" under the verification post, through its form', async () => {
    const task = await succeededTask('keep-d');
    const views = new ViewTracker(a.fakeSlack);
    const ix = new Interactions(a);
    const value = JSON.stringify({ c: CONNECTION, k: 'task', id: task.id, at: 1 });
    await a.click('cutover.sync.open', value, { userId: REQUESTER, channelId: CHANNEL });
    const form = await a.fakeSlack.waitFor(() =>
      views.shown.find((v) => v.view.callback_id === 'cutover.sync.form'),
    );
    const since = a.fakeSlack.calls.length;
    const until = new Date(clock.now() + 10 * DAY).toISOString().slice(0, 10);
    const submitted = await ix.submit(form, { every: '12', until, max: '5' }, { userId: REQUESTER });
    expect(submitted.status).toBe(200);
    const request = await postedRequest(since);
    expect(messageText(request)).toContain('a delta every 12 h');
    expect(messageText(request)).toContain('at most 5 runs');
    views.stop();
  });

  it('checks a freeze at each run: the refused run is said, the next one runs', async () => {
    const task = await succeededTask('keep-e');
    const approvedAt = clock.now();
    await askAndApprove(
      `keep-sync ${task.id} every 6h until ${new Date(approvedAt + 2 * DAY).toISOString()} max 3`,
    );
    // A freeze over run 2's due time only (12 h after the approval).
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const freeze = `${at(approvedAt + 11 * HOUR)}..${at(approvedAt + 13 * HOUR)}@UTC`;
    const added = await a.ask(`policy add keep-freeze freeze=${freeze} connections=${CONNECTION}`, {
      userId: REQUESTER,
      channelId: CHANNEL,
    });
    expect(messageText(added)).toContain('keep-freeze');
    for (let i = 0; i < 3; i++) {
      clock.advance(6 * HOUR);
      await tickBoth(3);
    }
    expect(syncTasks('keep-e')).toEqual(['keep-e · sync 1', 'keep-e · sync 3']);
    const refused = said(task.id, /-run-2-failed$/);
    expect(refused).toHaveLength(1);
    expect(messageText(refused[0]!.body)).toContain('run 2 did not start');
  });

  it('is called off by an operator: no run after, said once', async () => {
    const task = await succeededTask('keep-f');
    await askAndApprove(`keep-sync ${task.id} every 6h until +2d`);
    clock.advance(6 * HOUR);
    await tickBoth();
    expect(syncTasks('keep-f')).toHaveLength(1);
    const stopped = await b.ask(`keep-sync stop ${task.id}`, { userId: REQUESTER, channelId: CHANNEL });
    expect(messageText(stopped)).toContain('is no longer kept in sync (1 runs made)');
    const again = await a.ask(`keep-sync stop ${task.id}`, { userId: REQUESTER, channelId: CHANNEL });
    expect(messageText(again)).toContain('nothing to stop');
    clock.advance(DAY);
    await tickBoth(3);
    expect(syncTasks('keep-f')).toHaveLength(1);
    const stops = said(task.id, /-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain(`called off by <@${REQUESTER}>`);
  });

  // Last: it forgets this file's workspace.
  it('is forgotten with its workspace when the app is uninstalled: no run after', async () => {
    const task = await succeededTask('keep-g');
    await askAndApprove(`keep-sync ${task.id} every 6h until +2d`);
    expect((await a.event({ type: 'app_uninstalled' }, TEAM)).status).toBe(200);
    await a.settled();
    for (let i = 0; i < 4; i++) {
      clock.advance(6 * HOUR);
      await tickBoth();
    }
    expect(syncTasks('keep-g')).toEqual([]);
  });
});
