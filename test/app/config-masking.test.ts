import { describe, expect, it } from 'vitest';
import { createConfig, isSecretSetting, maskSettingValues, SETTING_NAMES } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

// A password no message may contain, nor its first characters (a value shown cut short).
const PASSWORD = 'Zq7xW-pw-4412';
const SHOWN_PREFIX = PASSWORD.slice(0, 4);
const valid = { SLACK_SIGNING_SECRET: 'signing-secret-0123', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };

/**
 * Values that carry the password, in the shapes settings take. The last two are secrets by
 * themselves only in a secret setting (elsewhere such text is shown, to say what is wrong), while a
 * Slack token is one in any setting.
 */
const carriers: Record<string, string> = {
  'slack token': `xoxb-${PASSWORD}`,
  url: `https://u:${PASSWORD}@example.com/api`,
  list: `http://127.0.0.1:9101, https://u:${PASSWORD}@example.com`,
  // The allow-list quotes at most 80 characters of an entry: this one is cut inside the password.
  'cut url': `https://${'u'.repeat(66)}:${PASSWORD}@example.com`,
  'encoded url': `https://u:${encodeURIComponent(`${PASSWORD}/@`)}@example.com`,
  'secret-looking': `${PASSWORD}-not-valid-here`,
  'key ring': `k1:${PASSWORD},k2`,
};

const carriersOf = (name: string) =>
  Object.entries(carriers).filter(
    ([shape]) => isSecretSetting(name) || !['secret-looking', 'key ring'].includes(shape),
  );

function errorOf(env: Record<string, string>): string | undefined {
  try {
    createConfig(env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('no setting echoed in a start-up error shows its password', () => {
  it('the list is the schema itself: every setting the config reads', () => {
    expect(SETTING_NAMES).toContain('STORE_URL');
    expect(SETTING_NAMES).toContain('MIGRATE_BOT_ALLOWED_ENDPOINTS');
    expect(SETTING_NAMES).toContain('SLACK_SIGNING_SECRET');
    expect(SETTING_NAMES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(SETTING_NAMES)('%s: every value that carries a password is masked in the error', (name) => {
    let refused = 0;
    for (const [shape, value] of carriersOf(name)) {
      const message = errorOf({ ...valid, [name]: value });
      if (message === undefined) continue;
      refused++;
      expect(message, `${name} as ${shape}`).not.toContain(SHOWN_PREFIX);
      expect(message, `${name} as ${shape}`).toContain(name);
    }
    // Each setting refuses some of these shapes, so each is really checked; these take any text.
    if (!['HOST', 'MIGRATE_BOT_CONNECTIONS', 'SLACK_SIGNING_SECRET'].includes(name))
      expect(refused).toBeGreaterThan(0);
  });

  it('the allow-list still says which entry is wrong, with the password masked as STORE_URL shows it', () => {
    const message = errorOf({ ...valid, MIGRATE_BOT_ALLOWED_ENDPOINTS: carriers.list! });
    expect(message).toContain('"https://u:***@example.com" must be an http(s) URL');
    expect(message).not.toContain(PASSWORD);
  });

  it.each(SETTING_NAMES)(
    '%s: a check that quoted the value as given (as a setting added later might) is masked too',
    (name) => {
      for (const [shape, value] of carriersOf(name)) {
        const message = `migrate-bot cannot start: 1 setting to fix\n  - ${name} "${value}" is invalid`;
        expect(maskSettingValues(message, { [name]: value }), `${name} as ${shape}`).not.toContain(
          SHOWN_PREFIX,
        );
      }
    },
  );

  it('masks nothing else: ports, IPv6 hosts, paths and the setting names stay readable', () => {
    const text = 'PORT 3000; SLACK_API_URL http://[::1]:9101/api; STORE_URL=sqlite:///data/x.sqlite';
    expect(maskSettingValues(text, { SLACK_API_URL: 'http://[::1]:9101/api' })).toBe(text);
  });
});
