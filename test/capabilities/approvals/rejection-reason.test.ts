import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { openRejectModal, rejectModalSince, submitRejectReason } from '../../harness/approval-requests.js';
import { mrkdwnTexts } from '../../harness/test-bot.js';
import { APPROVALS, approvalsBot, TEAM } from './approvals-rig.js';

/**
 * Issue #51 item 3, "A rejection loses its reason": the reason reads as the approver typed it (no
 * look-alike characters) on the request post, in the requester's direct message and on the Home tab
 * of the approver who rejected there, in a `plain_text` object; and a mention, channel or broadcast
 * typed in it still pings nobody (never raw in anything Slack parses as mrkdwn).
 */
type Json = Record<string, unknown>;

const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
/** Markup, a mention, a broadcast and a link: each must show as typed and do nothing. */
const REASON =
  'Use the *existing* policy `payroll-2025` under _finance/_ ~not this~; ask <@U0ALICE01> or @here <!channel> & see <https://evil.example|this>.';

const {
  t,
  ix,
  requestTask: asked,
  approversTold,
} = approvalsBot({
  roles: { [OPERATOR]: 'operator', [APPROVER]: 'approver' },
});

async function requestTask(title: string) {
  const request = await asked(title, OPERATOR);
  await approversTold(request.id);
  return request;
}

/** Every `plain_text` object of a message or view. */
function plainTexts(blocks: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Json;
      if (record.type === 'plain_text' && typeof record.text === 'string') found.push(record.text);
      Object.values(record).forEach(visit);
    }
  };
  visit(blocks);
  return found;
}

/** The reason is shown as typed, and nothing Slack parses as mrkdwn carries a live mention of it. */
function expectReasonAsTyped(message: Json, label = 'Their reason:'): void {
  expect(plainTexts(message.blocks)).toContain(REASON);
  const mrkdwn = mrkdwnTexts(message);
  expect(mrkdwn).toContain(label);
  expect(mrkdwn).not.toContain('<@U0ALICE01>');
  expect(mrkdwn).not.toContain('<!channel>');
  expect(mrkdwn).not.toContain('<https://evil.example');
  expect(mrkdwn).not.toMatch(/(^|[^＠])@here/);
}

function callsSince(since: number, where: (c: RecordedCall) => boolean): RecordedCall[] {
  return t.fakeSlack.calls.slice(since).filter(where);
}

describe('a rejection keeps its reason as typed', () => {
  it('on the request post in the channel and in the requester’s direct message', async () => {
    const request = await requestTask('Quarterly invoices to OBS');
    const since = t.fakeSlack.calls.length;
    const modal = await openRejectModal(
      t,
      ix,
      { ...request, channel: APPROVALS },
      { userId: APPROVER },
      'reason-reject',
    );
    const answer = await submitRejectReason(t, ix, modal, REASON, APPROVER);
    expect(answer).toContain('Rejected. Nothing was created');
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).reason).toBe(REASON);

    const post = await t.fakeSlack.waitFor(() =>
      callsSince(since, (c) => c.method === 'chat.update' && c.body.ts === request.ts).at(-1),
    );
    expect(mrkdwnTexts(post.body)).toContain(`Rejected by <@${APPROVER}>`);
    expectReasonAsTyped(post.body);

    const dm = await t.fakeSlack.waitFor(() =>
      callsSince(
        since,
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.channel === OPERATOR &&
          mrkdwnTexts(c.body).includes('rejected your request'),
      ).at(-1),
    );
    expectReasonAsTyped(dm.body);
  });

  it('on the Home tab of the approver who rejected it there', async () => {
    const request = await requestTask('Payroll copy');
    const since = t.fakeSlack.calls.length;
    await ix.clickHome({ actionId: 'approval.home.reject', value: request.id }, { userId: APPROVER });
    const modal = await t.fakeSlack.waitFor(() => rejectModalSince(t, since));
    expect((await ix.submit(modal, { reason: REASON }, { userId: APPROVER })).status).toBe(200);
    const home = await t.fakeSlack.waitFor(() =>
      callsSince(
        since,
        (c) =>
          c.method === 'views.publish' &&
          c.body.user_id === APPROVER &&
          JSON.stringify(c.body.view).includes('Rejected. Nothing was created'),
      ).at(-1),
    );
    expectReasonAsTyped(home.body.view as Json, 'Your reason:');
  });
});
