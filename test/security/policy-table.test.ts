import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subcommandNames } from '../../src/slack/listeners/commands/subcommands/index.js';
import { TestBot } from '../harness/test-bot.js';

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
    expect(subcommandNames().filter((n) => !EXPECTED[n] || !SAMPLES[n])).toEqual([]);
  });

  const cases = ASKERS.flatMap((asker) => subcommandNames().map((name) => ({ asker, name })));
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
    await new Promise((resolve) => setTimeout(resolve, 150));
    const got = decisions(asker.user)
      .slice(before)
      .map(({ capability, scope, allowed }) => ({ capability, scope, allowed }));
    expect(got).toEqual(expected.slice(0, count));
  });
});
