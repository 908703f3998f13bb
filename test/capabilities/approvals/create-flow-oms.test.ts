import { describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import {
  optionProblems,
  responseActionProblems,
  type ShownView,
  viewLimitProblems,
} from '../../harness/interactions.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import {
  ADMIN,
  APPROVALS,
  APPROVER,
  APPROVER2,
  blockIds,
  checkTheWholeRun,
  isForm,
  type Json,
  OMS_VALUES,
  OPERATOR,
  REQUEST_CHANNEL,
  selectOptions,
  TEAM,
  useCreateFlow,
} from './create-flow-rig.js';

// An OMS task from `/migrate create` to its creation: the modal and its queries, the approval request,
// who may decide it, and what a failed or lost create says.

const flow = useCreateFlow();
const {
  t,
  ix,
  views,
  countsAtOpen,
  counts,
  openForm,
  callsSince,
  postedRequest,
  decide,
  requestUpdate,
  ephemeralTo,
  dmTo,
  requestOmsTask,
} = flow;

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

checkTheWholeRun(flow, 5);
