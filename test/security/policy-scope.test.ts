import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buttons, messageText, TestBot } from '../harness/test-bot.js';

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
    { user: CHANNEL_ADMIN, channel: SANDBOX, pause: 'allowed', del: 'allowed' },
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
