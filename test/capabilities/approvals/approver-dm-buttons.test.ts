import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval } from '../../harness/approval-requests.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import { APPROVALS, approvalsBot, TEAM } from './approvals-rig.js';

/**
 * Issue 39 §3, "Approvals reach the approver", at 3 a.m. on a phone: the direct message an approver
 * gets offers Approve (behind its confirmation) and Reject (which asks why), so the request can be
 * decided where the approver was told of it, through the same service and policy as the request
 * message's buttons. Signed requests and the fake Slack.
 */
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
/** The approver's conversation with the app, as Slack names it in the click (the fake posts to the user id). */
const DM = 'D0APPR001';

const { t, ix, requestTask } = approvalsBot({
  roles: { [OPERATOR]: 'operator', [APPROVER]: 'approver' },
});

/** `/migrate create hw-prod task` as the operator with `title`; the request and `to`'s DM. */
async function requestWithDm(title: string, to = APPROVER): Promise<{ id: string; dm: RecordedCall }> {
  const request = await requestTask(title, OPERATOR);
  const dm = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(request.since)
      .find((c) => c.method === 'chat.postMessage' && c.body.channel === to),
  );
  return { id: request.id, dm };
}

describe('the approver’s direct message', () => {
  it('offers Approve behind a confirmation and Reject, and Approve there creates it', async () => {
    const { id, dm } = await requestWithDm('DM approve');
    const offered = buttons(dm.body);
    expect(offered.map((b) => [b.action_id, b.value])).toEqual([
      ['approval.approve', id],
      ['approval.reject', id],
    ]);
    expect(offered[0]!.confirm).toBeDefined();
    expect(messageText(dm.body)).toContain('asks you to approve');

    const tasks = t.oms.tasks.size;
    const ts = String(t.fakeSlack.calls.indexOf(dm));
    const answer = await decideApproval(t, ix, { id, ts, channel: DM }, 'approve', APPROVER);
    expect(answer).toContain('Approved');
    expect(await approvalsOf(t.bot.deps).get(TEAM, id)).toMatchObject({
      status: 'approved',
      decidedBy: APPROVER,
    });
    expect(t.oms.tasks.size).toBe(tasks + 1);
  });

  it('once decided, every approver message says how it ended and offers no button', async () => {
    const { id } = await requestWithDm('DM redrawn');
    const since = t.fakeSlack.calls.length;
    // Decided from the request message in the approvals channel, not from the DM.
    const request = t.fakeSlack.calls.find(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.channel === APPROVALS &&
        messageText(c.body).includes('DM redrawn'),
    )!;
    const ts = String(t.fakeSlack.calls.indexOf(request));
    await decideApproval(t, ix, { id, ts, channel: APPROVALS }, 'reject', APPROVER, 'Not this quarter.');
    const redrawn = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls.slice(since).find((c) => c.method === 'chat.update' && c.body.channel === APPROVER),
    );
    expect(buttons(redrawn.body)).toEqual([]);
    expect(messageText(redrawn.body)).toContain('asked you to approve');
    expect(messageText(redrawn.body)).toMatch(/Rejected by <@U0APPR001>/);
    // Once: another decision attempt (a stale click) redraws nothing more.
    const after = t.fakeSlack.calls.length;
    await decideApproval(t, ix, { id, ts, channel: APPROVALS }, 'approve', APPROVER);
    expect(
      t.fakeSlack.calls.slice(after).filter((c) => c.method === 'chat.update' && c.body.channel === APPROVER),
    ).toEqual([]);
  });

  it('Reject there asks why, and the requester hears the reason', async () => {
    const { id, dm } = await requestWithDm('DM reject');
    expect(buttons(dm.body).find((b) => b.action_id === 'approval.reject')?.value).toBe(id);
    const since = t.fakeSlack.calls.length;
    const ts = String(t.fakeSlack.calls.indexOf(dm));
    const answer = await decideApproval(
      t,
      ix,
      { id, ts, channel: DM },
      'reject',
      APPROVER,
      'Use dst-archive.',
    );
    expect(answer).toContain('Rejected');
    expect(await approvalsOf(t.bot.deps).get(TEAM, id)).toMatchObject({
      status: 'rejected',
      reason: 'Use dst-archive.',
    });
    const told = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls
        .slice(since)
        .find(
          (c) =>
            c.method === 'chat.postMessage' &&
            c.body.channel === OPERATOR &&
            messageText(c.body).includes('rejected your request'),
        ),
    );
    expect(messageText(told.body)).toContain('Use dst-archive.');
  });

  it('an approver Slack will not reach costs the others nothing: they are told and redrawn', async () => {
    const SECOND = 'U0APPR002';
    await t.ask(`access grant <@${SECOND}|second> approver`);
    // The first approver (granted first, so told first) cannot be messaged: Slack answers
    // channel_not_found, as for a deactivated account.
    t.fakeSlack.channels.deleteChannel(APPROVER);
    const since = t.fakeSlack.calls.length;
    const { id, dm } = await requestWithDm('DM one unreachable', SECOND);
    const tried = t.fakeSlack.calls
      .slice(since)
      .findIndex((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVER);
    expect(tried).toBeGreaterThanOrEqual(0);
    expect(t.fakeSlack.calls.indexOf(dm)).toBeGreaterThan(since + tried);
    expect(buttons(dm.body).map((b) => b.action_id)).toEqual(['approval.approve', 'approval.reject']);

    const after = t.fakeSlack.calls.length;
    const ts = String(t.fakeSlack.calls.indexOf(dm));
    await decideApproval(t, ix, { id, ts, channel: 'D0APPR002' }, 'reject', SECOND, 'Not now.');
    const redrawn = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls.slice(after).find((c) => c.method === 'chat.update' && c.body.channel === SECOND),
    );
    expect(buttons(redrawn.body)).toEqual([]);
    expect(messageText(redrawn.body)).toMatch(/Rejected by <@U0APPR002>/);
  });
});
