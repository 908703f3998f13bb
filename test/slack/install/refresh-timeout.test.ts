import type { InstallationQuery } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_TIMEOUT_MS, SlackClients } from '../../../src/slack/slack-clients.js';
import { DEFAULT_LOCK_TIMINGS } from '../../../src/store/lease-lock.js';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { TestBot } from '../../harness/test-bot.js';

/**
 * A token refresh that Slack does not answer (issue #36 review): it runs under the installation's
 * lock, so it gets a time limit of its own, one attempt, and fails cleanly past it: nothing saved,
 * the lock released, and the next refresh works. The limit is shortened here (the clients are the
 * bot's own, over its installation store and lock, with a 300 ms limit) so the test stays fast.
 */
const TEAM = 'T0HUNGREF1';
const TIMEOUT_MS = 300;
/** Far longer than the limit: without one, the refresh waits this long (retries come on top). */
const SLACK_DELAY_MS = 3_000;

const t = new TestBot();
const query: InstallationQuery<false> = { teamId: TEAM, enterpriseId: undefined, isEnterpriseInstall: false };

beforeAll(async () => {
  await t.start({ env: { ...oauthEnv(t.fakeSlack), POLL_INTERVAL_SECONDS: '0' }, connections: () => [] });
});
afterAll(async () => {
  await t.stop();
});

describe('token refresh time limit', () => {
  it('a refresh Slack holds past the limit fails within it, saves nothing, frees the lock; the next one refreshes', async () => {
    // A rotating token with an hour left: its first use refreshes it.
    await installVia(t.url, t.fakeSlack, { teamId: TEAM, userId: 'U0ALICE01', expiresInSeconds: 3600 });
    const installations = t.bot.deps.slack.clients.installations!;
    const stored = (await installations.fetchInstallation(query)).bot!.token;
    const clients = new SlackClients(t.bot.deps.config, t.logs.logger, {
      installations,
      refreshTimeoutMs: TIMEOUT_MS,
    });
    const oauth = t.fakeSlack.oauth;
    const { refreshAttempts, refreshes, refusedRefreshes } = oauth;

    // Slack answers the hung refresh only after SLACK_DELAY_MS: while it has not, the request is
    // still at Slack. "Within the limit" is that order, not a measured time.
    const stillAtSlack = () => oauth.refreshes === refreshes && oauth.refusedRefreshes === refusedRefreshes;
    oauth.refreshDelayMs = SLACK_DELAY_MS;
    let hungMs: number;
    try {
      const started = performance.now();
      const client = await clients.forTeam(TEAM, 'background');
      hungMs = performance.now() - started;
      expect(stillAtSlack()).toBe(true);
      // Not refreshed: the caller goes on with the token it had.
      expect(client.token).toBe(stored);
    } finally {
      oauth.refreshDelayMs = 0;
    }
    expect({
      attempts: oauth.refreshAttempts - refreshAttempts,
      answered: oauth.refreshes - refreshes,
    }).toEqual({
      attempts: 1,
      answered: 0,
    });
    expect((await installations.fetchInstallation(query)).bot!.token).toBe(stored);

    // The lock is free at once: taken while the given-up request is still at Slack (a hung holder
    // would keep it until Slack answers, or for the lock's 60 s).
    expect(await installations.withInstallationLock(query, async () => stillAtSlack())).toBe(true);

    // The next refresh goes through (Slack has not spent the refresh token of the one given up on)
    // and is saved.
    const refreshed = await clients.forTeam(TEAM, 'background');
    expect(refreshed.token).not.toBe(stored);
    expect(refreshed.token).toMatch(/^xoxe\.xoxb-T0HUNGREF1-/);
    expect(oauth.refreshes - refreshes).toBe(1);
    expect((await installations.fetchInstallation(query)).bot!.token).toBe(refreshed.token);
    // The request given up on ends at Slack later, refused: its refresh token was spent meanwhile.
    await t.fakeSlack.waitFor(() => oauth.refusedRefreshes > refusedRefreshes, SLACK_DELAY_MS + 2_000);
    console.info(`hung refresh given up after ${hungMs.toFixed(0)} ms (limit ${TIMEOUT_MS} ms)`);
  });

  it('by default the limit is shorter than a wait for the lock, and far shorter than its longest hold', () => {
    expect(REFRESH_TIMEOUT_MS).toBeLessThan(DEFAULT_LOCK_TIMINGS.waitMs);
    expect(REFRESH_TIMEOUT_MS).toBeLessThan(DEFAULT_LOCK_TIMINGS.maxHoldMs / 4);
  });
});
