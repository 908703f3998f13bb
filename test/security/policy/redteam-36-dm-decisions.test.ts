import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval, OMS_TASK_FORM, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { TestBot } from '../../harness/test-bot.js';

/**
 * redteam36: Approve and Reject now also ride in direct messages (1a69404). A click in a DM must be
 * decided in the channel the request was asked in (issue 36 §1, approvalScope), never in the DM and
 * never by a role granted in another channel. Each case presses the request's buttons from a DM
 * (`D…` in the click, as Slack sends it), through signed requests.
 */
const t = new TestBot();
const ix = new Interactions(t);
const TEAM = 'T0FAKE001';
const SANDBOX = 'C0SANDBOX1';
const GENERAL = 'C0FAKE001';
const SANDBOX_OPERATOR = 'U0SBOPER1';
const SANDBOX_APPROVER = 'U0SBAPPR1';
const GENERAL_APPROVER = 'U0GNAPPR1';
const DM = 'D0DIRECT01';
let views: ViewTracker;

const VALUES = {
  ...OMS_TASK_FORM,
};

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${SANDBOX_OPERATOR}> operator <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${SANDBOX_APPROVER}> approver <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${GENERAL_APPROVER}> approver <#${GENERAL}|general>`);
}, 60_000);
afterAll(async () => {
  views?.stop();
  await t.stop();
});

/** A request asked in #sandbox by its operator: its id and message ts. */
async function sandboxRequest(): Promise<{ id: string; ts: string }> {
  const before = views.shown.length;
  await t.command('create hw-prod task', { userId: SANDBOX_OPERATOR, channelId: SANDBOX });
  const form: ShownView = await t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
  );
  const since = t.fakeSlack.calls.length;
  expect((await ix.submit(form, VALUES, { userId: SANDBOX_OPERATOR })).status).toBe(200);
  const request = await postedApproval(t, { team: TEAM, channel: SANDBOX }, since);
  return { id: request.id, ts: request.ts };
}

describe('redteam36: decisions pressed in a direct message', () => {
  it("a #general approver's Approve, from a DM, on a #sandbox request: refused, still pending", async () => {
    const request = await sandboxRequest();
    const told = await decideApproval(t, ix, { ...request, channel: DM }, 'approve', GENERAL_APPROVER);
    expect(told).toContain(`role in <#${SANDBOX}>`);
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).status).toBe('pending');
  });

  it("a #general approver's Reject, from a DM, on a #sandbox request: refused before any modal", async () => {
    const request = await sandboxRequest();
    const opened = t.fakeSlack.callsTo('views.open').length;
    const told = await decideApproval(t, ix, { ...request, channel: DM }, 'reject', GENERAL_APPROVER);
    expect(told).toContain(`role in <#${SANDBOX}>`);
    expect(t.fakeSlack.callsTo('views.open')).toHaveLength(opened);
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).status).toBe('pending');
  });

  it("the #sandbox approver's Approve, from a DM: decided in #sandbox, created", async () => {
    const request = await sandboxRequest();
    const tasks = t.oms.tasks.size;
    const told = await decideApproval(t, ix, { ...request, channel: DM }, 'approve', SANDBOX_APPROVER);
    expect(told).toContain('Approved');
    expect(t.oms.tasks.size).toBe(tasks + 1);
  });
});
