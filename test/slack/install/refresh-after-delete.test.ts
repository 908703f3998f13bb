import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { omsConnection, TestBot } from '../../harness/test-bot.js';

/**
 * Issue #36, item 3, last rule: "a refresh never saves an installation that was deleted meanwhile".
 * The lock already keeps a delete from landing inside a refresh on any path the app has
 * (test/slack/install/token-lock.test.ts). This checks the second guard on its own: if a delete lands
 * anyway (here written to the store directly, as a lease lost to a paused process would allow), the
 * refresh saves only over the record it read, so the installation stays deleted.
 */
const TEAM = 'T0RDELETE1';
const KEY = `installation:team:${TEAM}`;
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    env: oauthEnv(t.fakeSlack),
    connections: (url) => [omsConnection('hw-delete', url, { team: TEAM })],
  });
});
afterAll(async () => {
  await t.stop();
});

describe('a refresh that ends after its installation was deleted', () => {
  it('does not save it again: the installation stays deleted, and the refresh fails', async () => {
    // A rotating token with an hour left: refreshed at its first use.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01', expiresInSeconds: 3600 });
    expect(await t.bot.deps.store.get(KEY)).toBeDefined();
    t.fakeSlack.oauth.refreshDelayMs = 500;
    const attempts = t.fakeSlack.oauth.refreshAttempts;
    const refreshed = t.fakeSlack.oauth.refreshes;
    try {
      const background = t.bot.deps.slack.clients.forTeam(TEAM, 'background');
      background.catch(() => undefined);
      await t.fakeSlack.waitFor(() => (t.fakeSlack.oauth.refreshAttempts > attempts ? true : undefined));
      // The delete lands while Slack holds the refresh, past the lock.
      await t.bot.deps.store.delete(KEY);
      await expect(background).rejects.toThrow(/removed or installed again/);
      expect(t.fakeSlack.oauth.refreshes - refreshed).toBe(1);
    } finally {
      t.fakeSlack.oauth.refreshDelayMs = 0;
    }
    expect(await t.bot.deps.store.get(KEY)).toBeUndefined();
    await expect(t.bot.deps.slack.clients.forTeam(TEAM)).rejects.toThrow(/No installation/);
  });

  it('the save handed to work under the lock saves nothing once that work ended', async () => {
    const team = 'T0RLATESV1';
    await installVia(t.url, t.fakeSlack, { teamId: team, userId: 'U0ALICE01' });
    const installations = t.bot.deps.slack.clients.installations!;
    const query = { teamId: team, enterpriseId: undefined, isEnterpriseInstall: false };
    let late!: Parameters<Parameters<typeof installations.withInstallationLock>[1]>[0];
    await installations.withInstallationLock(query, async (save) => {
      late = save;
    });
    const installation = await installations.fetchInstallation(query);
    installation.bot!.token = 'xoxb-saved-too-late';
    await expect(late(installation)).rejects.toThrow(/outside its lock/);
    expect((await installations.fetchInstallation(query)).bot!.token).not.toBe('xoxb-saved-too-late');
  });
});
