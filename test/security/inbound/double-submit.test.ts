import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { CREATE_CALLBACKS } from '../../../src/slack/blocks/create/modal-kit.js';
import { OMS_TASK_FORM } from '../../harness/approval-requests.js';
import { ConnectBot } from '../../harness/connect-bot.js';
import { Interactions, type ShownView, ViewTracker, viewSubmissionBody } from '../../harness/interactions.js';
import { FORM } from '../../harness/slack-requests.js';
import { buttons, TestBot } from '../../harness/test-bot.js';
import { REDIS_URL } from '../../harness/watcher-rig.js';
import { deliver, duplicatesDropped, nowSeconds, untilDropped } from '../dedupe-requests.js';

/**
 * Issue #36 (red team, double submit): Slack re-enables a modal's Submit when the answer to a
 * submission takes over 3 s, and the second press is a new request (its own trigger_id, so its own
 * signature) carrying the same form. The one inbound dedupe keys a view submission by the form as
 * submitted (view id, hash and values) too: the second is acknowledged and does nothing, on any
 * replica. A form corrected after its errors is a new submission.
 */
const c = new ConnectBot();
const t = c.t;
const ix = new Interactions(t);
const OPERATOR = 'U0OPER001';
const APPROVALS = 'C0APPROVE';
let views: ViewTracker;

const OMS_VALUES = OMS_TASK_FORM;

beforeAll(async () => {
  await c.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
}, 60_000);
afterAll(async () => {
  views?.stop();
  await c.stop();
});

const approvalRequests = (calls: RecordedCall[]) =>
  calls.filter(
    (x) =>
      x.method === 'chat.postMessage' &&
      x.body.channel === APPROVALS &&
      buttons(x.body).some((b) => b.action_id === 'approval.approve'),
  );

async function openCreateForm(): Promise<ShownView> {
  const before = views.shown.length;
  await t.command('create hw-prod task', { userId: OPERATOR });
  return t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === CREATE_CALLBACKS.form && v.method === 'views.update'),
  );
}

async function requestsOfOperator(): Promise<number> {
  const pending = await approvalsOf(t.bot.deps).records.pending();
  const records = await Promise.all(pending.map((e) => approvalsOf(t.bot.deps).get(e.team, e.id)));
  return records.filter((r) => r.requester === OPERATOR).length;
}

describe('one create form submitted twice', () => {
  it('asks for approval once: the second submission gets its 200 and is dropped', async () => {
    const form = await openCreateForm();
    const since = t.fakeSlack.calls.length;
    const dropped = await duplicatesDropped(t, 'view');
    const requestsBefore = await requestsOfOperator();
    const [first, second] = await Promise.all([
      ix.submit(form, OMS_VALUES, { userId: OPERATOR }),
      ix.submit(form, OMS_VALUES, { userId: OPERATOR }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await untilDropped(t, 'view', dropped + 1);
    await t.fakeSlack.waitFor(() => approvalRequests(t.fakeSlack.calls.slice(since))[0]);
    expect(approvalRequests(t.fakeSlack.calls.slice(since))).toHaveLength(1);
    expect(await requestsOfOperator()).toBe(requestsBefore + 1);
    expect(await duplicatesDropped(t, 'view')).toBe(dropped + 1);
  });

  it('the same form corrected after its errors is a new submission', async () => {
    const form = await openCreateForm();
    const since = t.fakeSlack.calls.length;
    const dropped = await duplicatesDropped(t, 'view');
    const refused = await ix.submit(form, { ...OMS_VALUES, dst_bucket: '' }, { userId: OPERATOR });
    expect(refused.body?.response_action).toBe('errors');
    const corrected = await ix.submit(form, OMS_VALUES, { userId: OPERATOR });
    expect(corrected.status).toBe(200);
    expect(corrected.body?.response_action).toBeUndefined();
    await t.fakeSlack.waitFor(() => approvalRequests(t.fakeSlack.calls.slice(since))[0]);
    expect(await duplicatesDropped(t, 'view')).toBe(dropped);
  });
});

describe('two replicas on one Redis', () => {
  const SHARED = `${REDIS_URL.replace(/\/\d*$/, '')}/7`;
  const a = new TestBot();
  const b = new TestBot();
  beforeAll(async () => {
    const env = { STORE_URL: SHARED, POLL_INTERVAL_SECONDS: '0' };
    await Promise.all([a.start({ env }), b.start({ env })]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a form submitted to one replica and again to the other is dropped there', async () => {
    // A form of this run only (the view id), as the bot would have shown it.
    const shown: ShownView = {
      id: `V0R${Date.now().toString(36).toUpperCase()}`,
      hash: 'hash-replicas',
      view: {
        type: 'modal',
        callback_id: CREATE_CALLBACKS.pick,
        title: { type: 'plain_text', text: 'x' },
        blocks: [],
      },
      method: 'views.open',
      call: {} as RecordedCall,
    };
    const submission = () => ({
      // A new trigger_id each time: two presses are two requests with two signatures.
      body: viewSubmissionBody(shown, {}, { userId: 'U0VIEW001' }),
      contentType: FORM,
      timestamp: nowSeconds(),
    });
    const dropped = await duplicatesDropped(b, 'view');
    expect((await deliver(a.eventsUrl, submission())).status).toBe(200);
    expect((await deliver(b.eventsUrl, submission())).status).toBe(200);
    await untilDropped(b, 'view', dropped + 1);
    expect(await duplicatesDropped(a, 'view')).toBe(0);
  });
});
