import { describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { responseActionProblems, type ShownView, viewLimitProblems } from '../../harness/interactions.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import {
  APPROVER,
  APPROVER2,
  checkTheWholeRun,
  isForm,
  type Json,
  OPERATOR,
  TEAM,
  useCreateFlow,
} from './create-flow-rig.js';

// An NCP policy and an UpCloud job from `/migrate create` to their creation: forms opened without
// a provider call, a rejection, and a request that expires.

const flow = useCreateFlow();
const {
  t,
  ncp,
  upcloud,
  ix,
  countsAtOpen,
  counts,
  openForm,
  callsSince,
  postedRequest,
  decide,
  requestUpdate,
  dmTo,
} = flow;

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

checkTheWholeRun(flow, 5);
