import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { renderCompletionReport } from '../../../src/slack/blocks/completion-report.js';
import {
  OMS_TASK_FORM,
  openRejectModal,
  rejectModalSince,
  submitRejectReason,
} from '../../harness/approval-requests.js';
import type { ShownView } from '../../harness/interactions.js';
import { buttons, messageText } from '../../harness/test-bot.js';
import { APPROVALS, ASKED_IN, approvalsBot, TEAM } from './approvals-rig.js';

/**
 * Issue 39 §3, "Approvals reach the approver": approvers are told of a new request (a direct
 * message by default, or the group's mention), their Home tab lists what waits for them with
 * Approve and Reject, Reject asks why and the requester hears it, the requester's messages name the
 * request by its title with a link, and a task the provider named itself shows the typed title.
 */
type Json = Record<string, unknown>;

const ADMIN = 'U0ALICE01';
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const APPROVER2 = 'U0APPR002';
const VIEWER = 'U0VIEW001';
const LINK = 'https://fake.slack.local/archives/C0APPROVE/p';

const {
  t,
  ix,
  requestTask: asked,
  approversTold,
} = approvalsBot({
  roles: { [OPERATOR]: 'operator', [APPROVER]: 'approver', [APPROVER2]: 'approver' },
});

const _OMS_VALUES = OMS_TASK_FORM;

/** `/migrate create hw-prod task` as `userId`, the title typed in the form's description; the posted request. */
async function requestTask(title: string, userId = OPERATOR) {
  const request = await asked(title, userId);
  await approversTold(request.id);
  return request;
}

function callsSince(since: number, method: string, where: (c: RecordedCall) => boolean = () => true) {
  return t.fakeSlack.calls.slice(since).filter((c) => c.method === method && where(c));
}

/** Direct messages (posts to a user id) after `since`, to `users`. */
function dmsTo(since: number, users: readonly string[]): RecordedCall[] {
  return callsSince(since, 'chat.postMessage', (c) => users.includes(String(c.body.channel)));
}

async function publishedHome(user: string): Promise<Json> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('views.publish')
      .slice(before)
      .find((c) => c.body.user_id === user),
  );
  return call.body.view as Json;
}

/** The Home tab published for `user` after `since` whose text matches. */
async function homeAfter(user: string, since: number, match: RegExp): Promise<Json> {
  const call = await t.fakeSlack.waitFor(() =>
    callsSince(
      since,
      'views.publish',
      (c) => c.body.user_id === user && match.test(JSON.stringify(c.body.view)),
    ).at(-1),
  );
  return call.body.view as Json;
}

describe('approvers hear of a new request', () => {
  it('by default each approver gets a direct message naming the request by its title, with its link', async () => {
    const settings = messageText(await t.ask('settings'));
    expect(settings).toContain('Approvers group: none');
    expect(settings).toContain(
      'Approvers hear of each request: a direct message to each person granted the approver role or above (at most 10 per request) (the default',
    );
    const request = await requestTask('Q4 photo backfill');
    const dms = await t.fakeSlack.waitFor(() => {
      const found = dmsTo(request.since, [APPROVER, APPROVER2]);
      return found.length === 2 ? found : undefined;
    });
    for (const dm of dms) {
      const text = messageText(dm.body);
      expect(text).toContain(`<@${OPERATOR}> asks you to approve <${LINK}`);
      expect(text).toContain('|“Q4 photo backfill”>');
      expect(text).toContain('Home tab');
    }
    // Not the requester, and nobody without a grant.
    expect(dmsTo(request.since, [OPERATOR, ADMIN, VIEWER])).toEqual([]);
  });

  it('with a group, the request mentions it and nobody is messaged; `off` tells nobody', async () => {
    expect(messageText(await t.ask('settings approval-notify mention'))).toContain(
      'There is no approvers group to mention',
    );
    expect((await t.bot.deps.settings.get(TEAM)).approvalNotify).toBeUndefined();
    await t.ask('settings approvers <!subteam^S0APPROVERS|@approvers>');
    const mentioned = await requestTask('mention me');
    expect(String(mentioned.message.text)).toMatch(/^<!subteam\^S0APPROVERS> a migration waits/);
    expect(dmsTo(mentioned.since, [APPROVER, APPROVER2])).toEqual([]);

    expect(messageText(await t.ask('settings approval-notify off'))).toContain(
      'Approvers hear of each request: nobody is told (off)',
    );
    const quiet = await requestTask('nobody hears');
    expect(String(quiet.message.text)).not.toContain('<!subteam^');
    expect(dmsTo(quiet.since, [APPROVER, APPROVER2])).toEqual([]);
    await t.ask('settings approval-notify default');
    await t.ask('settings approvers off');
  });

  it('messages at most 10 approvers, and says so in the log', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `U0CAP${String(i).padStart(4, '0')}`);
    for (const user of many) await t.ask(`access grant <@${user}> approver`);
    try {
      const request = await requestTask('many approvers');
      expect(dmsTo(request.since, [APPROVER, APPROVER2, ...many])).toHaveLength(10);
      expect(t.logs.lines.some((l) => l.includes('more approvers than direct messages'))).toBe(true);
    } finally {
      for (const user of many) await t.ask(`access revoke <@${user}>`);
    }
  });
});

describe('the approver’s Home tab', () => {
  let request: { id: string; ts: string };

  it('lists the pending request with Approve and Reject; the requester sees it as theirs, a viewer not at all', async () => {
    request = await requestTask('Q4 photo backfill');
    const home = await publishedHome(APPROVER);
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('Waiting for your approval');
    expect(text).toContain(`<${LINK}`);
    expect(text).toContain('“Q4 photo backfill”');
    const mine = buttons(home).filter((b) => b.value === request.id);
    expect(mine.map((b) => b.action_id)).toEqual(['approval.home.approve', 'approval.home.reject']);
    expect(mine[0]!.confirm).toBeDefined();

    const theirs = await publishedHome(OPERATOR);
    expect(JSON.stringify(theirs.blocks)).toContain('Your requests waiting for an approver');
    expect(buttons(theirs).filter((b) => b.value === request.id)).toEqual([]);
    const viewer = await publishedHome(VIEWER);
    expect(JSON.stringify(viewer.blocks)).not.toContain('Waiting for your approval');
  });

  it('a viewer’s click is refused by the policy, on the tab, and changes nothing', async () => {
    const since = t.fakeSlack.calls.length;
    await ix.clickHome({ actionId: 'approval.home.approve', value: request.id }, { userId: VIEWER });
    const home = await homeAfter(VIEWER, since, /approver role/);
    expect(JSON.stringify(home.blocks)).toContain('You need the approver role in <#C0FAKE001>');
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).status).toBe('pending');
  });

  it('approving there creates it; the card, the list and the status lead with the typed title', async () => {
    const since = t.fakeSlack.calls.length;
    const tasks = t.oms.tasks.size;
    await ix.clickHome({ actionId: 'approval.home.approve', value: request.id }, { userId: APPROVER });
    const home = await homeAfter(APPROVER, since, /Approved\. Created/);
    expect(buttons(home).filter((b) => b.value === request.id)).toEqual([]);
    expect(t.oms.tasks.size).toBe(tasks + 1);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record).toMatchObject({ status: 'approved', decidedBy: APPROVER });
    const name = record.resourceName!;
    expect(name).toMatch(/^task_\d+_\d+$/);

    // The card the watcher posted where it was asked: the title leads, OMS's own name beside it.
    const card = await t.fakeSlack.waitFor(() =>
      callsSince(
        since,
        'chat.postMessage',
        (c) => c.body.channel === ASKED_IN && messageText(c.body).includes(name),
      ).at(-1),
    );
    const blocks = card.body.blocks as Json[];
    const header = blocks.find((b) => b.type === 'header') as { text: { text: string } };
    expect(header.text.text).toBe('Q4 photo backfill');
    expect(messageText(card.body)).toContain(`Named \`${name}\` by the provider`);

    const status = await t.ask(`status hw-prod:${record.resourceId}`, { userId: OPERATOR });
    expect((status.blocks as Json[]).find((b) => b.type === 'header')).toMatchObject({
      text: { text: 'Q4 photo backfill' },
    });
    const list = messageText(await t.ask('list', { userId: OPERATOR }));
    expect(list).toContain(`*Q4 photo backfill*`);
    expect(list).toContain(`\`hw-prod:${record.resourceId}\` \`${name}\``);

    // The requester's message names it by its title, linked to the request.
    const told = await t.fakeSlack.waitFor(() =>
      dmsTo(since, [OPERATOR]).find((c) => messageText(c.body).includes('approved your request')),
    );
    expect(messageText(told.body)).toContain(`approved your request <${LINK}`);
    expect(messageText(told.body)).toContain('|“Q4 photo backfill”>');
    expect(messageText(told.body)).not.toContain(`\`${request.id}\``);
  });
});

describe('Reject asks why, and the requester hears it', () => {
  it('from the request message: a modal whose reason is required; the requester gets the reason', async () => {
    const request = await requestTask('Q1 logs copy');
    // The requester's first notice already names and links it.
    const pending = await t.fakeSlack.waitFor(() =>
      callsSince(request.since, 'chat.postEphemeral', (c) => c.body.user === OPERATOR).at(-1),
    );
    expect(messageText(pending.body)).toContain(`Your request <${LINK}`);
    expect(messageText(pending.body)).toContain('|“Q1 logs copy”> for a new OMS migration task');
    expect(messageText(pending.body)).not.toContain(`\`${request.id}\``);

    const since = t.fakeSlack.calls.length;
    const modal = await openRejectModal(
      t,
      ix,
      { ...request, channel: APPROVALS },
      { userId: APPROVER },
      'reach-reject',
    );
    expect(JSON.stringify(modal.view)).toContain('“Q1 logs copy”');
    const empty = await ix.submit(modal, { reason: '  ' }, { userId: APPROVER });
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).status).toBe('pending');

    const answer = await submitRejectReason(t, ix, modal, 'Wrong destination: use dst-archive.', APPROVER);
    expect(answer).toContain(`Rejected. Nothing was created, and <@${OPERATOR}> was told.`);
    expect(await approvalsOf(t.bot.deps).get(TEAM, request.id)).toMatchObject({
      status: 'rejected',
      decidedBy: APPROVER,
      reason: 'Wrong destination: use dst-archive.',
    });
    const told = await t.fakeSlack.waitFor(() =>
      dmsTo(since, [OPERATOR]).find((c) => messageText(c.body).includes('rejected your request')),
    );
    const text = messageText(told.body);
    expect(text).toContain(`<@${APPROVER}> rejected your request <${LINK}`);
    expect(text).toContain('Their reason:\n> Wrong destination: use dst-archive.');
  });

  it('from the Home tab: the same modal, the same check, and the tab is redrawn', async () => {
    const request = await requestTask('home reject');
    const since = t.fakeSlack.calls.length;
    await ix.clickHome({ actionId: 'approval.home.reject', value: request.id }, { userId: VIEWER });
    await homeAfter(VIEWER, since, /approver role/);
    expect(rejectModalSince(t, since)).toBeUndefined();

    await ix.clickHome({ actionId: 'approval.home.reject', value: request.id }, { userId: APPROVER2 });
    const modal: ShownView = await t.fakeSlack.waitFor(() => rejectModalSince(t, since));
    const submitted = await ix.submit(modal, { reason: 'Not this week.' }, { userId: APPROVER2 });
    expect(submitted.body).toBeUndefined();
    const home = await homeAfter(APPROVER2, since, /Rejected\./);
    expect(JSON.stringify(home.blocks)).not.toContain('“home reject”');
    expect((await approvalsOf(t.bot.deps).get(TEAM, request.id)).reason).toBe('Not this week.');
  });
});

describe('the Home tab’s resource rows', () => {
  it('lead with the typed title, the provider’s name beside the reference', async () => {
    const task = t.oms.addTask({ name: 'task_1795650490367_9', status: 2, progress: 0.4 });
    await approvalsOf(t.bot.deps).titles.note(
      TEAM,
      { connection: 'hw-prod', kind: 'task', id: task.id },
      'EU logs',
    );
    const text = JSON.stringify((await publishedHome(VIEWER)).blocks);
    expect(text).toContain(`*EU logs* `);
    expect(text).toContain(`\`hw-prod:${task.id}\` \`task_1795650490367_9\``);
  });
});

describe('the completion report', () => {
  it('leads with the typed title and keeps the provider’s name beside the reference', () => {
    const rendered = renderCompletionReport({
      kind: 'report',
      report: {
        id: '42',
        name: 'task_1795650490367_7',
        connection: 'hw-prod',
        state: 'succeeded',
        chartable: false,
      },
      samples: [],
      title: 'Q4 photo backfill',
    });
    expect(rendered.text).toContain('Q4 photo backfill');
    expect(JSON.stringify(rendered.blocks)).toContain(
      '*Report for Q4 photo backfill* `hw-prod:42` `task_1795650490367_7`',
    );
  });
});

describe('the approvals’ section of `/migrate settings`', () => {
  it('sets how long a request waits, refuses a bad value or a viewer, and shows its lines after the core’s', async () => {
    const before = messageText(await t.ask('settings'));
    expect(before).toMatch(/Time zone of time windows: UTC.*\nApprovals channel: <#C0APPROVE>\n/);
    expect(before).toContain('Approval requests expire after 24 h');
    expect(messageText(await t.ask('settings approval-ttl 0'))).toContain(
      'approval-ttl is a whole number of hours from 1 to 336',
    );
    expect(messageText(await t.ask('settings approval-ttl 48', { userId: VIEWER }))).toMatch(
      /You need the admin role for the whole workspace to change settings/,
    );
    expect(messageText(await t.ask('settings approvals'))).toContain(
      'Use `/migrate settings audit #channel|off`',
    );
    expect(messageText(await t.ask('settings'))).toBe(before);

    const set = messageText(await t.ask('settings approval-ttl 48'));
    expect(set).toMatch(/^\[\] Updated the approval expiry\.\nAudit channel: none\n/);
    expect(set).toContain('Approval requests expire after 2 days');
    expect((await t.bot.deps.settings.get(TEAM)).approvalTtlHours).toBe(48);
    await t.ask('settings approval-ttl 24');
  });
});
