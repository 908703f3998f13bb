import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import type { Connection } from '../../../src/connections/connection.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import {
  Interactions,
  optionProblems,
  responseActionProblems,
  type ShownView,
  ViewTracker,
  viewLimitProblems,
} from '../../harness/interactions.js';
import {
  buttons,
  DST_SK,
  HW_SK,
  messageText,
  omsConnection,
  SRC_SK,
  TestBot,
} from '../../harness/test-bot.js';

type Json = Record<string, unknown>;

const ADMIN = 'U0ALICE01';
const VIEWER = 'U0VIEW001';
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const APPROVER2 = 'U0APPR002';
const REQUEST_CHANNEL = 'C0FAKE001';
const APPROVALS = 'C0APPROVE';
const TEAM = 'T0FAKE001';
const NCP_AK = 'NCPSIMACCESSKEY00001';
const NCP_SK = 'ncp-sim-secret-key-000000000000000001';
const UPCLOUD_TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
const SERVICE_ID = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const SECRETS = [SRC_SK, DST_SK, HW_SK, NCP_SK, UPCLOUD_TOKEN];

const t = new TestBot();
const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE_ID], tokens: [UPCLOUD_TOKEN] });
const ix = new Interactions(t);
let views: ViewTracker;
/** Every Web API answer that was not ok (the fake refuses payloads over Block Kit limits). */
const refused: { method: string; answer: Json }[] = [];
/** Provider request counts at the moment each `views.open` reached Slack. */
const countsAtOpen: { trigger: unknown; oms: number; ncp: number; upcloud: number }[] = [];

const source = { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: SRC_SK };

function connections(omsUrl: string): Connection[] {
  return [
    omsConnection('hw-prod', omsUrl),
    {
      name: 'ncp-kr',
      provider: 'ncp',
      endpoint: ncp.url,
      region: 'KR',
      auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
      storage: { source },
    },
    {
      name: 'up-fi',
      provider: 'upcloud',
      endpoint: upcloud.url,
      serviceId: SERVICE_ID,
      auth: { type: 'bearer', token: UPCLOUD_TOKEN },
      storage: { source },
    },
  ];
}

function counts() {
  return {
    oms: t.oms.server.requestCount,
    ncp: ncp.server.requestCount,
    upcloud: upcloud.server.requestCount,
  };
}

beforeAll(async () => {
  await Promise.all([ncp.start(), upcloud.start()]);
  await t.start({ connections, env: { POLL_INTERVAL_SECONDS: '0' } });
  views = new ViewTracker(t.fakeSlack);
  t.fakeSlack.observe((call, answer) => {
    if (answer.ok === false) refused.push({ method: call.method, answer });
    if (call.method === 'views.open') countsAtOpen.push({ trigger: call.body.trigger_id, ...counts() });
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`access grant <@${APPROVER2}|appr2> approver`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
});
afterAll(async () => {
  views?.stop();
  await t.stop();
  await Promise.all([ncp.stop(), upcloud.stop()]);
});
beforeEach(() => {
  t.oms.faults.reset();
});

// ----- helpers ---------------------------------------------------------------------------------------

/** `/migrate create …` as `userId`; resolves with the modal once it shows `callback`'s form. */
async function openForm(text: string, userId: string, ready: (v: ShownView) => boolean): Promise<ShownView> {
  const before = views.shown.length;
  const { http } = await t.command(text, { userId });
  expect(http.status).toBe(200);
  return t.fakeSlack.waitFor(() => views.shown.slice(before).find(ready));
}

const isForm = (v: ShownView) => v.view.callback_id === 'migrate_create.form';
const isPicker = (v: ShownView) => v.view.callback_id === 'migrate_create.pick';

function blockIds(view: Json): string[] {
  return ((view.blocks as Json[]) ?? []).map((b) => String(b.block_id ?? ''));
}

function selectOptions(view: Json, field: string): string[] {
  const block = ((view.blocks as Json[]) ?? []).find((b) => String(b.block_id).split('.')[0] === field);
  return (((block?.element as Json)?.options as Json[]) ?? []).map((o) => String(o.value));
}

/** Web API calls to `method` made after `since` calls were recorded. */
function callsSince(since: number, method: string, where: (c: RecordedCall) => boolean = () => true) {
  return t.fakeSlack.calls.slice(since).filter((c) => c.method === method && where(c));
}

/** The approval request posted after `since`: its id (button value), ts and message. */
function postedRequest(since: number): Promise<{ id: string; ts: string; message: Json }> {
  return postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
}

/** Clicks Approve or Reject on the request as `userId`; resolves with what the clicker was told. */
function decide(req: { id: string; ts: string }, action: 'approve' | 'reject', userId: string) {
  return decideApproval(t, ix, { ...req, channel: APPROVALS }, action, userId);
}

/** The latest edit of the request message. */
async function requestUpdate(req: { ts: string }, since: number, match: RegExp): Promise<Json> {
  const call = await t.fakeSlack.waitFor(() =>
    callsSince(since, 'chat.update', (c) => c.body.ts === req.ts && match.test(messageText(c.body))).at(-1),
  );
  return call.body;
}

async function ephemeralTo(userId: string, since: number, match: RegExp): Promise<RecordedCall> {
  return t.fakeSlack.waitFor(() =>
    callsSince(
      since,
      'chat.postEphemeral',
      (c) => c.body.user === userId && match.test(messageText(c.body)),
    ).at(-1),
  );
}

/** A decision reaches the requester as a direct message (a post to their user id). */
async function dmTo(userId: string, since: number, match: RegExp): Promise<RecordedCall> {
  return t.fakeSlack.waitFor(() =>
    callsSince(
      since,
      'chat.postMessage',
      (c) => c.body.channel === userId && match.test(messageText(c.body)),
    ).at(-1),
  );
}

const OMS_VALUES = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'src-bucket',
  src_objects: 'photos/\nlogs/',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
  dst_prefix: 'from-aws',
  description: 'photos to OBS',
  bandwidth: '00:00-06:00=200MB/s\n22:00-23:00=50MB/s',
};

/** Opens the OMS task form as `userId`, submits `values` and returns the posted request. */
async function requestOmsTask(userId: string, values: Record<string, string> = OMS_VALUES) {
  const form = await openForm('create hw-prod task', userId, (v) => isForm(v) && v.method === 'views.update');
  const since = t.fakeSlack.calls.length;
  const res = await ix.submit(form, values, { userId });
  expect(res.status).toBe(200);
  expect(res.body).toBeUndefined();
  return postedRequest(since);
}

// ----- OMS --------------------------------------------------------------------------------------------

describe('OMS task: command → modal → approval → creation', () => {
  let form: ShownView;

  it('opens a Loading modal with the command’s trigger before any provider call, then fills it', async () => {
    const before = counts();
    const openedAt = countsAtOpen.length;
    form = await openForm('create hw-prod task', APPROVER, (v) => isForm(v) && v.method === 'views.update');
    const open = callsSince(0, 'views.open').at(-1)!;
    expect(open.body.trigger_id).toBe('1337.42.abcdef');
    expect((open.body.view as Json).callback_id).toBe('migrate_create.loading');
    // In time for the trigger, as an order: opened before any provider call (no measured time).
    expect(countsAtOpen[openedAt]).toMatchObject({ trigger: '1337.42.abcdef', ...before });
    // The update replaced that very modal, with the vendors and regions OMS gave.
    const opened = views.shown.find((v) => v.call === open)!;
    expect(form.id).toBe(opened.id);
    expect(t.oms.server.requestCount).toBeGreaterThan(before.oms);
    expect(selectOptions(form.view, 'src_cloud')).toEqual(
      expect.arrayContaining(['AWS', 'Aliyun', 'Tencent', 'Google', 'URLSource']),
    );
    expect(selectOptions(form.view, 'src_region')).toContain('us-east-1');
    expect(selectOptions(form.view, 'dst_region')).toEqual(
      expect.arrayContaining(['cn-north-4', 'cn-east-3']),
    );
    expect(blockIds(form.view)).toContain('src_region.AWS');
    expect(viewLimitProblems(open.body.view as Json)).toEqual([]);
    expect(viewLimitProblems(form.view)).toEqual([]);
    expect((form.view.title as Json).text).toBe('New OMS task');
  });

  it('suggests source buckets from list-buckets, filtered by what was typed', async () => {
    const all = await ix.suggest(form, 'create.src_bucket', '', { src_cloud: 'AWS' }, { userId: APPROVER });
    expect(all.status).toBe(200);
    expect(optionProblems(all.body?.options)).toEqual([]);
    expect((all.body!.options as Json[]).map((o) => o.value)).toEqual(['src-bucket']);
    const aliyun = await ix.suggest(
      form,
      'create.src_bucket',
      'API',
      { src_cloud: 'Aliyun' },
      { userId: APPROVER },
    );
    expect((aliyun.body!.options as Json[]).map((o) => o.value)).toEqual(['api-auto-test1']);
    const none = await ix.suggest(
      form,
      'create.src_bucket',
      'zzz',
      { src_cloud: 'AWS' },
      { userId: APPROVER },
    );
    expect(none.body?.options).toEqual([]);
  });

  it('shows a failed bucket listing as one option saying why', async () => {
    t.oms.faults.script({
      method: 'POST',
      path: '/objectstorage/buckets',
      status: 403,
      body: { error_code: 'OMS.0206', error_msg: 'no permission to list buckets' },
    });
    // Typed text of its own: the same request as the test above, within its second, would be the
    // same bytes, which the bot drops as a replay (Slack's options requests carry no id of their own).
    const res = await ix.suggest(
      form,
      'create.src_bucket',
      'src',
      { src_cloud: 'AWS' },
      { userId: APPROVER },
    );
    expect(res.status).toBe(200);
    const options = res.body?.options as Json[];
    expect(options).toHaveLength(1);
    expect(options[0]!.value).toBe('__error');
    expect(String((options[0]!.text as Json).text)).toMatch(/^Could not list buckets: /);
    expect(optionProblems(options)).toEqual([]);
  });

  it('redraws the form with the new cloud’s regions when the source cloud changes (with the view hash)', async () => {
    const since = t.fakeSlack.calls.length;
    await ix.select(form, 'create.src_cloud', 'Aliyun', { dst_bucket: 'typed-before' }, { userId: APPROVER });
    const update = await t.fakeSlack.waitFor(() => callsSince(since, 'views.update').at(-1));
    expect(update.body.view_id).toBe(form.id);
    expect(update.body.hash).toBe(form.hash);
    const view = update.body.view as Json;
    expect(blockIds(view)).toContain('src_region.Aliyun');
    // New block ids for the cloud's region and bucket, so Slack drops what was picked for AWS.
    expect(blockIds(view)).toContain('src_bucket.Aliyun');
    expect(blockIds(view)).not.toContain('src_bucket.AWS');
    expect(selectOptions(view, 'src_region')).toEqual(['cn-beijing', 'cn-hangzhou', 'cn-shanghai']);
    expect(JSON.stringify(view)).toContain('typed-before');
    expect(viewLimitProblems(view)).toEqual([]);
  });

  it('answers invalid fields inline, one specific message per field', async () => {
    const form2 = views.latest!;
    const res = await ix.submit(
      form2,
      {
        src_cloud: 'AWS',
        src_region: undefined,
        src_bucket: 'src-bucket',
        dst_bucket: undefined,
        description: 'no <tags> please',
        bandwidth: '00:00-06:00=500MB/s',
        list_file: 'nobucket',
      },
      { userId: APPROVER },
    );
    expect(res.status).toBe(200);
    expect(res.body?.response_action).toBe('errors');
    const errors = res.body?.errors as Record<string, string>;
    expect(errors).toEqual({
      'src_region.Aliyun': 'The task type Prefixes needs the source region: pick one.',
      dst_bucket: 'Destination bucket is required.',
      description: expect.stringMatching(/^Description must not contain any of these characters/),
      bandwidth: expect.stringMatching(/^Window 1: the rate must be from 1 MB\/s to 200 MB\/s/),
      list_file: expect.stringMatching(/<OBS bucket>\/<object key>/),
    });
    expect(responseActionProblems(res.body!, form2.view)).toEqual([]);
  });

  it('checks the prefixes in the source bucket on submit', async () => {
    const res = await ix.submit(
      form,
      { ...OMS_VALUES, src_objects: 'photos/\nnope/\nmissing/too' },
      { userId: APPROVER },
    );
    expect(res.body?.response_action).toBe('errors');
    expect(res.body?.errors).toEqual({
      src_objects:
        'Nothing in src-bucket (us-east-1) starts with nope/, missing/too. Check the spelling, or remove them.',
    });
    const wrongRegion = await ix.submit(
      form,
      { ...OMS_VALUES, src_region: 'eu-west-1' },
      { userId: APPROVER },
    );
    // Issue 39: OMS's OMS.0182 is about the region, so it is said there, in words.
    expect(wrongRegion.body!.errors).toEqual({
      'src_region.AWS': 'src-bucket is not in eu-west-1. Pick the region the bucket is in (OMS.0182).',
    });
    expect(t.oms.tasks.size).toBe(0);
  });

  let request: { id: string; ts: string; message: Json };
  let since = 0;

  it('posts the approval request in the approvals channel, pinging the approvers group, and tells the requester', async () => {
    // Only a user group can be the approvers; an operator cannot set it.
    expect(messageText(await t.ask(`settings approvers <@${APPROVER2}|bob>`))).toContain('user group');
    expect(
      messageText(await t.ask('settings approvers <!subteam^S0APPROVERS|@approvers>', { userId: OPERATOR })),
    ).toMatch(/admin/i);
    expect((await t.bot.deps.settings.get(TEAM)).approversGroup).toBeUndefined();
    expect(messageText(await t.ask('settings approvers <!subteam^S0APPROVERS|@approvers>'))).toContain(
      '<!subteam^S0APPROVERS>',
    );
    since = t.fakeSlack.calls.length;
    const res = await ix.submit(form, OMS_VALUES, { userId: APPROVER });
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined(); // the modal closes
    request = await postedRequest(since);
    const text = messageText(request.message);
    expect(text).toContain('OMS migration task');
    expect(String(request.message.text)).toMatch(
      /^<!subteam\^S0APPROVERS> a migration waits for your approval/,
    );
    expect(text).toContain('`hw-prod`');
    expect(text).toContain(`<@${APPROVER}>`);
    expect(text).toContain('AWS us-east-1 · src-bucket');
    expect(text).toContain('HuaweiCloud cn-north-4 · dst-bucket/from-aws');
    expect(text).toContain('00:00–06:00 ≤ 200 MiB/s, 22:00–23:00 ≤ 50 MiB/s');
    // The pre-flight, read from the source bucket (photos/ has three objects, logs/ one; OMS prints
    // sizes as "73.59 MB") and the transfer time at the highest bandwidth limit.
    expect(text).toContain('*Pre-flight*');
    expect(text).toContain('4 objects, 80.1 MiB under the 2 prefixes: listed in full through Huawei OMS.');
    expect(text).toContain('Takes under 2 min at its 200 MiB/s bandwidth cap.');
    expect(text).toContain('photos/');
    expect(text).toMatch(/expires <!date\^\d+\^/);
    const [approve, reject] = buttons(request.message);
    expect(approve).toMatchObject({ action_id: 'approval.approve', style: 'primary', value: request.id });
    expect(approve!.confirm).toBeDefined();
    expect(reject).toMatchObject({ action_id: 'approval.reject', style: 'danger', value: request.id });
    // Reject opens a modal asking why: that is its confirmation.
    expect(reject!.confirm).toBeUndefined();
    const told = await ephemeralTo(APPROVER, since, /waiting for an approver/);
    expect(told.body.channel).toBe(REQUEST_CHANNEL);
    expect(messageText(told.body)).toContain(`<#${APPROVALS}>`);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record).toMatchObject({
      status: 'pending',
      requester: APPROVER,
      channel: REQUEST_CHANNEL,
      connection: 'hw-prod',
      provider: 'huawei-oms',
      kind: 'task',
      message: { channel: APPROVALS, ts: request.ts },
    });
    expect(Date.parse(record.expiresAt) - Date.parse(record.createdAt)).toBe(24 * 3_600_000);
    expect(t.oms.tasks.size).toBe(0);
  });

  it('refuses self-approval, saying why, and creates nothing', async () => {
    const reply = await decide(request, 'approve', APPROVER);
    expect(reply).toContain(
      'You asked for this migration yourself, so someone else with the approver role must approve it',
    );
    expect(t.oms.tasks.size).toBe(0);
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).status).toBe('pending');
    const audit = await t.bot.deps.audit.recent(TEAM, 20);
    expect(audit.find((a) => a.action === 'create.approve' && a.user === APPROVER)).toMatchObject({
      result: 'refused',
      detail: 'self-approval refused',
    });
  });

  it('refuses an operator (approving needs the approver role)', async () => {
    const reply = await decide(request, 'approve', OPERATOR);
    expect(reply).toContain('You need the approver role in <#C0FAKE001> to approve migration requests');
    expect(t.oms.tasks.size).toBe(0);
  });

  it('an approver approves: the task is created in OMS, the card posted, decider and time recorded', async () => {
    const before = t.fakeSlack.calls.length;
    const reply = await decide(request, 'approve', APPROVER2);
    expect(reply).toMatch(/^:white_check_mark: Approved\. Created `hw-prod:\d+`/);
    expect(t.oms.tasks.size).toBe(1);
    const task = [...t.oms.tasks.values()][0]!;
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record).toMatchObject({ status: 'approved', decidedBy: APPROVER2, resourceId: task.id });
    expect(record.decidedAt).toBeDefined();
    expect(JSON.stringify(task)).toContain('src-bucket');
    expect(JSON.stringify(task)).toContain('dst-bucket');
    const updated = await requestUpdate(request, before, /created `hw-prod:/);
    expect(messageText(updated)).toContain(`Approved by <@${APPROVER2}> <!date^`);
    expect(buttons(updated)).toEqual([]);
    // The new task's card (the watcher's parent card) in the request channel.
    const card = await t.fakeSlack.waitFor(() =>
      callsSince(
        before,
        'chat.postMessage',
        (c) => c.body.channel === REQUEST_CHANNEL && messageText(c.body).includes(task.id),
      ).at(-1),
    );
    // The card says which request made it, and what the request was called, as a sentence of its
    // own (what follows it, "Ended without a sign-off.", is another).
    expect(messageText(card.body)).toContain(`Created from request \`${request.id}\` “photos to OBS”.`);
    expect(await t.bot.deps.watcher.list(TEAM, REQUEST_CHANNEL)).toHaveLength(1);
    await dmTo(APPROVER, before, /approved your request .* created as `hw-prod:/);
    const audit = await t.bot.deps.audit.recent(TEAM, 20);
    expect(audit.find((a) => a.action === 'create' && a.target === `hw-prod:${task.id}`)).toMatchObject({
      result: 'ok',
      user: APPROVER2,
    });
  });

  it('a second click is told who decided, and nothing more is created', async () => {
    const reply = await decide(request, 'approve', APPROVER2);
    expect(reply).toContain('You already decided on request');
    const other = await decide(request, 'reject', ADMIN);
    expect(other).toContain(`was already decided: :white_check_mark: Approved by <@${APPROVER2}>`);
    expect(t.oms.tasks.size).toBe(1);
  });

  it('two approvers racing: one decision wins, the other is told who decided', async () => {
    const next = await requestOmsTask(OPERATOR, { ...OMS_VALUES, description: 'race' });
    const tasks = t.oms.tasks.size;
    const replies = await Promise.all([
      decide(next, 'approve', APPROVER),
      decide(next, 'approve', APPROVER2),
    ]);
    expect(replies.filter((r) => r.startsWith(':white_check_mark: Approved. Created'))).toHaveLength(1);
    const loser = replies.find((r) => !r.startsWith(':white_check_mark:'))!;
    const record = await approvalsOf(t.bot.deps).get(TEAM, next.id);
    expect(loser).toContain(`already decided`);
    expect(loser).toContain(`<@${record.decidedBy}>`);
    expect(t.oms.tasks.size).toBe(tasks + 1);
  });

  it('explains a provider error when creating fails after approval', async () => {
    const failing = await requestOmsTask(OPERATOR, {
      ...OMS_VALUES,
      dst_region: 'cn-east-3',
      description: 'bad',
    });
    const before = t.fakeSlack.calls.length;
    const tasks = t.oms.tasks.size;
    const reply = await decide(failing, 'approve', APPROVER);
    expect(reply).toContain('Approved, but creating failed');
    expect(t.oms.tasks.size).toBe(tasks);
    const record = await approvalsOf(t.bot.deps).get(TEAM, failing.id);
    expect(record).toMatchObject({
      status: 'failed',
      decidedBy: APPROVER,
      failure: { errorCode: 'OMS.0080' },
    });
    const updated = await requestUpdate(failing, before, /creating failed/);
    expect(messageText(updated)).toContain('OMS.0080');
    expect(buttons(updated)).toEqual([]);
    await dmTo(OPERATOR, before, /creating the OMS migration task .* failed/);
  });

  it('a create whose answer is lost says it may have been created, never that nothing was', async () => {
    const lost = await requestOmsTask(OPERATOR, { ...OMS_VALUES, description: 'answer lost' });
    const before = t.fakeSlack.calls.length;
    // The connection drops after the request was sent: OMS may have made the task.
    t.oms.faults.script({ method: 'POST', path: '/tasks', hangUp: true });
    const reply = await decide(lost, 'approve', APPROVER);
    expect(reply).toContain('did not say whether it was created');
    const record = await approvalsOf(t.bot.deps).get(TEAM, lost.id);
    expect(record).toMatchObject({
      status: 'failed',
      failure: { outcomeUnknown: true, provider: 'huawei-oms' },
    });
    const updated = await requestUpdate(lost, before, /may have been created/);
    expect(messageText(updated)).not.toContain('Nothing was created');
    await dmTo(OPERATOR, before, /may have been created: check the list before asking again/);
  });

  it('opens a task group form from `/migrate create hw-prod group`', async () => {
    const group = await openForm(
      'create hw-prod group',
      OPERATOR,
      (v) => isForm(v) && v.method === 'views.update',
    );
    expect((group.view.title as Json).text).toBe('New OMS task group');
    expect(selectOptions(group.view, 'task_type')).toEqual(['LIST', 'URL_LIST', 'PREFIX']);
    const since2 = t.fakeSlack.calls.length;
    const res = await ix.submit(group, { ...OMS_VALUES, task_type: 'PREFIX' }, { userId: OPERATOR });
    expect(res.body).toBeUndefined();
    const req = await postedRequest(since2);
    expect(messageText(req.message)).toContain('OMS task group');
    await decide(req, 'approve', APPROVER);
    expect(t.oms.taskGroups.size).toBe(1);
  });
});

// ----- NCP --------------------------------------------------------------------------------------------

describe('NCP policy', () => {
  let form: ShownView;
  let request: { id: string; ts: string; message: Json };

  it('opens the form directly (no provider call needed) with the trigger', async () => {
    const before = counts();
    const openedAt = countsAtOpen.length;
    form = await openForm('create ncp-kr', OPERATOR, isForm);
    expect(form.method).toBe('views.open');
    expect(form.call.body.trigger_id).toBe('1337.42.abcdef');
    expect(countsAtOpen[openedAt]).toMatchObject(before);
    expect((form.view.title as Json).text).toBe('New NCP policy');
    expect(viewLimitProblems(form.view)).toEqual([]);
  });

  it('answers every invalid field inline', async () => {
    const res = await ix.submit(
      form,
      { title: 'photos 2024!', src_csp: 'AWS', src_region: 'ap-northeast-2', src_bucket: undefined },
      { userId: OPERATOR },
    );
    expect(res.body?.response_action).toBe('errors');
    expect(res.body?.errors).toEqual({
      title: 'Policy title may contain only letters, digits, ".", "-" and "_".',
      src_bucket: 'Source bucket is required.',
      dst_bucket: 'Target bucket is required.',
    });
    expect(responseActionProblems(res.body!, form.view)).toEqual([]);
  });

  it('a rejection tells the requester and records who rejected; nothing is created', async () => {
    const since = t.fakeSlack.calls.length;
    const res = await ix.submit(
      form,
      {
        title: 'photos-2024',
        src_region: 'ap-northeast-2',
        src_bucket: 'photos',
        src_prefix: '2024/',
        dst_bucket: 'ncp-photos',
      },
      { userId: OPERATOR },
    );
    expect(res.body).toBeUndefined();
    request = await postedRequest(since);
    expect(messageText(request.message)).toContain('AWS ap-northeast-2 · photos/2024/');
    const before = t.fakeSlack.calls.length;
    const reply = await decide(request, 'reject', APPROVER);
    expect(reply).toContain(`Rejected. Nothing was created, and <@${OPERATOR}> was told.`);
    const updated = await requestUpdate(request, before, /Rejected by/);
    expect(messageText(updated)).toContain(`Rejected by <@${APPROVER}> <!date^`);
    expect(buttons(updated)).toEqual([]);
    const told = await dmTo(OPERATOR, before, /rejected your request/);
    // A decision is a direct message: the requester sees it wherever they are (issue #13).
    expect(told.body.channel).toBe(OPERATOR);
    expect(ncp.policies.has('photos-2024')).toBe(false);
    expect(await approvalsOf(t.bot.deps).get(TEAM, request.id)).toMatchObject({
      status: 'rejected',
      decidedBy: APPROVER,
    });
  });

  it('an approved policy is created in the NCP simulator', async () => {
    const opened = await openForm('create ncp', OPERATOR, isForm);
    const since = t.fakeSlack.calls.length;
    await ix.submit(
      opened,
      { title: 'logs-2024', src_region: 'ap-northeast-2', src_bucket: 'logs', dst_bucket: 'ncp-logs' },
      { userId: OPERATOR },
    );
    const req = await postedRequest(since);
    const reply = await decide(req, 'approve', APPROVER2);
    expect(reply).toContain('Created `ncp-kr:logs-2024`');
    expect(ncp.policies.get('logs-2024')).toBeDefined();
    // A new policy is INITIALIZED ("ready") until started: its card offers Start, not Resume.
    const card = await t.fakeSlack.waitFor(() =>
      callsSince(since, 'chat.postMessage', (c) => JSON.stringify(c.body).includes('resource.resume')).at(-1),
    );
    const start = ((card.body.blocks as Json[]) ?? [])
      .flatMap((b) => (b.elements as Json[] | undefined) ?? [])
      .find((e) => e.action_id === 'resource.resume');
    expect(start?.text).toMatchObject({ text: 'Start' });
  });
});

// ----- UpCloud ----------------------------------------------------------------------------------------

describe('UpCloud job', () => {
  let form: ShownView;

  it('opens the form, answers invalid fields inline, and creates an approved job', async () => {
    const before = counts();
    const openedAt = countsAtOpen.length;
    form = await openForm('create upcloud', OPERATOR, isForm);
    expect(countsAtOpen[openedAt]).toMatchObject(before);
    expect((form.view.title as Json).text).toBe('New UpCloud job');
    expect(viewLimitProblems(form.view)).toEqual([]);
    const bad = await ix.submit(
      form,
      {
        name: 'logs',
        src_endpoint: 'ftp://user:pw@host',
        src_region: 'eu-central-1',
        src_bucket: 'a/b',
        dst_bucket: 'logs-upcloud',
      },
      { userId: OPERATOR },
    );
    expect(bad.body?.errors).toEqual({
      src_endpoint: 'Source endpoint must be an S3 endpoint such as https://s3.eu-central-1.amazonaws.com.',
      src_bucket: "Source bucket must be a bucket name only (no '/' or spaces; put paths in the prefix).",
    });
    expect(responseActionProblems(bad.body!, form.view)).toEqual([]);
    const since = t.fakeSlack.calls.length;
    await ix.submit(
      form,
      {
        name: 'logs-to-upcloud',
        src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
        src_region: 'eu-central-1',
        src_bucket: 'logs',
        dst_bucket: 'logs-upcloud',
      },
      { userId: OPERATOR },
    );
    const req = await postedRequest(since);
    const reply = await decide(req, 'approve', APPROVER);
    expect(reply).toMatch(/Created `up-fi:[0-9a-f-]{36}`/);
    const job = [...upcloud.jobs.values()].find((j) => j.name === 'logs-to-upcloud');
    expect(job).toBeDefined();
    expect((await approvalsOf(t.bot.deps).get(TEAM, req.id)).resourceId).toBe(job!.uuid);
  });

  it('expiry (the sweep) tells the requester and removes the buttons', async () => {
    const since = t.fakeSlack.calls.length;
    await ix.submit(
      form,
      {
        name: 'expiring',
        src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
        src_region: 'eu-central-1',
        src_bucket: 'logs',
        dst_bucket: 'logs-upcloud',
      },
      { userId: OPERATOR },
    );
    const req = await postedRequest(since);
    const before = t.fakeSlack.calls.length;
    expect(await approvalsOf(t.bot.deps).expireDue(Date.now() + 23 * 3_600_000)).toEqual([]);
    const expired = await approvalsOf(t.bot.deps).expireDue(Date.now() + 25 * 3_600_000);
    expect(expired.map((r) => r.id)).toEqual([req.id]);
    const updated = await requestUpdate(req, before, /Expired/);
    expect(buttons(updated)).toEqual([]);
    await dmTo(OPERATOR, before, /expired .* without a decision\. Nothing was created/);
    const reply = await decide(req, 'approve', APPROVER);
    expect(reply).toContain('was already decided: :hourglass: Expired');
    expect([...upcloud.jobs.values()].some((j) => j.name === 'expiring')).toBe(false);
  });

  it('a click on a request past its expiry expires it instead of approving', async () => {
    const since = t.fakeSlack.calls.length;
    await ix.submit(
      form,
      {
        name: 'late-click',
        src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
        src_region: 'eu-central-1',
        src_bucket: 'logs',
        dst_bucket: 'logs-upcloud',
      },
      { userId: OPERATOR },
    );
    const req = await postedRequest(since);
    const approvals = approvalsOf(t.bot.deps);
    const record = await approvals.get(TEAM, req.id);
    await approvals.records.save({ ...record, expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const before = t.fakeSlack.calls.length;
    const reply = await decide(req, 'approve', APPROVER);
    expect(reply).toContain('had expired, so nothing was created');
    await requestUpdate(req, before, /Expired/);
    await dmTo(OPERATOR, before, /expired/);
    expect((await approvals.get(TEAM, req.id)).status).toBe('expired');
    expect([...upcloud.jobs.values()].some((j) => j.name === 'late-click')).toBe(false);
  });
});

// ----- access, shortcut, secrets and limits ------------------------------------------------------------

describe('who may create', () => {
  it('a viewer cannot create: no modal, a clear refusal', async () => {
    const opens = t.fakeSlack.callsTo('views.open').length;
    const answer = await t.ask('create', { userId: VIEWER });
    expect(String(answer.text)).toContain(
      'You need the operator role in <#C0FAKE001> to ask for new migrations',
    );
    expect(t.fakeSlack.callsTo('views.open')).toHaveLength(opens);
  });

  it('several connections: the picker first, then the chosen form', async () => {
    const picker = await openForm('create', OPERATOR, isPicker);
    expect(selectOptions(picker.view, 'target')).toEqual([
      'hw-prod|task',
      'hw-prod|task-group',
      'ncp-kr|policy',
      'up-fi|job',
    ]);
    expect(viewLimitProblems(picker.view)).toEqual([]);
    const res = await ix.submit(picker, { target: 'up-fi|job' }, { userId: OPERATOR });
    expect(res.body?.response_action).toBe('update');
    expect(((res.body!.view as Json).title as Json).text).toBe('New UpCloud job');
    expect(responseActionProblems(res.body!)).toEqual([]);
    const oms = await ix.submit(picker, { target: 'hw-prod|task' }, { userId: OPERATOR });
    expect((oms.body!.view as Json).callback_id as string).toBe('migrate_create.loading');
    const filled = await t.fakeSlack.waitFor(() =>
      views.shown.find((v) => v.method === 'views.update' && v.id === picker.id && isForm(v)),
    );
    expect(viewLimitProblems(filled.view)).toEqual([]);
  });

  it('unknown words get a specific message', async () => {
    const answer = await t.ask('create gcp', { userId: OPERATOR });
    expect(String(answer.text)).toContain('"gcp" is not a connection (hw-prod, ncp-kr, up-fi)');
  });

  it('the global shortcut opens the picker with its trigger; the form asks for a channel', async () => {
    const before = views.shown.length;
    const res = await ix.shortcut('migrate_create', 'trigger-shortcut-1', { userId: OPERATOR });
    expect(res.status).toBe(200);
    const picker = await t.fakeSlack.waitFor(() => views.shown.slice(before).find(isPicker));
    expect(picker.call.body.trigger_id).toBe('trigger-shortcut-1');
    const next = await ix.submit(picker, { target: 'ncp-kr|policy' }, { userId: OPERATOR });
    const ncpForm: ShownView = { ...picker, view: next.body?.view as Json };
    expect(blockIds(ncpForm.view)).toContain('result_channel');
    const values = {
      title: 'from-shortcut',
      src_region: 'us-east-1',
      src_bucket: 'b',
      dst_bucket: 'ncp-c',
    };
    const missing = await ix.submit(ncpForm, values, { userId: OPERATOR });
    expect(missing.body?.errors).toEqual({
      result_channel: 'Pick the channel where the new migration is posted.',
    });
    const since = t.fakeSlack.calls.length;
    const ok = await ix.submit(ncpForm, { ...values, result_channel: 'C0RESULTS' }, { userId: OPERATOR });
    expect(ok.body).toBeUndefined();
    const req = await postedRequest(since);
    expect((await approvalsOf(t.bot.deps).get(TEAM, req.id)).channel).toBe('C0RESULTS');
    await ephemeralTo(OPERATOR, since, /waiting for an approver/);
  });

  it('a viewer’s shortcut opens a modal that says why', async () => {
    const before = views.shown.length;
    await ix.shortcut('migrate_create', 'trigger-shortcut-2', { userId: VIEWER });
    const shown = await t.fakeSlack.waitFor(() => views.shown.slice(before).at(0));
    expect(shown.call.body.trigger_id).toBe('trigger-shortcut-2');
    expect(JSON.stringify(shown.view)).toContain('You need the operator role');
  });
});

describe('secrets and limits over the whole run', () => {
  it('no secret in any Slack payload, private_metadata, log line or stored approval record', async () => {
    const everything = [
      ...t.fakeSlack.calls.map((c) => JSON.stringify(c.body)),
      ...t.fakeSlack.responses.map((c) => JSON.stringify(c.body)),
      ...t.logs.lines,
    ].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    for (const shown of views.shown) {
      const meta = shown.view.private_metadata;
      if (meta === undefined) continue;
      if (shown.view.callback_id === 'approval.reject.reason') {
        expect(Object.keys(JSON.parse(String(meta))).sort()).toEqual(['channel', 'from', 'id']);
        continue;
      }
      const allowed =
        shown.view.callback_id === 'migrate_create.pick' ? ['ch', 'r'] : ['c', 'ch', 'k', 'p', 'r'];
      const keys = Object.keys(JSON.parse(String(meta)));
      expect(keys.filter((k) => !allowed.includes(k))).toEqual([]);
      expect(keys).toContain('r');
    }
    const pending = await approvalsOf(t.bot.deps).records.pending();
    const ids = new Set([
      ...pending.map((p) => p.id),
      ...t.fakeSlack.calls
        .filter((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS)
        .flatMap((c) => buttons(c.body).map((b) => b.value)),
    ]);
    expect(ids.size).toBeGreaterThan(5);
    for (const id of ids) {
      const stored = JSON.stringify(await approvalsOf(t.bot.deps).get(TEAM, id));
      for (const secret of SECRETS) expect(stored).not.toContain(secret);
      expect(stored).not.toMatch(/"(ak|sk|secretKey|secret_access_key|access_key_id|src_ak|dst_sk)"/);
    }
  });

  it('logged no error along the way (the expected warnings are the refused OMS create and the lost answer)', () => {
    expect(t.logs.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    const warnings = t.logs.lines.filter((l) => /"level":"warn"/.test(l));
    expect(warnings.every((l) => l.includes('OMS.0080') || l.includes('CreateTask failed'))).toBe(true);
  });

  it('Slack accepted every payload (the fake refuses anything over Block Kit limits)', () => {
    expect(refused).toEqual([]);
    for (const call of t.fakeSlack.calls) {
      if (call.method.startsWith('chat.'))
        expect(blockLimitProblems(call.body.blocks, 'message')).toEqual([]);
      if (call.method.startsWith('views.') && call.method !== 'views.publish')
        expect(viewLimitProblems(call.body.view as Json)).toEqual([]);
    }
    for (const response of t.fakeSlack.responses) {
      expect(blockLimitProblems(response.body.blocks, 'message')).toEqual([]);
    }
  });
});
