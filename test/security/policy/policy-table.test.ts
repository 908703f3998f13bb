import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { subcommandNames } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { TestBot } from '../../harness/test-bot.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

/**
 * Issue #36, item 1, as a table: every `/migrate` subcommand (from the app's own list) × who asks ×
 * where it is typed, through signed requests. For each, the decisions the one policy logged must be
 * the capability and the scope written here, allowed exactly when the asker's role in that scope
 * allows it. The scopes are this test's own statement of the rule: what changes the whole workspace
 * (deleting, connections, the audit log) is decided on the workspace, everything else in the
 * channel it is typed in. A subcommand added without a row fails here. (Written by audit36.)
 */
const t = new TestBot();
const SANDBOX = 'C0SANDBOX1';
const GENERAL = 'C0FAKE001';
const CHANNEL_ADMIN = 'U0TBLADM1'; // admin in #sandbox only
const WORKSPACE_OPERATOR = 'U0TBLOPR1';
let taskId = '';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${CHANNEL_ADMIN}> admin <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${WORKSPACE_OPERATOR}> operator`);
  taskId = t.oms.addTask({ name: 'table', status: 2 }).id;
}, 60_000);
afterAll(async () => {
  await t.stop();
});

type Decision = { capability: string; scope: string; role: string; allowed: boolean };
function decisions(user: string): Decision[] {
  return t.logs.lines
    .filter((l) => l.includes('"policy decision"') && l.includes(user))
    .map((l) => JSON.parse(l) as Decision);
}

const SAMPLES: Record<string, () => string> = {
  help: () => 'help',
  status: () => `status ${taskId}`,
  list: () => 'list',
  groups: () => 'groups',
  sync: () => 'sync',
  explain: () => 'explain OMS.0066',
  pause: () => `pause ${taskId}`,
  resume: () => `resume ${taskId}`,
  retry: () => `retry ${taskId}`,
  delete: () => `delete ${taskId}`,
  create: () => 'create',
  bandwidth: () => `bandwidth ${taskId} 00:00-06:00=100MB/s`,
  'sync-event': () => `sync-event ${taskId} a.txt`,
  watch: () => `watch ${taskId}`,
  unwatch: () => `unwatch ${taskId}`,
  watches: () => 'watches',
  subscribe: () => 'subscribe hw-prod',
  unsubscribe: () => 'unsubscribe hw-prod',
  subscriptions: () => 'subscriptions',
  access: () => 'access',
  settings: () => 'settings',
  audit: () => 'audit',
  connections: () => 'connections',
  connect: () => 'connect huawei-oms',
  disconnect: () => 'disconnect hw-prod',
  // Issue 48: listing windows is a view; adding one asks operate, as pause does.
  window: () => 'window list',
  // Issues 60-63: the capabilities of this round, each read-only form.
  plan: () => 'plan list',
  policy: () => 'policy list',
  webhook: () => 'webhook list',
  token: () => 'token list',
  verify: () => `verify ${taskId}`,
  evidence: () => `evidence ${taskId}`,
  'keep-sync': () => `keep-sync ${taskId} every 6h until +14d`,
  cutover: () => `cutover ${taskId} freeze 30`,
};

type Capability = 'view' | 'operate' | 'create' | 'delete' | 'manage';
type Where = 'here' | 'workspace';
/** Subcommand → the decisions it asks for, in order: [capability, scope]. */
const EXPECTED: Record<string, [Capability, Where][]> = {
  help: [['view', 'here']],
  status: [['view', 'here']],
  list: [['view', 'here']],
  groups: [['view', 'here']],
  sync: [['view', 'here']],
  explain: [['view', 'here']],
  pause: [['operate', 'here']],
  resume: [['operate', 'here']],
  retry: [['operate', 'here']],
  delete: [['delete', 'workspace']],
  create: [['create', 'here']],
  bandwidth: [['operate', 'here']],
  'sync-event': [['operate', 'here']],
  watch: [['operate', 'here']],
  unwatch: [['operate', 'here']],
  watches: [['view', 'here']],
  subscribe: [['operate', 'here']],
  unsubscribe: [['operate', 'here']],
  subscriptions: [['view', 'here']],
  access: [
    ['view', 'here'],
    ['view', 'workspace'],
  ],
  settings: [['view', 'here']],
  audit: [['manage', 'workspace']],
  connections: [['view', 'here']],
  connect: [['manage', 'workspace']],
  disconnect: [['manage', 'workspace']],
  window: [['view', 'here']],
  plan: [['view', 'here']],
  policy: [['view', 'workspace']],
  webhook: [['manage', 'workspace']],
  token: [['manage', 'workspace']],
  verify: [['operate', 'here']],
  evidence: [['view', 'here']],
  'keep-sync': [['operate', 'here']],
  cutover: [['operate', 'here']],
};

const RANK = ['viewer', 'operator', 'approver', 'admin'];
const NEEDS: Record<Capability, string> = {
  view: 'viewer',
  operate: 'operator',
  create: 'operator',
  delete: 'admin',
  manage: 'admin',
};

/** Who asks, where, and their role in a scope (`workspace` or `channel:C…`). */
const ASKERS = [
  {
    name: 'channel admin in its channel',
    user: CHANNEL_ADMIN,
    channel: SANDBOX,
    role: (scope: string) => (scope === `channel:${SANDBOX}` ? 'admin' : 'viewer'),
  },
  {
    name: 'channel admin elsewhere',
    user: CHANNEL_ADMIN,
    channel: GENERAL,
    role: (scope: string) => (scope === `channel:${SANDBOX}` ? 'admin' : 'viewer'),
  },
  { name: 'workspace operator', user: WORKSPACE_OPERATOR, channel: SANDBOX, role: () => 'operator' },
];

describe('every subcommand × who asks × where: the scope and outcome of each policy decision', () => {
  it('has a row for every subcommand the app registers', () => {
    expect(subcommandNames(READING).filter((n) => !EXPECTED[n] || !SAMPLES[n])).toEqual([]);
  });

  const cases = ASKERS.flatMap((asker) => subcommandNames(READING).map((name) => ({ asker, name })));
  it.each(cases)('$asker.name: /migrate $name', async ({ asker, name }) => {
    const before = decisions(asker.user).length;
    const expected = EXPECTED[name]!.map(([capability, where]) => {
      const scope = where === 'workspace' ? 'workspace' : `channel:${asker.channel}`;
      return {
        capability,
        scope,
        allowed: RANK.indexOf(asker.role(scope)) >= RANK.indexOf(NEEDS[capability]),
      };
    });
    // An allowed `access` asks twice; a refused first decision ends the request.
    const count = expected[0]!.allowed ? expected.length : 1;
    await t.command(SAMPLES[name]!(), { userId: asker.user, channelId: asker.channel });
    await t.fakeSlack.waitFor(
      () => (decisions(asker.user).length >= before + count ? true : undefined),
      10_000,
    );
    await t.settled();
    const got = decisions(asker.user)
      .slice(before)
      .map(({ capability, scope, allowed }) => ({ capability, scope, allowed }));
    expect(got).toEqual(expected.slice(0, count));
  });
});

/**
 * Issue 49 item 3, the same table for the buttons this issue added: button × who presses × where.
 * "Run changes since" asks for a new migration, so it needs `create` in the channel of the post it
 * is on, as `/migrate create` typed there does (and the approval after it, as for any create).
 */
const BUTTONS: Record<string, { value: () => string; expected: [Capability, Where][] }> = {
  'verification.rerun': {
    value: () => JSON.stringify({ c: 'hw-prod', k: 'task', id: taskId, at: 1 }),
    expected: [['create', 'here']],
  },
};

describe('every button of issue 49 × who presses × where: the scope and outcome of each decision', () => {
  const cases = ASKERS.flatMap((asker) => Object.keys(BUTTONS).map((action) => ({ asker, action })));
  it.each(cases)('$asker.name: $action', async ({ asker, action }) => {
    const before = decisions(asker.user).length;
    const row = BUTTONS[action]!;
    const expected = row.expected.map(([capability, where]) => {
      const scope = where === 'workspace' ? 'workspace' : `channel:${asker.channel}`;
      return {
        capability,
        scope,
        allowed: RANK.indexOf(asker.role(scope)) >= RANK.indexOf(NEEDS[capability]),
      };
    });
    await t.click(action, row.value(), { userId: asker.user, channelId: asker.channel });
    await t.fakeSlack.waitFor(() => (decisions(asker.user).length >= before + 1 ? true : undefined), 10_000);
    const got = decisions(asker.user)
      .slice(before)
      .map(({ capability, scope, allowed }) => ({ capability, scope, allowed }));
    expect(got).toEqual(expected);
  });
});

/**
 * Issue 48, "Cancel start" on a request approved to start later (asked in #sandbox by someone
 * else): not its requester, so it needs an admin (`delete`, "delete or cancel") where the request
 * was asked, wherever the button is pressed. Allowed, the request is cancelled; refused, it waits.
 */
let scheduled = 0;
async function scheduledIn(channel: string): Promise<string> {
  const now = t.bot.deps.clock.now();
  const id = `5c0ed${String(++scheduled).padStart(5, '0')}`;
  const record = await approvalsOf(t.bot.deps).records.save({
    id,
    team: 'T0FAKE001',
    requester: 'U0ALICE01',
    channel,
    connection: 'hw-prod',
    provider: 'huawei-oms',
    kind: 'task',
    request: {},
    status: 'approved',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    decidedBy: 'U0APPROVR',
    decidedAt: new Date(now).toISOString(),
    startAt: new Date(now + 86_400_000).toISOString(),
  });
  await approvalsOf(t.bot.deps).records.schedule(record);
  return id;
}

describe('Cancel start of issue 48 × who presses × where: the scope and outcome of its decision', () => {
  it.each(ASKERS)('$name: approval.cancelStart', async (asker) => {
    const id = await scheduledIn(SANDBOX);
    const before = decisions(asker.user).length;
    const scope = `channel:${SANDBOX}`;
    const allowed = RANK.indexOf(asker.role(scope)) >= RANK.indexOf(NEEDS.delete);
    await t.click('approval.cancelStart', id, { userId: asker.user, channelId: asker.channel });
    await t.fakeSlack.waitFor(() => (decisions(asker.user).length >= before + 1 ? true : undefined), 10_000);
    const got = decisions(asker.user)
      .slice(before)
      .map(({ capability, scope, allowed }) => ({ capability, scope, allowed }));
    expect(got).toEqual([{ capability: 'delete', scope, allowed }]);
    await t.settled();
    expect((await approvalsOf(t.bot.deps).get('T0FAKE001', id)).status).toBe(
      allowed ? 'cancelled' : 'approved',
    );
  });
});
