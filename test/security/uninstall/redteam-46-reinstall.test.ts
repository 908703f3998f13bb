import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { workspaceCommand } from '../../harness/workspace-command.js';
import { dropRedisKeys, replicaRedisUrl } from '../replica-redis.js';

// Issue 46 item 4 and the smaller find beside it, on Redis:
// - uninstall, then install again 300 ms later while the uninstall's deletion runs: the deletion
//   used the job it had read before the reinstall and deleted the new installation ("installation
//   saved" then "installation deleted"; every request of the workspace failed after). It now asks
//   again under the installation's lock and leaves a reinstalled installation alone.
// - a request sent within milliseconds of the uninstall's 200 was served once: the tombstone was
//   written after the acknowledgement. It is now written before it.
const storeUrl = replicaRedisUrl();
const suffix = Date.now().toString(36).toUpperCase().slice(-5);
const TEAM = `T0REIN${suffix}`;
const TEAM_FAST = `T0FAST${suffix}`;
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    env: { ...oauthEnv(t.fakeSlack), STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' },
    connections: (url) => [
      omsConnection('hw-rein', url, { team: TEAM }),
      omsConnection('hw-fast', url, { team: TEAM_FAST }),
    ],
    watcher: { clock: new TestClock() },
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.stop();
  await dropRedisKeys(storeUrl, suffix);
});

function command(text: string, responseId: string, teamId: string) {
  return workspaceCommand(t, t.fakeSlack, { text, teamId, responseId });
}

describe('an uninstall and a reinstall close together', () => {
  it('keeps the installation made while the uninstall was still deleting', async () => {
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01' });
    // The workspace's data is deleted only once the reinstall is in: it lands in the middle of it.
    const grants = t.bot.deps.access.grants;
    const forget = grants.forget.bind(grants);
    let begin!: () => void;
    const begun = new Promise<void>((resolve) => (begin = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(grants, 'forget').mockImplementation(async (teamId: string) => {
      begin();
      await released;
      return forget(teamId);
    });
    expect((await t.event({ type: 'app_uninstalled' }, TEAM)).status).toBe(200);
    await begun;
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01' });
    release();
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes('departed workspace deleted')), { timeout: 5_000 })
      .toBe(true);
    expect(await t.bot.deps.store.get(`installation:team:${TEAM}`)).toBeDefined();
    // The workspace is served with its new installation.
    expect((await command('help', 'rein-after', TEAM)).status).toBe(200);
    expect(messageText(await t.answer('rein-after'))).toMatch(/migrate/);
    expect(t.logs.lines.some((l) => l.includes('installation kept: the app was installed there again'))).toBe(
      true,
    );
    vi.mocked(grants.forget).mockRestore();
  });

  it('refuses a request sent the moment the uninstall was acknowledged', async () => {
    // Five rounds: installed (and served), uninstalled, and a command sent as soon as the 200
    // arrives, as a busy workspace's next request would be.
    for (let i = 0; i < 5; i++) {
      await installVia(t.url, t.fakeSlack, { teamId: TEAM_FAST, userId: 'U0ALICE01' });
      expect((await command('help', `fast-before-${i}`, TEAM_FAST)).status).toBe(200);
      expect(messageText(await t.answer(`fast-before-${i}`))).toMatch(/migrate/);
      expect((await t.event({ type: 'app_uninstalled' }, TEAM_FAST)).status).toBe(200);
      expect((await command('help', `fast-after-${i}`, TEAM_FAST)).status).toBe(200);
    }
    await expect
      .poll(() => t.logs.lines.some((l) => l.includes(`${TEAM_FAST}: it uninstalled the app`)))
      .toBe(true);
    await t.settled();
    for (let i = 0; i < 5; i++) expect(t.fakeSlack.responsesTo(`fast-after-${i}`)).toEqual([]);
  });
});
