import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Red team (redteam-uninstall) on 37e99ab/8e8b65f: an app_uninstalled the store refused is kept in
// memory and recorded at the next sweep unless the app was installed there again after the
// uninstall arrived. Found broken: a token refresh counted as an install (`savedAt`), the arrival
// taken only once the refused write gave up, and a second uninstall keeping the first one's time.
// Now `installedAt` (kept by refreshes) is compared with the event's arrival, reset by each event.
// Left as written in ADR 0010: the comparison trusts the replicas' clocks to agree (NTP).

const TEAM_REFRESH = 'T0RTKEPT01';
const TEAM_AGAIN = 'T0RTKEPT03';
const TEAM_THROW = 'T0RTKEPT04';
const TEAM_SLOW = 'T0RTKEPT05';
const clock = new TestClock();
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    env: { ...oauthEnv(t.fakeSlack), POLL_INTERVAL_SECONDS: '0' },
    connections: (url) => [
      omsConnection('rt-refresh', url, { team: TEAM_REFRESH }),
      omsConnection('rt-again', url, { team: TEAM_AGAIN }),
      omsConnection('rt-throw', url, { team: TEAM_THROW }),
      omsConnection('rt-slow', url, { team: TEAM_SLOW }),
    ],
    watcher: { clock },
  });
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await t.stop();
});

async function grantAndWatch(teamId: string, connection: string) {
  const who = { teamId, userId: 'U0ALICE01' };
  expect(messageText(await t.ask('access grant <@U0OPER001> operator', who))).toContain('now operator');
  const task = t.oms.addTask({ name: `${connection}-task`, status: 2 });
  expect(messageText(await t.ask(`watch ${connection}:${task.id}`, who))).toContain('Watching');
}

const dataOf = async (teamId: string) => ({
  grants: (await t.bot.deps.access.grants.list(teamId)).length,
  watches: (await t.bot.deps.watcher.list(teamId)).length,
});

/** The system clock has moved past every `Date.now()` read so far (a 1 ms spin, no timer). */
function pastNow(): void {
  const now = Date.now();
  while (Date.now() <= now) {
    /* spin */
  }
}

/** app_uninstalled for `teamId` while the store refuses the tombstone's write: kept in memory. */
async function uninstallRefused(teamId: string): Promise<void> {
  const logged = t.logs.lines.filter((l) => l.includes('could not record app_uninstalled')).length;
  // Refused twice: the tombstone written before the ack, and the uninstall's own write.
  vi.spyOn(t.bot.deps.slack.departures!.marks, 'mark')
    .mockRejectedValueOnce(new Error('store unavailable'))
    .mockRejectedValueOnce(new Error('store unavailable'));
  expect((await t.event({ type: 'app_uninstalled' }, teamId)).status).toBe(200);
  await expect
    .poll(() => t.logs.lines.filter((l) => l.includes('could not record app_uninstalled')).length)
    .toBe(logged + 1);
}

describe('a kept app_uninstalled (redteam-uninstall)', () => {
  it('is not dropped by a token refresh saved after it arrived (Slack answered the refresh before the uninstall)', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_REFRESH, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_REFRESH, 'rt-refresh');
    const installations = t.bot.deps.slack.clients.installations!;
    const query = { teamId: TEAM_REFRESH, enterpriseId: undefined, isEnterpriseInstall: false };
    // A refresh on another replica: Slack answered it just before the uninstall, it is saved just after.
    const refreshing = await installations.fetchInstallation(query);
    await uninstallRefused(TEAM_REFRESH);
    pastNow();
    await installations.storeInstallation(refreshing);

    await t.bot.deps.watcher.runCycle();
    // Nobody installed the app again: the uninstall must be carried out.
    expect(t.logs.lines.some((l) => l.includes('the app was installed there again'))).toBe(false);
    expect(await t.bot.deps.slack.departures!.marks.departed({ teamId: TEAM_REFRESH })).toBe(true);
    expect(await dataOf(TEAM_REFRESH)).toEqual({ grants: 0, watches: 0 });
  });

  it('does not destroy a reinstall saved while the refused write was still waiting for the store', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_SLOW, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_SLOW, 'rt-slow');
    // The tombstone's write hangs until the store's timeout, then fails (one clock, no skew).
    let timeOut!: () => void;
    const timedOut = new Promise<void>((resolve) => (timeOut = resolve));
    // Both writes hang: the tombstone before the ack (which goes out after its bounded wait) and
    // the uninstall's own.
    const hang = async () => {
      await timedOut;
      throw new Error('store timeout');
    };
    const mark = vi
      .spyOn(t.bot.deps.slack.departures!.marks, 'mark')
      .mockImplementationOnce(hang)
      .mockImplementationOnce(hang);
    expect((await t.event({ type: 'app_uninstalled' }, TEAM_SLOW)).status).toBe(200);
    await expect.poll(() => mark.mock.calls.length).toBe(2);
    // Meanwhile the admin installs the app again (the OAuth callback on a replica whose store answers).
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_SLOW, userId: 'U0ALICE01' });
    pastNow();
    timeOut();
    await expect
      .poll(() =>
        t.logs.lines.some((l) => l.includes('could not record app_uninstalled') && l.includes(TEAM_SLOW)),
      )
      .toBe(true);

    await t.bot.deps.watcher.runCycle();
    expect(await t.bot.deps.slack.departures!.marks.departed({ teamId: TEAM_SLOW })).toBe(false);
    expect(await t.bot.deps.store.get(`installation:team:${TEAM_SLOW}`)).toBeDefined();
  });

  it('a second uninstall after a reinstall is not dropped because of the first one', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_AGAIN, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_AGAIN, 'rt-again');
    await uninstallRefused(TEAM_AGAIN);
    pastNow();
    // Installed again, then uninstalled again, all before this process's next watcher cycle.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_AGAIN, userId: 'U0ALICE01' });
    pastNow();
    await uninstallRefused(TEAM_AGAIN);

    await t.bot.deps.watcher.runCycle();
    expect(await t.bot.deps.slack.departures!.marks.departed({ teamId: TEAM_AGAIN })).toBe(true);
    expect(await dataOf(TEAM_AGAIN)).toEqual({ grants: 0, watches: 0 });
  });

  it('installedSince failing keeps the uninstall (the cycle runs on) and the next sweep records it', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM_THROW, userId: 'U0ALICE01' });
    await grantAndWatch(TEAM_THROW, 'rt-throw');
    await uninstallRefused(TEAM_THROW);
    const installations = t.bot.deps.slack.clients.installations!;
    const since = vi
      .spyOn(installations, 'installedSince')
      .mockRejectedValueOnce(new Error('store unavailable'));

    await t.bot.deps.watcher.runCycle();
    expect(since).toHaveBeenCalledTimes(1);
    expect(await t.bot.deps.slack.departures!.marks.departed({ teamId: TEAM_THROW })).toBe(false);
    expect(t.logs.lines.some((l) => l.includes('could not record app_uninstalled yet'))).toBe(true);

    await t.bot.deps.watcher.runCycle();
    expect(await t.bot.deps.slack.departures!.marks.departed({ teamId: TEAM_THROW })).toBe(true);
    expect(await dataOf(TEAM_THROW)).toEqual({ grants: 0, watches: 0 });
    expect(await t.bot.deps.slack.departures!.sweep()).toBe(0);
  });
});
