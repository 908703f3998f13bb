import { describe, expect, it } from 'vitest';
import { createConfig, maskSettingValues } from '../../src/config.js';
import { withoutPassword } from '../../src/store/open-bot-store.js';

/**
 * Issue #36, item 5 (cases found by redteam36): a password its operator did not percent-encode
 * (`/`, `#`, `?`, a space, a quote or a comma in it) makes the URL invalid, which is exactly when a
 * start-up error quotes it; a token given as the user name parses with no password. Neither may be
 * shown.
 */
const valid = { SLACK_SIGNING_SECRET: 'signing-secret-0123', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };
const PW = 'Zq7xWpw4412';

function errorOf(env: Record<string, string>): string {
  try {
    createConfig({ ...valid, ...env });
    return '(started)';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a start-up error about a setting never shows a password the URL parser could not find', () => {
  it.each([
    ['allow-list, password with /', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW}/x@example.com`],
    ['allow-list, password with #', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW}#x@example.com`],
    ['allow-list, password with ?', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW}?x@example.com`],
    ['allow-list, password with space', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW} x@example.com`],
    ['allow-list, password with quote', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW}"x@example.com`],
    ['allow-list, password with comma', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://u:${PW},x@example.com`],
    ['Slack API URL, password with #', 'SLACK_API_URL', `https://u:${PW}#x@slack.example/api/`],
    ['allow-list, token as user name', 'MIGRATE_BOT_ALLOWED_ENDPOINTS', `https://${PW}@example.com`],
  ])('%s', (_name, setting, value) => {
    const message = errorOf({ [setting]: value });
    expect(message).not.toBe('(started)');
    expect(message, message).not.toContain(PW.slice(0, 6));
  });

  it.each([
    ['/', `redis://default:${PW}/x@redis:6379`],
    ['#', `redis://default:${PW}#x@redis:6379`],
    ['?', `redis://default:${PW}?x@redis:6379`],
    ['a token as user name', `rediss://${PW}@redis:6379`],
  ])('STORE_URL with %s, as main.ts prints a store error', (_c, url) => {
    const text = `migrate-bot cannot start: the store at STORE_URL=${withoutPassword(url)} could not be reached: Invalid URL`;
    const printed = maskSettingValues(text, { ...valid, STORE_URL: url });
    expect(printed, printed).not.toContain(PW.slice(0, 6));
    expect(printed).toContain('STORE_URL=');
  });

  it('leaves a URL with no user info as it is, an @ in its path included', () => {
    const text = 'SLACK_API_URL "http://127.0.0.1:9101/a@b/api/" is wrong; PORT 3000; default 5000';
    expect(maskSettingValues(text, { SLACK_API_URL: 'http://127.0.0.1:9101/a@b/api/' })).toBe(text);
  });
});
