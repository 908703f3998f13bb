import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { encodeFormMetadata } from '../../../src/slack/create-forms/metadata.js';
import { decideApproval, OMS_TASK_FORM } from '../../harness/approval-requests.js';
import { ConnectBot } from '../../harness/connect-bot.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { buttons } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';

/**
 * The RBAC matrix for modals and the approval buttons (commands and card buttons are in
 * test/slack/commands/access.test.ts): every role submits the create form and the connect form directly (a
 * modal opened earlier, or a forged submission naming the submitter as requester), and clicks
 * Approve and Reject on someone else's request. Checks run on the server: 0 unauthorized successes.
 */
const ADMIN = 'U0ALICE01';
const VIEWER = 'U0VIEW001';
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
/** Asks for the migrations the others decide on (nobody approves their own). */
const REQUESTER = 'U0OPER002';
const TEAM = 'T0FAKE001';
const APPROVALS = 'C0APPROVE';

const c = new ConnectBot();
const t = c.t;
const ix = new Interactions(t);
let views: ViewTracker;
let form: ShownView;

const ROLES = [
  { user: VIEWER, role: 'viewer', create: false, connect: false, decide: false },
  { user: OPERATOR, role: 'operator', create: true, connect: false, decide: false },
  { user: APPROVER, role: 'approver', create: true, connect: false, decide: true },
  { user: ADMIN, role: 'admin', create: true, connect: true, decide: true },
] as const;

const OMS_VALUES = {
  ...OMS_TASK_FORM,
  result_channel: 'C0FAKE001',
};

const tally = { attempts: 0, unauthorizedSuccesses: 0, refusals: 0 };

beforeAll(async () => {
  await c.start();
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`access grant <@${REQUESTER}|req> operator`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
  // The create form as the bot drew it (opened by the admin); each role submits it as its own.
  const before = views.shown.length;
  await t.command('create hw-prod task', { userId: ADMIN });
  form = await t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
  );
});
afterAll(async () => {
  views?.stop();
  await c.stop();
  console.log(
    `[security] modal and approval RBAC: ${tally.attempts} attempts, ${tally.refusals} refused, ${tally.unauthorizedSuccesses} unauthorized successes`,
  );
});

function record(allowed: boolean, succeeded: boolean): void {
  tally.attempts++;
  if (!succeeded) tally.refusals++;
  if (succeeded && !allowed) tally.unauthorizedSuccesses++;
}

let opened = 0;

/**
 * The create form as if opened by `user`: its metadata names them as the requester. Each is a
 * modal of its own (its own view id), as each request is in Slack: the same modal submitted twice
 * with the same values is one submission (the inbound dedupe).
 */
function formFor(user: string): ShownView {
  const view = {
    ...form.view,
    private_metadata: encodeFormMetadata({
      connection: 'hw-prod',
      provider: 'huawei-oms',
      kind: 'task',
      channel: 'C0FAKE001',
      requester: user,
    }),
  };
  return { ...form, id: `${form.id}${++opened}`, view };
}

/** Another operator's request, posted to the approvals channel: its id and message ts. */
async function operatorRequest(): Promise<{ id: string; ts: string }> {
  const since = t.fakeSlack.calls.length;
  const res = await ix.submit(formFor(REQUESTER), OMS_VALUES, { userId: REQUESTER });
  expect(res.body).toBeUndefined();
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .find((x) => x.method === 'chat.postMessage' && x.body.channel === APPROVALS),
  );
  const id = buttons(call.body).find((b) => b.action_id === 'approval.approve')!.value;
  const ts = await until(async () => (await approvalsOf(t.bot.deps).get(TEAM, id)).message?.ts, {
    what: 'the request’s message ts',
    everyMs: 20,
  });
  return { id, ts };
}

/** Approve, or Reject with a reason (the modal); resolves with what the clicker was told. */
function decide(request: { id: string; ts: string }, action: 'approve' | 'reject', userId: string) {
  return decideApproval(t, ix, { ...request, channel: APPROVALS }, action, userId);
}

describe.each(ROLES)('$role', ({ user, create, connect, decide: mayDecide }) => {
  it('submits the create form directly', async () => {
    const since = t.fakeSlack.calls.length;
    const res = await ix.submit(formFor(user), OMS_VALUES, { userId: user });
    expect(res.status).toBe(200);
    const refusal = JSON.stringify(res.body ?? {});
    const posted = await t.fakeSlack
      .waitFor(
        () =>
          t.fakeSlack.calls
            .slice(since)
            .find((x) => x.method === 'chat.postMessage' && x.body.channel === APPROVALS),
        create ? 5_000 : 500,
      )
      .catch(() => undefined);
    record(create, posted !== undefined);
    expect(posted !== undefined).toBe(create);
    if (!create) expect(refusal).toContain('You need the operator role');
  });

  it('submits the connect form directly', async () => {
    const view = await c.openConnect('connect', { userId: ADMIN });
    const name = `hw-${user.slice(2, 6).toLowerCase()}`;
    const ack = await c.submit(view, c.omsValues(name), { userId: user });
    const saved = t.bot.deps.connections.forTeam(TEAM).some((x) => x.name === name);
    record(connect, saved);
    expect(saved).toBe(connect);
    if (!connect) expect(JSON.stringify(ack.body)).toContain('You need the admin role');
  });

  it('approves and rejects someone else’s request', async () => {
    for (const action of ['approve', 'reject'] as const) {
      const request = await operatorRequest();
      const tasksBefore = t.oms.tasks.size;
      const reply = await decide(request, action, user);
      const status = (await approvalsOf(t.bot.deps).get(TEAM, request.id)).status;
      const decided = status !== 'pending';
      record(mayDecide, decided);
      expect(decided).toBe(mayDecide);
      if (!mayDecide) {
        expect(reply).toContain('You need the approver role');
        expect(t.oms.tasks.size).toBe(tasksBefore);
      } else {
        expect(status).toBe(action === 'approve' ? 'approved' : 'rejected');
        expect(t.oms.tasks.size).toBe(tasksBefore + (action === 'approve' ? 1 : 0));
      }
    }
  });
});

describe('totals', () => {
  it('no role did what it may not', () => {
    expect(tally.unauthorizedSuccesses).toBe(0);
    expect(tally.attempts).toBe(ROLES.length * 4);
  });
});
