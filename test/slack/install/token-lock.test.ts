import type { InstallationQuery } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeInstallGrant } from '../../../dev/fake-slack/fake-oauth.js';
import type { ListenerRoutes } from '../../../src/contract/listeners.js';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { registerRoutes } from '../../../src/slack/listeners/index.js';
import { SlackClients } from '../../../src/slack/slack-clients.js';
import { LeaseLocks } from '../../../src/store/lease-lock.js';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { eventBody, JSON_TYPE, postSigned } from '../../harness/slack-requests.js';
import { omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { workspaceCommand } from '../../harness/workspace-command.js';

const ORG = 'E0LOCKORG1';
const ORG_WS_1 = 'T0LOCKWS01';
const ORG_WS_2 = 'T0LOCKWS02';
const TEAM_GONE = 'T0LOCKGONE';

const t = new TestBot();

beforeAll(async () => {
  await t.start({
    env: oauthEnv(t.fakeSlack),
    connections: (url) => [omsConnection('hw-lock', url, { team: ORG_WS_1 })],
  });
});
afterAll(async () => {
  await t.stop();
});

/** `/migrate help` from `bot`, as Slack sends it (for a workspace of an org-wide install with `org`). */
function command(bot: TestBot, teamId: string, responseId: string, org?: string) {
  return workspaceCommand(bot, t.fakeSlack, {
    text: 'help',
    teamId,
    responseId,
    org,
    triggerId: '1337.42.abcdef',
  });
}

/** An Events API delivery from a workspace of an org-wide install (`authorizations` as Slack sends them). */
function orgEvent(teamId: string, event: Record<string, unknown>) {
  const body = JSON.stringify({
    ...JSON.parse(eventBody(teamId, event)),
    enterprise_id: ORG,
    authorizations: [
      { enterprise_id: ORG, team_id: teamId, user_id: 'U0BOT0001', is_enterprise_install: true },
    ],
  });
  return postSigned(t.eventsUrl, SIGNING_SECRET, body, JSON_TYPE);
}

/**
 * Installs with a rotating token that has an hour left (so it is refreshed at its first use), then
 * lets it run out at Slack: whoever does not get the refreshed token fails there.
 */
async function installExpiring(bot: TestBot, grant: Omit<FakeInstallGrant, 'userId'>) {
  await installVia(bot.url, t.fakeSlack, { userId: 'U0ALICE01', expiresInSeconds: 3600, ...grant });
  t.fakeSlack.oauth.expireTokens(grant.teamId);
}

/** Web API calls (not OAuth) that Slack refused, from now until `stop()`. */
function refusedCalls() {
  const refused: string[] = [];
  const stop = t.fakeSlack.observe((call, answer) => {
    if (answer.ok === false && call.method !== 'oauth.v2.access')
      refused.push(`${call.method}: ${answer.error}`);
  });
  return { refused, stop };
}

/** The lock of the installation serving `query`, held by the test until `release()`. */
async function holdLock(bot: TestBot, query: InstallationQuery<boolean>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let taken!: () => void;
  const holding = new Promise<void>((resolve) => (taken = resolve));
  const done = bot.bot.deps.slack.clients.installations!.withInstallationLock(query, async () => {
    taken();
    await released;
  });
  await holding;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}

/**
 * Counts, from now until `stop()`, the requests that asked for the lock of `teamId`'s
 * installation: held by the test, each such request waits on it.
 */
function waitersOnLock(teamId: string) {
  const run = LeaseLocks.prototype.run;
  let asked = 0;
  const spy = vi.spyOn(LeaseLocks.prototype, 'run').mockImplementation(function (
    this: LeaseLocks,
    name,
    work,
  ) {
    if (name.includes(teamId)) asked++;
    return run.call(this, name, work);
  });
  return { waiting: () => asked > 0, stop: () => spy.mockRestore() };
}

/** Whether `promise` settles before it waits on the lock `lock` watches (it is left running either way). */
async function settlesBeforeWaiting(
  promise: Promise<unknown>,
  lock: ReturnType<typeof waitersOnLock>,
): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  try {
    await until(() => settled || lock.waiting(), { what: 'done or waiting on the lock', timeoutMs: 10_000 });
  } finally {
    lock.stop();
  }
  return settled;
}

const teamQuery = (teamId: string): InstallationQuery<false> => ({
  teamId,
  enterpriseId: undefined,
  isEnterpriseInstall: false,
});

describe('token refresh: one lock per installation as stored', () => {
  it('org-wide install: 12 concurrent requests from two of its workspaces, and background work for both, refresh once', async () => {
    await installExpiring(t, { teamId: ORG_WS_1, enterpriseId: ORG, isEnterpriseInstall: true });
    t.fakeSlack.oauth.refreshDelayMs = 150;
    const attempts = t.fakeSlack.oauth.refreshAttempts;
    const refused = t.fakeSlack.oauth.refusedRefreshes;
    const calls = refusedCalls();
    try {
      // Background work (the watcher, the audit log) knows the workspace and its organization.
      const background = Promise.all(
        [ORG_WS_1, ORG_WS_2].map((team) => t.bot.deps.slack.clients.forTeam(team, 'background', ORG)),
      );
      const ids = Array.from({ length: 6 }, (_, i) => `org-lock-${i}`);
      const sent = await Promise.all([
        ...ids.map((id, i) => command(t, i % 2 === 0 ? ORG_WS_1 : ORG_WS_2, id, ORG)),
        ...Array.from({ length: 6 }, (_, i) =>
          orgEvent(i % 2 === 0 ? ORG_WS_2 : ORG_WS_1, {
            type: 'app_home_opened',
            user: 'U0ALICE01',
            channel: 'D0HOME0001',
            tab: 'home',
          }),
        ),
      ]);
      expect(sent.map((r) => r.status)).toEqual(Array(12).fill(200));
      const tokens = new Set((await background).map((client) => client.token));
      expect([...tokens]).toEqual([expect.stringMatching(/^xoxe\.xoxb-T0LOCKWS01-/)]);
      for (const id of ids) await t.answer(id);
      await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish').length >= 6, 10_000);
    } finally {
      calls.stop();
      t.fakeSlack.oauth.refreshDelayMs = 0;
    }
    expect(t.fakeSlack.oauth.refreshAttempts - attempts).toBe(1);
    expect(t.fakeSlack.oauth.refusedRefreshes - refused).toBe(0);
    expect(calls.refused).toEqual([]);
  });

  it('app_uninstalled while a refresh is in flight: the installation stays deleted and the bot stops answering', async () => {
    await installExpiring(t, { teamId: TEAM_GONE });
    t.fakeSlack.oauth.refreshDelayMs = 500;
    const attempts = t.fakeSlack.oauth.refreshAttempts;
    const refreshed = t.fakeSlack.oauth.refreshes;
    try {
      expect((await command(t, TEAM_GONE, 'gone-before')).status).toBe(200);
      await t.fakeSlack.waitFor(() => t.fakeSlack.oauth.refreshAttempts > attempts);
      expect((await t.event({ type: 'app_uninstalled' }, TEAM_GONE)).status).toBe(200);
      await t.fakeSlack.waitFor(() => t.fakeSlack.oauth.refreshes > refreshed, 5_000);
    } finally {
      t.fakeSlack.oauth.refreshDelayMs = 0;
    }
    const key = `installation:team:${TEAM_GONE}`;
    await expect.poll(() => t.bot.deps.store.get(key), { timeout: 3_000 }).toBeUndefined();
    // The request whose refresh was in flight has ended: its save did not bring the installation back.
    await t.settled();
    expect(await t.bot.deps.store.get(key)).toBeUndefined();

    expect((await command(t, TEAM_GONE, 'gone-after')).status).toBe(200);
    await t.settled();
    expect(t.fakeSlack.responsesTo('gone-after')).toEqual([]);
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_GONE)).rejects.toThrow(/No installation/);
  });
});

describe('two replicas on one Redis', () => {
  const base = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  // A database of its own per run: the bot's keys have a fixed prefix.
  base.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  const storeUrl = base.toString();
  const team = `T0R${Date.now().toString(36).toUpperCase()}`;
  const key = generateKey();
  const a = new TestBot();
  const b = new TestBot();

  beforeAll(async () => {
    const connections = (url: string) => [omsConnection('hw-replica', url, { team })];
    const env = { ...oauthEnv(t.fakeSlack, key), STORE_URL: storeUrl, SLACK_API_URL: t.fakeSlack.apiUrl };
    await a.start({ env, connections });
    await b.start({ env, connections });
  });
  afterAll(async () => {
    await Promise.allSettled([a.stop(), b.stop()]);
    const { createClient } = await import('@redis/client');
    const client = createClient({ url: storeUrl });
    await client.connect();
    try {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `*${team}*`, COUNT: 500 })) keys.push(...batch);
      if (keys.length > 0) await client.del(keys);
    } finally {
      await client.close();
    }
  });

  it('both hit an expiring token at once: one refresh at Slack, no failed call, both answer', async () => {
    await installExpiring(a, { teamId: team });
    t.fakeSlack.oauth.refreshDelayMs = 200;
    const attempts = t.fakeSlack.oauth.refreshAttempts;
    const refused = t.fakeSlack.oauth.refusedRefreshes;
    const calls = refusedCalls();
    try {
      const ids = Array.from({ length: 8 }, (_, i) => `replica-${i}`);
      const sent = await Promise.all(ids.map((id, i) => command(i % 2 === 0 ? a : b, team, id)));
      expect(sent.map((r) => r.status)).toEqual(Array(8).fill(200));
      for (const id of ids) await t.answer(id);
    } finally {
      calls.stop();
      t.fakeSlack.oauth.refreshDelayMs = 0;
    }
    expect(t.fakeSlack.oauth.refreshAttempts - attempts).toBe(1);
    expect(t.fakeSlack.oauth.refusedRefreshes - refused).toBe(0);
    expect(calls.refused).toEqual([]);
  });
});

describe('seam: every path that refreshes or deletes an installation takes its lock', () => {
  it('each public method of SlackClients, and each inbound request, waits for a held lock before any refresh', async () => {
    const clients = t.bot.deps.slack.clients;
    const methods = Object.getOwnPropertyNames(SlackClients.prototype).filter(
      (name) =>
        name !== 'constructor' &&
        typeof Object.getOwnPropertyDescriptor(SlackClients.prototype, name)?.value === 'function',
    );
    // How each is called for a workspace; a method added later fails here until it is listed.
    const calls: Record<string, (teamId: string) => Promise<unknown>> = {
      forTeam: (teamId) => clients.forTeam(teamId, 'background'),
      authorize: (teamId) => clients.authorize(teamQuery(teamId)),
      noteWorkspace: (teamId) => clients.noteWorkspace(teamId, ORG, true),
    };
    const paths = [
      ...methods.map((name) => {
        const call = calls[name];
        if (!call) throw new Error(`SlackClients.${name} is new: say in this test how it is called`);
        return { name: `SlackClients.${name}`, run: call };
      }),
      {
        name: 'an inbound slash command',
        run: async (teamId: string) => {
          const id = `seam-${teamId}`;
          expect((await command(t, teamId, id)).status).toBe(200);
          return t.answer(id);
        },
      },
    ];
    let refreshedAfterRelease = 0;
    for (const [i, path] of paths.entries()) {
      const teamId = `T0SEAM${String(i).padStart(4, '0')}`;
      await installExpiring(t, { teamId });
      const attempts = t.fakeSlack.oauth.refreshAttempts;
      const lock = await holdLock(t, teamQuery(teamId));
      const waiters = waitersOnLock(teamId);
      const running = path.run(teamId);
      const settled = await settlesBeforeWaiting(running, waiters);
      // Nothing refreshes while another holds the lock (a path that needs no token may finish).
      expect({ path: path.name, refreshes: t.fakeSlack.oauth.refreshAttempts - attempts }).toEqual({
        path: path.name,
        refreshes: 0,
      });
      await lock.release();
      await running;
      const after = t.fakeSlack.oauth.refreshAttempts - attempts;
      expect(after).toBeLessThanOrEqual(1);
      if (after === 1) {
        expect({ path: path.name, waited: !settled }).toEqual({ path: path.name, waited: true });
        refreshedAfterRelease++;
      }
    }
    // The check means something: the paths that hand out a token did refresh once released.
    expect(refreshedAfterRelease).toBeGreaterThanOrEqual(3);
  });

  it('each registered event listener that deletes an installation waits for its lock', async () => {
    const events: string[] = [];
    const recorder = new Proxy(
      {},
      {
        get: (_target, surface) => (pattern: unknown) => {
          if (surface !== 'event') return;
          if (typeof pattern !== 'string')
            throw new Error(`event route ${String(pattern)}: give it a sample type`);
          events.push(pattern);
        },
      },
    ) as ListenerRoutes;
    registerRoutes(recorder, t.bot.deps);
    expect(events.length).toBeGreaterThan(0);

    const deleting: string[] = [];
    for (const [i, type] of events.entries()) {
      const teamId = `T0EVNT${String(i).padStart(4, '0')}`;
      await installVia(t.url, t.fakeSlack, { teamId, userId: 'U0ALICE01' });
      const key = `installation:team:${teamId}`;
      const lock = await holdLock(t, teamQuery(teamId));
      // One payload with what each of Slack's event types carries (a bot token for tokens_revoked).
      const event = {
        type,
        user: 'U0ALICE01',
        channel: 'C0FAKE001',
        tab: 'home',
        tokens: { bot: ['B0FAKE001'] },
      };
      const waiters = waitersOnLock(teamId);
      try {
        expect((await t.event(event, teamId)).status).toBe(200);
        // Waiting on the lock, or done without it.
        const waitingOrDone = async () => waiters.waiting() || (await t.bot.deps.intake.drain!.idle(0));
        await until(waitingOrDone, { what: `${type} waiting on the lock or done` });
      } finally {
        waiters.stop();
      }
      expect({ type, stored: (await t.bot.deps.store.get(key)) !== undefined }).toEqual({
        type,
        stored: true,
      });
      await lock.release();
      await t.settled();
      if ((await t.bot.deps.store.get(key)) === undefined) deleting.push(type);
    }
    expect(deleting.sort()).toEqual(['app_uninstalled', 'tokens_revoked']);
  });
});
