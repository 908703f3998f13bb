import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import {
  admitApproved,
  claimStart,
  STALE_START_MS,
  startToken,
} from '../../../src/capabilities/approvals/scheduled-start.js';
import type { ApprovalRecord } from '../../../src/capabilities/shared/approval-record.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { OMS_TASK_FORM, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, omsConnection, type TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { replicaPair } from '../../security/replica-redis.js';

// Issue 48: a start time for new jobs created through approval (UpCloud cannot pause, so a window
// is refused there and points here). Two bots share one Redis, one fake Slack and one OMS
// simulator; their clocks are moved, never slept on. An approved request with a start time
// creates nothing until it is due, then exactly once across both replicas; after downtime it
// starts late, once, and says so; its requester can call it off before it is due.
const suffix = Date.now().toString(36).toUpperCase().slice(-6);
const TEAM = `T0ST${suffix}`;
const CONNECTION = `hw-start-${suffix.toLowerCase()}`;
const CHANNEL = 'C0STARTS1';
const OPERATOR = 'U0STOPER1';
const KOREAN = 'U0STKOR01';
const APPROVER = 'U0STAPPR1';
const BASE = Date.parse('2026-11-09T00:00:00Z'); // 09:00 in Seoul
const clocks = [new TestClock(() => BASE), new TestClock(() => BASE)];
const { a, b, storeUrl } = replicaPair({
  marker: suffix,
  connections: (url) => [omsConnection(CONNECTION, url, { team: TEAM })],
  each: (i) => ({ clock: clocks[i]! }),
  timeoutMs: 60_000,
});
const ixA = new Interactions(a);
const ixB = new Interactions(b);
let views: ViewTracker;

const REQUEST = {
  task_type: 'prefix',
  src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'acme-photos', object_key: ['2024/'] },
  dst_node: { region: 'cn-north-4', bucket: 'photos-obs' },
};

beforeAll(async () => {
  views = new ViewTracker(a.fakeSlack);
  a.fakeSlack.locales.set(KOREAN, 'ko-KR');
  const who = { teamId: TEAM };
  await a.ask(`access grant <@${OPERATOR}|oper> operator`, who);
  await a.ask(`access grant <@${KOREAN}|kor> operator`, who);
  await a.ask(`access grant <@${APPROVER}|appr> approver`, who);
  await a.ask('settings time-zone Asia/Seoul', who);
}, 60_000);
afterAll(async () => {
  views?.stop();
  await approvalsOf(a.bot.deps)
    .records.forget(TEAM)
    .catch(() => undefined);
  for (const e of (
    await approvalsOf(a.bot.deps)
      .records.scheduled()
      .catch(() => [])
  ).filter((x) => x.team === TEAM))
    await approvalsOf(a.bot.deps).records.unschedule(e);
});

function at(iso: string): void {
  for (const c of clocks) c.skewMs = Date.parse(iso) - BASE;
}

/** Both replicas' cycles at once (the start runs before each cycle), a few times. */
async function together(n = 3): Promise<void> {
  for (let i = 0; i < n; i++)
    await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
}

let made = 0;
/** A request with a start time, made on A (the service the create form calls), and its post. */
async function ask(startAt: string) {
  const since = a.fakeSlack.calls.length;
  const record = await approvalsOf(a.bot.deps).request({
    team: TEAM,
    requester: OPERATOR,
    channel: CHANNEL,
    connection: CONNECTION,
    kind: 'task',
    request: { ...REQUEST, description: `scheduled ${++made}` },
    op: `st${made}`,
    startAt,
  });
  return { record, posted: await postedApproval(a, { team: TEAM, channel: CHANNEL }, since) };
}

/** A button on the request message pressed on replica `bot` as `userId`; what the presser was told. */
async function press(
  bot: TestBot,
  action: string,
  posted: { id: string; ts: string },
  userId: string,
): Promise<string> {
  const responseId = `st-${action}-${++made}`;
  const res = await (bot === a ? ixA : ixB).clickMessage(
    {
      actionId: action,
      value: posted.id,
      channelId: CHANNEL,
      messageTs: posted.ts,
      responseUrl: bot.fakeSlack.responseUrl(responseId),
    },
    { userId, teamId: TEAM },
  );
  expect(res.status).toBe(200);
  return String((await bot.answer(responseId)).text ?? '');
}

const record = (id: string): Promise<ApprovalRecord> => approvalsOf(a.bot.deps).get(TEAM, id);
/** OMS tasks made since `before` tasks were there (the simulator is this file's alone). */
const tasksSince = (before: number) => a.oms.tasks.size - before;
/** The last edit of the request message: what the renderer shows of the record now. */
function lastEdit(ts: string): RecordedCall | undefined {
  return a.fakeSlack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === ts).at(-1);
}
async function publishedHome(user: string): Promise<unknown> {
  const before = a.fakeSlack.callsTo('views.publish').length;
  await a.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }, TEAM);
  const call = await a.fakeSlack.waitFor(() =>
    a.fakeSlack
      .callsTo('views.publish')
      .slice(before)
      .find((c) => c.body.user_id === user),
  );
  return call.body.view;
}
async function audits(action: string, id: string): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 500);
  return entries.filter((e) => e.action === action && e.target === `approval:${id}`).length;
}

describe('a start time on a request made through approval, on two replicas', () => {
  it('approved with a start time: nothing is created until due, then once across both replicas', async () => {
    at('2026-11-09T00:00:00Z');
    const { record: asked, posted } = await ask('2026-11-09T03:00:00Z'); // 12:00 in Seoul
    expect(asked.startAt).toBe('2026-11-09T03:00:00.000Z');
    expect(messageText(posted.message)).toContain('starts <!date^');
    const before = a.oms.tasks.size;
    const told = await press(b, 'approval.approve', posted, APPROVER);
    expect(told).toMatch(/Approved\. It will be created .* and <@U0STOPER1> was told/);
    expect((await record(posted.id)).status).toBe('approved');
    // The request's post says so, with Cancel start, through the one renderer.
    const edit = lastEdit(posted.ts)!;
    expect(messageText(edit.body)).toMatch(/Approved by <@U0STAPPR1> .* · starts <!date\^1794193200\^/);
    expect(buttons(edit.body).map((x) => x.action_id)).toEqual(['approval.cancelStart']);
    // Its requester's Home tab lists it as approved, starting later, with Cancel start.
    const home = JSON.stringify(await publishedHome(OPERATOR));
    expect(home).toContain('Approved, starting later');
    expect(home).toContain('starts <!date^1794193200^');
    expect(home).toContain('approval.home.cancelStart');
    await together();
    at('2026-11-09T02:59:00Z');
    await together();
    expect(tasksSince(before)).toBe(0);

    at('2026-11-09T03:00:20Z');
    await together(4);
    expect(tasksSince(before)).toBe(1);
    const done = await record(posted.id);
    expect(done.resourceId).toBeDefined();
    expect(done.startedAt).toBe('2026-11-09T03:00:20.000Z');
    expect(await audits('create.start', posted.id)).toBe(1);
    const created = messageText(lastEdit(posted.ts)!.body);
    expect(created).toContain(`created \`${CONNECTION}:${done.resourceId}\``);
    expect(created).not.toContain('Started late');
    at('2026-11-09T04:00:00Z');
    await together();
    expect(tasksSince(before)).toBe(1);
  });

  it('after downtime, a due request is created once, late, and its post says it started late', async () => {
    at('2026-11-09T00:00:00Z');
    const { posted } = await ask('2026-11-09T05:00:00Z');
    const before = a.oms.tasks.size;
    await press(a, 'approval.approve', posted, APPROVER);
    // Both replicas were away from 05:00 to 07:10; B comes back alone.
    at('2026-11-09T07:10:00Z');
    for (let i = 0; i < 3; i++) await b.bot.deps.watcher.runCycle();
    expect(tasksSince(before), JSON.stringify(await record(posted.id))).toBe(1);
    const text = messageText(lastEdit(posted.ts)!.body);
    expect(text).toContain('Started late: it was due');
    expect(text).toContain('the bot was not running then and created it');
    await together();
    expect(tasksSince(before)).toBe(1);
  });

  it('its requester cancels the start before it is due; nobody else but an admin may', async () => {
    at('2026-11-09T00:00:00Z');
    const { posted } = await ask('2026-11-09T08:00:00Z');
    const before = a.oms.tasks.size;
    await press(a, 'approval.approve', posted, APPROVER);
    // The approver is not an admin and did not ask for it.
    expect(await press(b, 'approval.cancelStart', posted, APPROVER)).toMatch(/admin/);
    expect((await record(posted.id)).status).toBe('approved');
    expect(await press(b, 'approval.cancelStart', posted, OPERATOR)).toContain('Start cancelled');
    const cancelled = await record(posted.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelledBy).toBe(OPERATOR);
    const edit = lastEdit(posted.ts)!;
    expect(messageText(edit.body)).toContain('Start cancelled by <@U0STOPER1>');
    expect(buttons(edit.body)).toEqual([]);
    at('2026-11-09T08:01:00Z');
    await together();
    expect(tasksSince(before)).toBe(0);
    expect(await press(a, 'approval.cancelStart', posted, OPERATOR)).toContain(
      'is not waiting for its start',
    );
  });

  it('a cancel racing the due start on the other replica: one of them wins, never both', async () => {
    for (let round = 0; round < 3; round++) {
      at('2026-11-09T00:00:00Z');
      const { posted } = await ask('2026-11-09T09:00:00Z');
      const before = a.oms.tasks.size;
      await press(a, 'approval.approve', posted, APPROVER);
      at('2026-11-09T09:00:05Z');
      const [, told] = await Promise.all([together(1), press(b, 'approval.cancelStart', posted, OPERATOR)]);
      await together(1);
      const now = await record(posted.id);
      const context = `round ${round}: ${now.status}; told "${told}"`;
      expect(tasksSince(before), context).toBe(now.status === 'cancelled' ? 0 : 1);
      expect(told, context).toMatch(now.status === 'cancelled' ? /Start cancelled/ : /not waiting/);
    }
  });
});

describe('a start or a cancel whose replica died between winning it and saving', () => {
  /** A third replica on the same store: it wins the key, then dies (nothing else of it runs). */
  async function diesAfterWinning(id: string, kind: 'start' | 'cancel', who: string, at: number) {
    const kv = await RedisAtomicKv.connect(storeUrl, 'migrate-bot:state:', captureLogger('silent').logger);
    try {
      expect(await claimStart(kv, await record(id), startToken(kind, who, at))).toBe(true);
    } finally {
      await kv.close();
    }
  }
  /** Direct messages to the requester saying the start was interrupted. */
  const interruptedNotices = () =>
    a.fakeSlack
      .callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.body).includes('but the bot stopped while creating the')).length;

  it('a start: left alone for ten minutes, then failed once saying to check the list; nothing created', async () => {
    at('2026-11-09T00:00:00Z');
    const { posted } = await ask('2026-11-09T10:00:00Z');
    const before = a.oms.tasks.size;
    await press(a, 'approval.approve', posted, APPROVER);
    const wonAt = Date.parse('2026-11-09T10:00:05Z');
    await diesAfterWinning(posted.id, 'start', 'gone-replica', wonAt);
    // Its winner may still be creating it: within the ten minutes, nobody else touches it.
    at(new Date(wonAt + STALE_START_MS - 60_000).toISOString());
    await together();
    expect((await record(posted.id)).status).toBe('approved');
    expect(tasksSince(before)).toBe(0);

    at(new Date(wonAt + STALE_START_MS + 5_000).toISOString());
    await together(3);
    const failed = await record(posted.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.outcomeUnknown).toBe(true);
    expect(failed.failure?.localized?.key).toBe('approval.start.interrupted');
    // Never a second job: the first may exist.
    expect(tasksSince(before)).toBe(0);
    const edit = lastEdit(posted.ts)!;
    expect(messageText(edit.body)).toMatch(
      /Approved by <@U0STAPPR1> .*, but the bot stopped while creating it at its start time\. It may have been created: check the list before asking again\./,
    );
    expect(messageText(edit.body)).toContain('will not create it again by itself');
    // Not the provider's fault, so not "the provider's answer did not say".
    expect(messageText(edit.body)).not.toContain("provider's answer");
    expect(buttons(edit.body)).toEqual([]);
    // Both replicas ran their cycles together: said once, audited once.
    expect(interruptedNotices()).toBe(1);
    const entries = await a.bot.deps.audit.recent(TEAM, 500);
    expect(
      entries
        .filter((e) => e.target === `approval:${posted.id}` && e.result === 'failed')
        .map((e) => e.action),
    ).toEqual(['create.start']);
    expect(await approvalsOf(a.bot.deps).records.scheduledOf(TEAM, 50)).not.toContainEqual(
      expect.objectContaining({ id: posted.id }),
    );
  });

  it('a cancel: finished in its requester’s name, nothing created', async () => {
    at('2026-11-09T00:00:00Z');
    const { posted } = await ask('2026-11-09T11:00:00Z');
    const before = a.oms.tasks.size;
    await press(a, 'approval.approve', posted, APPROVER);
    const wonAt = Date.parse('2026-11-09T10:59:00Z');
    await diesAfterWinning(posted.id, 'cancel', `${OPERATOR}:op1`, wonAt);
    at('2026-11-09T11:00:05Z');
    await together();
    expect((await record(posted.id)).status).toBe('approved');
    at('2026-11-09T11:09:30Z');
    await together(3);
    const cancelled = await record(posted.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelledBy).toBe(OPERATOR);
    expect(tasksSince(before)).toBe(0);
    expect(messageText(lastEdit(posted.ts)!.body)).toContain('Start cancelled by <@U0STOPER1>');
  });

  // Issue 76: a replica taking over a keep-in-sync run admits its request again under the same id.
  it('a request admitted again under its id after it was created: kept as it is, created once', async () => {
    at('2026-11-09T12:00:00Z');
    const admitted: ApprovalRecord = {
      id: createHash('sha256').update(`admitted:${suffix}`).digest('hex').slice(0, 10),
      team: TEAM,
      requester: OPERATOR,
      channel: CHANNEL,
      connection: CONNECTION,
      provider: 'huawei-oms',
      kind: 'task',
      request: { ...REQUEST, description: 'admitted twice' },
      status: 'approved',
      createdAt: '2026-11-09T12:00:00.000Z',
      expiresAt: '2026-11-10T12:00:00.000Z',
      decidedBy: APPROVER,
      decidedAt: '2026-11-09T12:00:00.000Z',
      startAt: '2026-11-09T12:00:00.000Z',
    };
    const before = a.oms.tasks.size;
    await admitApproved(approvalsOf(a.bot.deps).records, admitted);
    await together();
    const created = await record(admitted.id);
    expect(created.resourceId).toBeDefined();
    expect(tasksSince(before)).toBe(1);
    // Admitted again on the other replica, later: the created record stands, nothing is started again.
    at('2026-11-09T12:05:00Z');
    const again = await admitApproved(approvalsOf(b.bot.deps).records, {
      ...admitted,
      createdAt: '2026-11-09T12:05:00.000Z',
    });
    expect(again.resourceId).toBe(created.resourceId);
    at(new Date(Date.parse('2026-11-09T12:05:00Z') + STALE_START_MS + 60_000).toISOString());
    await together(3);
    expect(await record(admitted.id)).toEqual(created);
    expect(tasksSince(before)).toBe(1);
  });
});

describe('the create form’s start time', () => {
  const OMS_VALUES = {
    ...OMS_TASK_FORM,
    description: 'form start',
  };

  async function openForm(userId: string): Promise<ShownView> {
    const before = views.shown.length;
    const { http } = await a.command(`create ${CONNECTION} task`, {
      userId,
      teamId: TEAM,
      channelId: CHANNEL,
    });
    expect(http.status).toBe(200);
    return a.fakeSlack.waitFor(() =>
      views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
  }

  it('refuses a past, a half or a too-far start at its field, in the reader’s words', async () => {
    at('2026-11-09T00:00:00Z');
    const before = a.oms.tasks.size;
    const form = await openForm(OPERATOR);
    const hint = JSON.stringify(form.view.blocks);
    expect(hint).toContain('Time in Asia/Seoul, at most 30 days ahead');
    const submit = (values: Record<string, string>, userId = OPERATOR) =>
      ixA.submit(form, { ...OMS_VALUES, ...values }, { userId, teamId: TEAM });
    const past = await submit({ start_date: '2026-11-09', start_time: '08:30' }); // 23:30Z the day before
    expect(past.body?.response_action).toBe('errors');
    expect(past.body?.errors).toEqual({ start_date: 'That time has passed: pick a later one.' });
    const half = await submit({ start_date: '2026-11-10' });
    expect(half.body?.errors).toEqual({ start_time: 'Pick both a date and a time, or neither.' });
    const far = await submit({ start_date: '2026-12-10', start_time: '10:00' });
    expect(far.body?.errors).toEqual({ start_date: 'A start can be at most 30 days ahead.' });
    const korean = await openForm(KOREAN);
    const ko = await ixA.submit(
      korean,
      { ...OMS_VALUES, start_date: '2026-11-09', start_time: '08:30' },
      { userId: KOREAN, teamId: TEAM },
    );
    expect(ko.body?.errors).toEqual({ start_date: '이미 지난 시각입니다. 더 나중 시각을 고르세요.' });
    expect(tasksSince(before)).toBe(0);
  });

  it('a start picked in the workspace’s zone is the request’s start time', async () => {
    at('2026-11-09T00:00:00Z');
    const form = await openForm(OPERATOR);
    const since = a.fakeSlack.calls.length;
    const res = await ixA.submit(
      form,
      { ...OMS_VALUES, start_date: '2026-11-10', start_time: '02:30' },
      { userId: OPERATOR, teamId: TEAM },
    );
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    const posted = await postedApproval(a, { team: TEAM, channel: CHANNEL }, since);
    // 02:30 in Seoul on the 10th is 17:30 UTC on the 9th.
    expect((await record(posted.id)).startAt).toBe('2026-11-09T17:30:00.000Z');
  });
});
