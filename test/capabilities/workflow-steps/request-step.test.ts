import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { TestBot } from '../../harness/test-bot.js';

/**
 * Issue #14: "Request a new migration" goes through the same approval as the create modal. The step
 * stays open until an approver decides with a signed click on the request's Approve / Reject
 * button; then it completes with the new resource's id, or with an error.
 */

const TEAM = 'T0FAKE001';
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const VIEWER = 'U0VIEW001';
const APPROVALS = 'C0APPROVE';
const ASKED_IN = 'C0FAKE001';
const runner = (id: string) => ({ id, secret: 'c2VjcmV0' });

const DETAILS = prefixDetails({
  objects: ['photos/', 'logs/'],
  description: 'photos to OBS',
  after: ['bandwidth: 00:00-06:00=200MB/s'],
});

const t = new TestBot();
const ix = new Interactions(t);

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
});
afterAll(async () => {
  await t.stop();
});

function requestInputs(who: string, details = DETAILS) {
  return { user_context: runner(who), connection: 'hw-prod', kind: 'task', channel_id: ASKED_IN, details };
}

/** The approval request posted to the approvals channel after `since` calls: its id and ts. */
function postedRequest(since: number): Promise<{ id: string; ts: string }> {
  return postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
}

function decide(req: { id: string; ts: string }, action: 'approve' | 'reject', userId: string) {
  return decideApproval(t, ix, { ...req, channel: APPROVALS }, action, userId);
}

describe('Request a new migration', () => {
  it('stays open while the request waits, and completes with the new id when an approver approves', async () => {
    const since = t.fakeSlack.calls.length;
    const run = await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR));
    const request = await postedRequest(since);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record).toMatchObject({
      status: 'pending',
      requester: OPERATOR,
      channel: ASKED_IN,
      workflowStep: { executionId: run.executionId },
    });
    expect(record.request).toMatchObject({ task_type: 'prefix', description: 'photos to OBS' });
    expect(run.execution().status).toBe('running');
    expect(t.oms.tasks.size).toBe(0);

    expect(await decide(request, 'approve', APPROVER)).toContain('Approved. Created');
    const done = await run.settled();
    const created = [...t.oms.tasks.values()];
    expect(created).toHaveLength(1);
    expect(done).toMatchObject({
      status: 'completed',
      outputs: { connection: 'hw-prod', id: created[0]!.id, request_id: request.id },
    });
    // Completed once, by the decision: no second completion was attempted.
    const completions = t.fakeSlack.calls.filter(
      (c) => c.method.startsWith('functions.complete') && c.body.function_execution_id === run.executionId,
    );
    expect(completions).toHaveLength(1);
  });

  it('a rejected request ends the step with an error, and nothing is created', async () => {
    const tasksBefore = t.oms.tasks.size;
    const since = t.fakeSlack.calls.length;
    const run = await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR));
    const request = await postedRequest(since);
    expect(await decide(request, 'reject', APPROVER)).toContain('Rejected');
    const done = await run.settled();
    expect(done.status).toBe('failed');
    expect(done.error).toBe(`Request ${request.id} was rejected by <@${APPROVER}>. Nothing was created.`);
    expect(t.oms.tasks.size).toBe(tasksBefore);
  });

  it('an expired request ends the step with an error', async () => {
    const since = t.fakeSlack.calls.length;
    const run = await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR));
    const request = await postedRequest(since);
    const { expiresAt } = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    await approvalsOf(t.bot.deps).expireDue(Date.parse(expiresAt) + 1);
    const done = await run.settled();
    expect(done).toMatchObject({ status: 'failed', error: expect.stringContaining('expired') });
  });

  it('a request nobody can see (the bot is not in the approvals channel) fails the step at once', async () => {
    t.fakeSlack.channels.removeBot(APPROVALS);
    try {
      const done = await (await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR))).settled();
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(
        /could not be carried out: I can't post the request in <#C0APPROVE> \(not_in_channel\)/,
      );
    } finally {
      t.fakeSlack.channels.inviteBot(APPROVALS);
    }
  });

  it('a viewer may not ask: the step ends with an error and no request is posted', async () => {
    const since = t.fakeSlack.calls.length;
    const done = await (await t.runStep(STEP_CALLBACKS.request, requestInputs(VIEWER))).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/operator role/);
    expect(t.fakeSlack.calls.slice(since).some((c) => c.body.channel === APPROVALS)).toBe(false);
  });

  it('details the form would refuse end the step with the form’s own messages', async () => {
    const since = t.fakeSlack.calls.length;
    const noBucket = DETAILS.replace('dst_bucket: dst-bucket', '');
    const missing = await (
      await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR, noBucket))
    ).settled();
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/Destination bucket/);

    const unknownPrefix = DETAILS.replace('logs/', 'nope/');
    const checked = await (
      await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR, unknownPrefix))
    ).settled();
    expect(checked.status).toBe('failed');
    expect(checked.error).toContain('Nothing in src-bucket (us-east-1) starts with nope/');

    const garbled = await (
      await t.runStep(STEP_CALLBACKS.request, requestInputs(OPERATOR, `bucket please\n${DETAILS}`))
    ).settled();
    expect(garbled.error).toMatch(/Line 1 of the details does not start with a field/);
    expect(t.fakeSlack.calls.slice(since).some((c) => c.body.channel === APPROVALS)).toBe(false);
  });

  it('a connection with several kinds asks which one', async () => {
    const { kind: _kind, ...withoutKind } = requestInputs(OPERATOR);
    const done = await (await t.runStep(STEP_CALLBACKS.request, withoutKind)).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/hw-prod can create task or task-group: say which/);
  });
});
