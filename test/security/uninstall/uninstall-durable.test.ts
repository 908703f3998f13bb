import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { eventBody, JSON_TYPE, postSigned } from '../../harness/slack-requests.js';
import { messageText, omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { workspaceCommand } from '../../harness/workspace-command.js';

// Issue 36 item 3 / issue 40 §5, as the red team found them broken (redteam36 F-uninstall,
// F-orguninstall): an `app_uninstalled` whose handler could not take the installation's lock (slow
// refreshes, a replica that died holding it) or met a store error deleted nothing, for good: the
// event was acknowledged and Slack's redelivery is dropped as a duplicate. And an org-wide
// uninstall kept every workspace's data and watches. Now (ADR 0010) the uninstall writes a tombstone
// at once (no lock: every request and refresh is refused from then on), deletes the data without
// the lock, and leaves what failed as a pending job that a sweep retries (before every watcher
// cycle, at start-up) until done. All through signed requests, the fake Slack and the watcher's clock.

const TEAM = 'T0DURABL01';
const TEAM_FAIL = 'T0DURABL02';
const TEAM_DOWN = 'T0DURABL03';
const TEAM_BACK = 'T0DURABL04';
const ORG = 'E0DURORG01';
const ORG_WS = 'T0DURORGW1';
const clock = new TestClock();
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    env: { ...oauthEnv(t.fakeSlack), POLL_INTERVAL_SECONDS: '0' },
    connections: (url) => [
      omsConnection('hw-durable', url, { team: TEAM }),
      omsConnection('hw-fail', url, { team: TEAM_FAIL }),
      omsConnection('hw-down', url, { team: TEAM_DOWN }),
      omsConnection('hw-back', url, { team: TEAM_BACK }),
      omsConnection('hw-org', url, { team: ORG_WS }),
    ],
    watcher: { clock },
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.stop();
});

function command(text: string, responseId: string, teamId: string, org?: string) {
  return workspaceCommand(t, t.fakeSlack, { text, teamId, responseId, org });
}

function orgEvent(event: Record<string, unknown>) {
  const body = JSON.stringify({
    ...JSON.parse(eventBody(ORG_WS, event)),
    enterprise_id: ORG,
    is_enterprise_install: true,
    authorizations: [
      { enterprise_id: ORG, team_id: ORG_WS, user_id: 'U0BOT0001', is_enterprise_install: true },
    ],
  });
  return postSigned(t.eventsUrl, SIGNING_SECRET, body, JSON_TYPE);
}

async function grantAndWatch(teamId: string, prefix: string, connection: string, org?: string) {
  expect((await command('access grant <@U0OPER001> operator', `${prefix}-1`, teamId, org)).status).toBe(200);
  expect(messageText(await t.answer(`${prefix}-1`))).toContain('now operator');
  const task = t.oms.addTask({ name: `${prefix}-task`, status: 2 });
  expect((await command(`watch ${connection}:${task.id}`, `${prefix}-2`, teamId, org)).status).toBe(200);
  expect(messageText(await t.answer(`${prefix}-2`))).toContain('Watching');
}

const dataOf = async (teamId: string) => ({
  grants: (await t.bot.deps.access.grants.list(teamId)).length,
  watches: (await t.bot.deps.watcher.list(teamId)).length,
});

/**
 * The installation's lock, held as a token refresh stuck on a slow Slack holds it (or a replica that
 * died mid-refresh: its lease outlives the 10 s an uninstall waits), until `release`.
 */
async function refreshHolds(teamId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let taken!: () => void;
  const holding = new Promise<void>((resolve) => (taken = resolve));
  const query = { teamId, enterpriseId: undefined, isEnterpriseInstall: false };
  const done = t.bot.deps.slack.clients.installations!.withInstallationLock(query, async () => {
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

describe('app_uninstalled is never lost', () => {
  it("the installation's lock held by a stuck refresh: data goes at once, requests are refused, the installation follows", async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM, 'dur', 'hw-durable');
    const held = await refreshHolds(TEAM);
    expect((await t.event({ type: 'app_uninstalled' }, TEAM)).status).toBe(200);

    // Before: nothing until the 10 s lock wait ran out, then nothing ever.
    await expect.poll(() => dataOf(TEAM), { timeout: 3_000 }).toEqual({ grants: 0, watches: 0 });
    await expect(t.bot.deps.slack.clients.forTeam(TEAM, 'background')).rejects.toThrow(/uninstalled the app/);
    expect((await command('help', 'dur-after', TEAM)).status).toBe(200);
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes(`workspace ${TEAM}: it uninstalled the app`)))
      .toBe(true);
    expect(t.fakeSlack.responsesTo('dur-after')).toEqual([]);

    // The lock is free again: the installation (its tokens) is deleted too.
    await held.release();
    clock.advance(3_600_000);
    await t.bot.deps.watcher.runCycle();
    expect(await t.bot.deps.store.get(`installation:team:${TEAM}`)).toBeUndefined();
    expect(await t.bot.deps.slack.departures!.sweep()).toBe(0);

    // Installing the app again clears the tombstone.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01' });
    expect((await command('help', 'dur-back', TEAM)).status).toBe(200);
    expect(messageText(await t.answer('dur-back'))).toBeTruthy();
  });

  it('a store error during the deletion: retried by the sweep after its backoff, not before', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_FAIL, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_FAIL, 'fail', 'hw-fail');
    const grants = t.bot.deps.access.grants;
    const forget = vi.spyOn(grants, 'forget').mockRejectedValueOnce(new Error('store unavailable'));
    // Its watches' deletion fails too, in both of the deletion's passes.
    vi.spyOn(t.bot.deps.watcher.store, 'watchKeys')
      .mockRejectedValueOnce(new Error('store unavailable'))
      .mockRejectedValueOnce(new Error('store unavailable'));
    expect((await t.event({ type: 'app_uninstalled' }, TEAM_FAIL)).status).toBe(200);
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes('could not finish deleting a departed workspace')))
      .toBe(true);
    expect(forget).toHaveBeenCalledTimes(1);
    // The tombstone holds meanwhile: no token for the workspace, and no cycle polls it.
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_FAIL)).rejects.toThrow(/uninstalled the app/);
    expect(await dataOf(TEAM_FAIL)).toEqual({ grants: 1, watches: 1 });

    // The job is not due yet, but the cycle first takes its watches away: its provider is not asked.
    t.oms.server.resetRequestCount();
    await t.bot.deps.watcher.runCycle();
    expect(t.oms.server.requestCount).toBe(0);
    expect(forget).toHaveBeenCalledTimes(1);
    expect(await dataOf(TEAM_FAIL)).toEqual({ grants: 1, watches: 0 });

    clock.advance(31_000);
    await t.bot.deps.watcher.runCycle();
    expect(await dataOf(TEAM_FAIL)).toEqual({ grants: 0, watches: 0 });
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_FAIL}`)).toBeUndefined();
  });
});

describe('an org-wide (Enterprise Grid) uninstall', () => {
  it("forgets every workspace the org's install served, and the watcher stops polling them", async () => {
    await installVia(t.url, t.fakeSlack, {
      teamId: ORG_WS,
      enterpriseId: ORG,
      isEnterpriseInstall: true,
      userId: 'U0ALICE01',
    });
    await grantAndWatch(ORG_WS, 'org', 'hw-org', ORG);
    expect(await dataOf(ORG_WS)).toEqual({ grants: 1, watches: 1 });

    expect((await orgEvent({ type: 'app_uninstalled' })).status).toBe(200);
    await expect.poll(() => dataOf(ORG_WS), { timeout: 3_000 }).toEqual({ grants: 0, watches: 0 });
    expect(await t.bot.deps.store.get(`installation:enterprise:${ORG}`)).toBeUndefined();
    t.oms.server.resetRequestCount();
    for (let i = 0; i < 2; i++) await t.bot.deps.watcher.runCycle();
    expect(t.oms.server.requestCount).toBe(0);
    await expect(t.bot.deps.slack.clients.forTeam(ORG_WS, 'background', ORG)).rejects.toThrow(
      /uninstalled the app/,
    );
  });
});

describe('app_uninstalled while the store refuses its first write', () => {
  it('is kept by the process and recorded at the next sweep: tombstone, data and installation', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_DOWN, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_DOWN, 'down', 'hw-down');
    const departures = t.bot.deps.slack.departures!;
    // Refused twice: the tombstone written before the ack, and the uninstall's own write.
    const mark = vi
      .spyOn(departures.marks, 'mark')
      .mockRejectedValueOnce(new Error('store unavailable'))
      .mockRejectedValueOnce(new Error('store unavailable'));
    expect((await t.event({ type: 'app_uninstalled' }, TEAM_DOWN)).status).toBe(200);
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes('could not record app_uninstalled')))
      .toBe(true);
    // Nothing was written: the workspace is as it was (Slack will not send the event again).
    expect(await departures.marks.departed({ teamId: TEAM_DOWN })).toBe(false);
    expect(await dataOf(TEAM_DOWN)).toEqual({ grants: 1, watches: 1 });

    // The store answers again: the next cycle's sweep writes the uninstall and carries it out,
    // before the cycle polls anything for the workspace.
    t.oms.server.resetRequestCount();
    await t.bot.deps.watcher.runCycle();
    expect(mark).toHaveBeenCalledTimes(3);
    expect(t.oms.server.requestCount).toBe(0);
    expect(await departures.marks.departed({ teamId: TEAM_DOWN })).toBe(true);
    expect(await dataOf(TEAM_DOWN)).toEqual({ grants: 0, watches: 0 });
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_DOWN}`)).toBeUndefined();
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_DOWN)).rejects.toThrow(/uninstalled the app/);
    expect(await departures.sweep()).toBe(0);
  });

  it('is dropped when the app was installed there again before the sweep: the new install stays', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_BACK, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_BACK, 'back', 'hw-back');
    const departures = t.bot.deps.slack.departures!;
    vi.spyOn(departures.marks, 'mark')
      .mockRejectedValueOnce(new Error('store unavailable'))
      .mockRejectedValueOnce(new Error('store unavailable'));
    expect((await t.event({ type: 'app_uninstalled' }, TEAM_BACK)).status).toBe(200);
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes('could not record app_uninstalled')))
      .toBe(true);
    // The store is back and someone installs the app again (on any replica) before the next cycle.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_BACK, userId: 'U0ALICE01' });

    await t.bot.deps.watcher.runCycle();
    expect(await departures.marks.departed({ teamId: TEAM_BACK })).toBe(false);
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_BACK}`)).toBeDefined();
    await expect(t.bot.deps.slack.clients.forTeam(TEAM_BACK)).resolves.toBeDefined();
    expect(await dataOf(TEAM_BACK)).toEqual({ grants: 1, watches: 1 });
    expect(t.logs.lines.some((l) => l.includes('the app was installed there again'))).toBe(true);
  });
});
