import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { workspaceCommand } from '../../harness/workspace-command.js';

// redteam36 F-lostrefresh: Slack carried out a token refresh but the bot never got its answer (it
// came after the bot's 8 s; Slack's token rotation has then revoked the refresh token the bot still
// stores). Every later refresh is refused: before, each request tried again and Bolt logged the
// refusal without the workspace, forever, and nothing said what to do. Now the installation is
// marked as needing a new install, one error names the workspace and the fix, no refresh is tried
// again, the stored token serves until it expires, and installing the app again clears the mark.
const TEAM = 'T0LOSTREF1';
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { ...oauthEnv(t.fakeSlack), POLL_INTERVAL_SECONDS: '0' }, connections: () => [] });
});
afterAll(async () => {
  await t.stop();
});

function help(responseId: string) {
  return workspaceCommand(t, t.fakeSlack, { text: 'help', teamId: TEAM, responseId });
}

const reinstallErrors = () =>
  t.logs.lines.filter(
    (l) => /"level":"error"/.test(l) && l.includes(TEAM) && l.includes('install the app again'),
  );

const errorsWithout = (team: string) =>
  t.logs.lines.filter((l) => /"level":"error"/.test(l) && !l.includes(team));

describe('a refresh Slack carried out whose answer the bot lost', () => {
  it('is said once, with the workspace and the fix; no refresh is tried again until a new install', async () => {
    // A rotating token with an hour left: every request refreshes it (within 2 h, as @slack/oauth).
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01', expiresInSeconds: 3600 });
    const oauth = t.fakeSlack.oauth;
    const arriving = oauth.arriving.bind(oauth);
    let lose = true;
    // Slack spends the refresh token; its answer never reaches the bot (what the bot then holds is
    // a revoked refresh token, which is what a timed-out refresh leaves), so the next call is refused.
    oauth.arriving = async (body: Record<string, unknown>) => {
      await arriving(body);
      if (body.grant_type === 'refresh_token' && lose) {
        lose = false;
        oauth.access(body);
      }
    };
    const refused = oauth.refusedRefreshes;
    expect((await help('lost-1')).status).toBe(200);
    expect(messageText(await t.answer('lost-1'))).toBeTruthy();
    expect(oauth.refusedRefreshes - refused).toBe(1);
    expect(reinstallErrors()).toHaveLength(1);
    // Learned from the refresh call's own answer: no error line of its own, without the workspace.
    expect(errorsWithout(TEAM)).toEqual([]);

    // Later requests: answered with the stored token while it lasts, no refresh, nothing logged again.
    const attempts = oauth.refreshAttempts;
    for (const id of ['lost-2', 'lost-3']) {
      expect((await help(id)).status).toBe(200);
      expect(messageText(await t.answer(id))).toBeTruthy();
    }
    await t.bot.deps.slack.clients.forTeam(TEAM, 'background');
    expect(oauth.refreshAttempts - attempts).toBe(0);
    expect(reinstallErrors()).toHaveLength(1);

    // Installed again: a refresh token of its own, refreshed as usual.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01', expiresInSeconds: 3600 });
    const refreshes = oauth.refreshes;
    expect((await help('lost-4')).status).toBe(200);
    expect(messageText(await t.answer('lost-4'))).toBeTruthy();
    expect(oauth.refreshes - refreshes).toBe(1);
  });

  it('once its token expired too: refused with the fix, still without a refresh', async () => {
    const installations = t.bot.deps.slack.clients.installations!;
    const query = { teamId: TEAM, enterpriseId: undefined, isEnterpriseInstall: false };
    expect(await installations.markNeedsReinstall(query)).toBe(true);
    const installation = await installations.fetchInstallation(query);
    installation.bot!.expiresAt = Math.floor(Date.now() / 1000) - 1;
    await installations.storeInstallation({ ...installation });
    // A fresh save (not a refresh) clears the mark: set it again over the expired token.
    await installations.markNeedsReinstall(query);
    const attempts = t.fakeSlack.oauth.refreshAttempts;
    await expect(t.bot.deps.slack.clients.forTeam(TEAM, 'background')).rejects.toThrow(
      /install the app again/,
    );
    expect(t.fakeSlack.oauth.refreshAttempts - attempts).toBe(0);
  });
});
