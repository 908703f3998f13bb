import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalScope } from '../../../src/capabilities/approvals/approval-service.js';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';

/**
 * The scope of a role follows the target of the action (issue 36 §1): a role granted in one
 * channel acts in that channel only, and an action that changes the whole workspace (a workspace
 * grant or revoke, a workspace setting, a connection, the audit log) needs a workspace-level role,
 * wherever it is typed. Every case runs through signed requests against the running bot.
 */
const t = new TestBot();
const SANDBOX = 'C0SANDBOX1';
const GENERAL = 'C0FAKE001';
const CHANNEL_ADMIN = 'U0CHADM01'; // admin in #sandbox only
const WORKSPACE_ADMIN = 'U0WSADM01'; // admin by a workspace grant (not a Slack admin)
const WORKSPACE_OPERATOR = 'U0WSOPR01';
const VIEWER = 'U0VIEW001';
const NOBODY = 'U0NOBODY1';

beforeAll(async () => {
  await t.start();
  await t.ask(`access grant <@${CHANNEL_ADMIN}> admin <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${WORKSPACE_ADMIN}> admin`);
  await t.ask(`access grant <@${WORKSPACE_OPERATOR}> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  t.oms.tasks.clear();
  await t.ask(`access revoke <@${NOBODY}>`);
  await t.ask(`access revoke <@${NOBODY}> <#${SANDBOX}|sandbox>`);
  await t.ask(`access revoke <@${NOBODY}> <#${GENERAL}|general>`);
});

type Outcome = 'allowed' | 'refused';
const refusedText = (text: string): Outcome => (text.includes('You need the') ? 'refused' : 'allowed');

const grants = () => t.bot.deps.access.grants.list('T0FAKE001');
const settings = () => t.bot.deps.settings.get('T0FAKE001');

/**
 * Subcommand × who × where it is typed. `check` reads the state the command would change, so a
 * refusal is proven to have changed nothing and an allowance to have done its work.
 */
const COMMANDS: {
  name: string;
  text: string;
  user: string;
  channel: string;
  expected: Outcome;
  check?: (outcome: Outcome) => Promise<void>;
}[] = [
  {
    name: 'a channel admin grants itself workspace admin (the escalation)',
    text: `access grant <@${CHANNEL_ADMIN}> admin`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () =>
      expect((await grants()).filter((g) => g.subject.id === CHANNEL_ADMIN && !g.channel)).toEqual([]),
  },
  {
    name: 'a channel admin grants a workspace role to someone else',
    text: `access grant <@${NOBODY}> operator`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () => expect((await grants()).some((g) => g.subject.id === NOBODY)).toBe(false),
  },
  {
    name: 'a channel admin revokes a workspace grant',
    text: `access revoke <@${WORKSPACE_OPERATOR}>`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () =>
      expect((await grants()).some((g) => g.subject.id === WORKSPACE_OPERATOR && !g.channel)).toBe(true),
  },
  {
    name: 'a channel admin grants in its own channel',
    text: `access grant <@${NOBODY}> operator <#${SANDBOX}|sandbox>`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'allowed',
    check: async () =>
      expect((await grants()).some((g) => g.subject.id === NOBODY && g.channel === SANDBOX)).toBe(true),
  },
  {
    name: 'a channel admin grants in its own channel, typed elsewhere',
    text: `access grant <@${NOBODY}> operator <#${SANDBOX}|sandbox>`,
    user: CHANNEL_ADMIN,
    channel: GENERAL,
    expected: 'allowed',
  },
  {
    name: 'a channel admin grants in another channel',
    text: `access grant <@${NOBODY}> operator <#${GENERAL}|general>`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () => expect((await grants()).some((g) => g.subject.id === NOBODY)).toBe(false),
  },
  {
    name: 'a channel admin turns the audit channel off',
    text: 'settings audit off',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () => expect((await settings()).auditChannel).toBe('C0AUDIT01'),
  },
  {
    name: 'a channel admin moves the approvals channel',
    text: `settings approvals <#${SANDBOX}|sandbox>`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
  },
  {
    name: 'a channel admin sets the workspace language',
    text: 'settings language ko',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () => expect((await settings()).language).toBeUndefined(),
  },
  {
    name: "a channel admin sets its own channel's language",
    text: `settings language ko <#${SANDBOX}|sandbox>`,
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'allowed',
  },
  {
    name: 'a channel admin reads the audit log',
    text: 'audit',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
  },
  {
    name: 'a channel admin removes a connection',
    text: 'disconnect hw-prod',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
    check: async () =>
      expect(t.bot.deps.connections.forTeam('T0FAKE001').map((c) => c.name)).toContain('hw-prod'),
  },
  {
    name: 'a channel admin adds a connection',
    text: 'connect huawei-oms',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    expected: 'refused',
  },
  {
    name: 'a workspace admin by grant changes a workspace setting',
    text: 'settings approval-ttl 48',
    user: WORKSPACE_ADMIN,
    channel: SANDBOX,
    expected: 'allowed',
  },
  {
    name: 'a workspace admin by grant grants a workspace role',
    text: `access grant <@${NOBODY}> viewer`,
    user: WORKSPACE_ADMIN,
    channel: GENERAL,
    expected: 'allowed',
  },
  {
    name: 'a workspace operator changes access',
    text: `access grant <@${NOBODY}> operator <#${GENERAL}|general>`,
    user: WORKSPACE_OPERATOR,
    channel: GENERAL,
    expected: 'refused',
  },
  {
    name: 'a viewer changes a setting',
    text: 'settings audit off',
    user: VIEWER,
    channel: GENERAL,
    expected: 'refused',
  },
];

describe('subcommands: role scope follows the target of the action', () => {
  beforeAll(async () => {
    await t.ask('settings audit <#C0AUDIT01|audit>');
  });

  it.each(COMMANDS)('$name → $expected', async ({ text, user, channel, expected, check }) => {
    const answer = messageText(await t.ask(text, { userId: user, channelId: channel }));
    expect(refusedText(answer), answer.slice(0, 300)).toBe(expected);
    if (expected === 'refused') expect(answer).toMatch(/role (in <#C0[A-Z0-9]+>|for the whole workspace)/);
    await check?.(expected);
  });
});

describe('resource actions act in the channel of the grant', () => {
  const cases: { user: string; channel: string; pause: Outcome; del: Outcome }[] = [
    // Pausing acts for the channel; deleting destroys what the whole workspace shares.
    { user: CHANNEL_ADMIN, channel: SANDBOX, pause: 'allowed', del: 'refused' },
    { user: CHANNEL_ADMIN, channel: GENERAL, pause: 'refused', del: 'refused' },
    { user: WORKSPACE_OPERATOR, channel: SANDBOX, pause: 'allowed', del: 'refused' },
    { user: WORKSPACE_ADMIN, channel: GENERAL, pause: 'allowed', del: 'allowed' },
  ];
  it.each(cases)('$user in $channel: pause $pause, delete $del', async ({ user, channel, pause, del }) => {
    const running = t.oms.addTask({ name: 'scope-pause', status: 2 });
    const pauseButton = buttons(await t.ask(`status ${running.id}`, { channelId: channel })).find(
      (b) => b.action_id === 'resource.pause',
    )!;
    const clicked = await t.click(pauseButton.action_id, pauseButton.value, {
      userId: user,
      channelId: channel,
    });
    expect(refusedText(messageText(await clicked.answer()))).toBe(pause);
    expect(t.oms.task(running.id)?.status).toBe(pause === 'allowed' ? 7 : 2);

    const paused = t.oms.addTask({ name: 'scope-delete', status: 3 });
    // The button as an admin's card offers it: a channel admin's own card does not (checked below).
    const deleteButton = buttons(await t.ask(`delete ${paused.id}`, { channelId: channel })).find(
      (b) => b.action_id === 'resource.delete',
    )!;
    const pressed = await t.click(deleteButton.action_id, deleteButton.value, {
      userId: user,
      channelId: channel,
    });
    expect(refusedText(messageText(await pressed.answer()))).toBe(del);
    expect(t.oms.task(paused.id) === undefined).toBe(del === 'allowed');
  });
});

describe('what a card offers follows the same scopes', () => {
  it("a channel admin's card offers Pause in its channel but never Delete", async () => {
    const running = t.oms.addTask({ name: 'scope-offer', status: 2 });
    const offered = buttons(
      await t.ask(`status ${running.id}`, { userId: CHANNEL_ADMIN, channelId: SANDBOX }),
    );
    expect(offered.map((b) => b.action_id)).toContain('resource.pause');
    expect(offered.map((b) => b.action_id).filter((id) => id.startsWith('resource.delete'))).toEqual([]);
    const refused = messageText(
      await t.ask(`delete ${running.id}`, { userId: CHANNEL_ADMIN, channelId: SANDBOX }),
    );
    expect(refused).toContain('role for the whole workspace to delete');
  });
});

describe('access lists what applies where it is asked', () => {
  it("a viewer sees the workspace's grants and this channel's, not another channel's", async () => {
    const here = messageText(await t.ask('access', { userId: VIEWER, channelId: GENERAL }));
    expect(here).toContain(`<@${WORKSPACE_OPERATOR}>`);
    expect(here).not.toContain(`<#${SANDBOX}>`);
    const all = messageText(await t.ask('access', { userId: WORKSPACE_ADMIN, channelId: GENERAL }));
    expect(all).toContain(`<@${CHANNEL_ADMIN}> → *admin* in <#${SANDBOX}>`);
  });
});

describe('connection buttons change the workspace', () => {
  it('a channel admin cannot remove a connection with its button', async () => {
    const value = JSON.stringify({ n: 'hw-prod' });
    const refused = await t.click('connection.disconnect', value, {
      userId: CHANNEL_ADMIN,
      channelId: SANDBOX,
    });
    expect(messageText(await refused.answer())).toContain('role for the whole workspace');
    expect(t.bot.deps.connections.forTeam('T0FAKE001').map((c) => c.name)).toContain('hw-prod');
  });
});

describe('approvals are decided where the request was made', () => {
  const SANDBOX_APPROVER = 'U0SBAPPR1';
  const details = prefixDetails();

  it("a workflow's request needs a workspace approver: a channel's approver (maybe its author) cannot decide it", async () => {
    await t.ask(`access grant <@${SANDBOX_APPROVER}> approver <#${SANDBOX}|sandbox>`);
    // The channel's posts in English again (an earlier case set it to Korean).
    await t.ask(`settings language default <#${SANDBOX}|sandbox>`);
    const since = t.fakeSlack.calls.length;
    const run = await t.runStep(STEP_CALLBACKS.request, {
      user_context: { id: WORKSPACE_OPERATOR, secret: 'c2VjcmV0' },
      connection: 'hw-prod',
      kind: 'task',
      channel_id: SANDBOX,
      details,
    });
    const request = await postedApproval(t, { team: 'T0FAKE001', channel: SANDBOX }, since);
    expect(messageText(request.message)).toContain('Workflow Builder step');
    const tasksBefore = t.oms.tasks.size;
    const ix = new Interactions(t);
    const refused = await decideApproval(
      t,
      ix,
      { ...request, channel: SANDBOX },
      'approve',
      SANDBOX_APPROVER,
    );
    expect(refused).toContain('role for the whole workspace to approve');
    expect(t.oms.tasks.size).toBe(tasksBefore);
    const approved = await decideApproval(
      t,
      ix,
      { ...request, channel: SANDBOX },
      'approve',
      WORKSPACE_ADMIN,
    );
    expect(approved).toContain('Approved');
    expect((await run.settled()).status).toBe('completed');
  });

  it('a request asked in one channel is decided with the approver role of that channel', () => {
    expect(approvalScope({ channel: SANDBOX })).toEqual({ kind: 'channel', channelId: SANDBOX });
    expect(approvalScope({ channel: SANDBOX, workflowStep: { executionId: 'Fx1' } })).toEqual({
      kind: 'workspace',
    });
  });
});
