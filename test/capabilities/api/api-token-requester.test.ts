import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { messageText, mrkdwnTexts, omsConnection, TestBot } from '../../harness/test-bot.js';

// Issue 73 item 8 (and issue 74 item 10): a request made with an API token is its maker's for
// the two-person rule, the audit and the approvers' view. Through the HTTP API on loopback with a
// real token, and the approvers' clicks as signed requests.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0TOKREQ1';
const APPROVALS = 'C0TOKAPP1';
/** The admin `TestBot.ask` speaks as by default: the token's maker. */
const MAKER = 'U0ALICE01';
const APPROVER = 'U0TOKAPP1';
const DETAILS = prefixDetails({ description: 'nightly photos' });

const t = new TestBot();
const ix = new Interactions(t);

beforeAll(async () => {
  await t.start({
    connections: (omsUrl) => [{ ...omsConnection('hw-prod', omsUrl), team: TEAM }],
    env: { POLL_INTERVAL_SECONDS: '0' },
  });
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`, { channelId: CHANNEL });
  await t.ask(`access grant <@${APPROVER}|appr> approver`, { channelId: CHANNEL });
}, 60_000);
afterAll(async () => {
  await t.stop();
});

async function tokenRequest(token: string) {
  const response = await fetch(`${t.url}/api/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ connection: 'hw-prod', kind: 'task', details: DETAILS, channel: CHANNEL }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a request made with an API token', () => {
  it('is its maker’s: the maker cannot approve it, the approvers see them named, and so does the audit', async () => {
    const answer = messageText(await t.ask(`token add runbook operator <#${CHANNEL}|ops>`));
    const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(answer)?.[1];
    expect(token, answer).toBeDefined();
    const since = t.fakeSlack.calls.length;
    const tasks = t.oms.tasks.size;
    const asked = await tokenRequest(token!);
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const posted = await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
    expect(posted.id).toBe(asked.body.id);
    const record = await approvalsOf(t.bot.deps).get(TEAM, posted.id);
    expect(record).toMatchObject({ requester: MAKER, viaToken: 'runbook' });

    // The request and the approver's direct message name the maker and the token, inert.
    const request = mrkdwnTexts(posted.message);
    expect(request).toContain(`<@${MAKER}> (through their API token \`runbook\`)`);
    expect(request).not.toContain('<@token:');
    const dm = await t.fakeSlack.waitFor(() =>
      t.fakeSlack.calls
        .slice(since)
        .find((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVER),
    );
    expect(mrkdwnTexts(dm.body)).toContain(`<@${MAKER}> (through their API token \`runbook\`)`);
    expect(mrkdwnTexts(dm.body)).not.toContain('<@token:');
    // The maker is not told as an approver: they are the requester.
    expect(
      t.fakeSlack.calls.slice(since).some((c) => c.method === 'chat.postMessage' && c.body.channel === MAKER),
    ).toBe(false);

    // The two-person rule: the maker's Approve is refused, nothing created; another approver's creates.
    const refused = await decideApproval(t, ix, { ...posted, channel: APPROVALS }, 'approve', MAKER);
    expect(refused).toContain('You asked for this migration yourself');
    expect(t.oms.tasks.size).toBe(tasks);
    expect(await decideApproval(t, ix, { ...posted, channel: APPROVALS }, 'approve', APPROVER)).toContain(
      'Approved',
    );
    expect(t.oms.tasks.size).toBe(tasks + 1);

    const audit = await t.bot.deps.audit.recent(TEAM, 100);
    const made = audit.find((e) => e.action === 'create.request' && e.target === `approval:${posted.id}`);
    expect(made).toMatchObject({ user: MAKER, result: 'ok' });
    expect(made?.detail).toContain('through API token runbook');
    expect(
      audit.some((e) => e.action === 'create.approve' && e.user === MAKER && e.result === 'refused'),
    ).toBe(true);
  });
});
