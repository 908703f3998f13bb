import type { FakeInstallGrant } from '../../dev/fake-slack/fake-oauth.js';
import type { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { generateKey } from '../../src/crypto/secret-box.js';

export const OAUTH_STATE_SECRET = 'oauth-state-secret-0123456789abcdef';

/** The settings of a bot in OAuth mode (installations from /slack/install) against `fakeSlack`. */
export function oauthEnv(fakeSlack: FakeSlack, encryptionKey = generateKey()): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: fakeSlack.oauth.clientId,
    SLACK_CLIENT_SECRET: fakeSlack.oauth.clientSecret,
    SLACK_STATE_SECRET: OAUTH_STATE_SECRET,
    MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${encryptionKey}`,
  };
}

/** What the browser holds after `/slack/install`: the `state` of the authorize URL and its cookie. */
export interface InstallStart {
  state: string;
  cookie: string;
}

/** Opens `/slack/install` as a browser would: the state Slack will hand back, and the cookie set with it. */
export async function startInstall(botUrl: string): Promise<InstallStart> {
  const page = await fetch(`${botUrl}/slack/install`);
  if (page.status !== 200) throw new Error(`/slack/install answered HTTP ${page.status}`);
  const html = await page.text();
  const href = /href="([^"]+oauth\/v2\/authorize[^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error('/slack/install has no authorize link');
  const state = new URL(href.replaceAll('&amp;', '&')).searchParams.get('state') ?? '';
  return { state, cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

/** Slack's redirect back to the bot after consent, with `code` and the browser's state cookie. */
export async function finishInstall(botUrl: string, start: InstallStart, code: string) {
  const redirect = await fetch(
    `${botUrl}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(start.state)}`,
    { headers: { cookie: start.cookie }, redirect: 'manual' },
  );
  return { status: redirect.status, html: await redirect.text() };
}

/** The whole browser part of an install: /slack/install, Slack's consent (a code), the redirect. */
export async function installVia(botUrl: string, fakeSlack: FakeSlack, grant: FakeInstallGrant) {
  const start = await startInstall(botUrl);
  const result = await finishInstall(botUrl, start, fakeSlack.oauth.grant(grant));
  if (result.status !== 200) throw new Error(`install of ${grant.teamId} answered HTTP ${result.status}`);
  return result;
}
