import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createConfig, FILE_SETTINGS, SETTING_FILE_NAMES, SETTING_NAMES } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

/**
 * Issue 40: secrets as mounted files (`<NAME>_FILE`), the operations port (METRICS_PORT) and the
 * drain settings (SHUTDOWN_DELAY_SECONDS, DRAIN_TIMEOUT_SECONDS).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'mb-config-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function secretFile(content: string): string {
  const file = path.join(dir, `secret-${++files}`);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

const valid = { SLACK_SIGNING_SECRET: 'signing-secret-value', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };
const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

function problemsOf(env: Record<string, string | undefined>): string {
  try {
    createConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('createConfig accepted the settings');
}

describe('secret settings read from files (<NAME>_FILE)', () => {
  it('exist for every secret setting, STORE_URL and the Redis TLS files, and only for them', () => {
    expect([...FILE_SETTINGS].sort()).toEqual(
      [
        'MIGRATE_BOT_ENCRYPTION_KEYS',
        'MIGRATE_BOT_EVIDENCE_KEYS',
        'SLACK_APP_TOKEN',
        'SLACK_BOT_TOKEN',
        'SLACK_CLIENT_SECRET',
        'SLACK_SIGNING_SECRET',
        'SLACK_STATE_SECRET',
        'STORE_URL',
        'STORE_TLS_CA',
        'STORE_TLS_CERT',
        'STORE_TLS_KEY',
      ].sort(),
    );
    expect(SETTING_FILE_NAMES).toEqual(FILE_SETTINGS.map((name) => `${name}_FILE`));
    for (const name of SETTING_FILE_NAMES) expect(SETTING_NAMES).not.toContain(name);
  });

  it('take the file content as the value, without the line end', () => {
    const config = createConfig({
      SLACK_SIGNING_SECRET_FILE: secretFile('from-a-file-signing\n'),
      SLACK_BOT_TOKEN_FILE: secretFile('xoxb-from-a-file\r\n'),
      SLACK_APP_TOKEN_FILE: secretFile('xapp-from-a-file'),
      MIGRATE_BOT_ENCRYPTION_KEYS_FILE: secretFile(`${KEY}\n`),
      STORE_URL_FILE: secretFile('redis://:pw-from-a-file@127.0.0.1:6379\n'),
    });
    expect(config.slack.signingSecret).toBe('from-a-file-signing');
    expect(config.slack.botToken).toBe('xoxb-from-a-file');
    expect(config.slack.appToken).toBe('xapp-from-a-file');
    expect(config.encryptionKeys).toBe(KEY);
    expect(config.storeUrl).toBe('redis://:pw-from-a-file@127.0.0.1:6379');
  });

  it('serve the OAuth settings too', () => {
    const config = createConfig({
      SLACK_SIGNING_SECRET: 'x',
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET_FILE: secretFile('client-secret-from-file\n'),
      SLACK_STATE_SECRET_FILE: secretFile('state-secret-from-a-file-0123456789\n'),
      MIGRATE_BOT_ENCRYPTION_KEYS_FILE: secretFile(KEY),
    });
    expect(config.slack.oauth).toMatchObject({
      clientSecret: 'client-secret-from-file',
      stateSecret: 'state-secret-from-a-file-0123456789',
    });
  });

  it('refuse a setting given both ways, naming both and showing neither value', () => {
    const message = problemsOf({
      ...valid,
      SLACK_BOT_TOKEN_FILE: secretFile('xoxb-the-other-one-in-a-file'),
    });
    expect(message).toContain('1 setting to fix');
    expect(message).toContain('SLACK_BOT_TOKEN_FILE and SLACK_BOT_TOKEN are both set: set only one of them');
    expect(message).not.toContain('xoxb-1-2-3');
    expect(message).not.toContain('the-other-one');
  });

  it('name a file that cannot be read or is empty, once, without repeating it as "required"', () => {
    const missing = path.join(dir, 'no-such-file');
    const message = problemsOf({
      SLACK_SIGNING_SECRET_FILE: missing,
      SLACK_BOT_TOKEN_FILE: secretFile('\n'),
    });
    expect(message).toContain(`SLACK_SIGNING_SECRET_FILE cannot be read: ${missing} (ENOENT)`);
    expect(message).toContain('SLACK_BOT_TOKEN_FILE names an empty file');
    expect(message).not.toMatch(/SLACK_SIGNING_SECRET (is required|must)/);
  });

  it('are masked in start-up errors like the same values given directly', () => {
    const message = problemsOf({
      SLACK_SIGNING_SECRET_FILE: secretFile('masked-signing-secret-from-file'),
      // Not a bot token: the check quotes nothing, and the value from the file appears nowhere.
      SLACK_BOT_TOKEN_FILE: secretFile('masked-signing-secret-from-file-as-token'),
    });
    expect(message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(message).not.toContain('masked-signing-secret-from-file');
  });
});

describe('the operations port and the drain settings', () => {
  it('default to 9090, a 5 s delay and a 40 s drain', () => {
    const config = createConfig(valid);
    expect(config.http.metricsPort).toBe(9090);
    expect(config.shutdown).toEqual({ delaySeconds: 5, drainTimeoutSeconds: 40 });
  });

  it('take any free operations port with PORT=0 (tests side by side), or the one given', () => {
    expect(createConfig({ ...valid, PORT: '0' }).http.metricsPort).toBe(0);
    expect(createConfig({ ...valid, PORT: '0', METRICS_PORT: '9100' }).http.metricsPort).toBe(9100);
    expect(createConfig({ ...valid, METRICS_PORT: '9100' }).http.metricsPort).toBe(9100);
    expect(
      createConfig({ ...valid, SHUTDOWN_DELAY_SECONDS: '0.5', DRAIN_TIMEOUT_SECONDS: '3' }).shutdown,
    ).toEqual({ delaySeconds: 0.5, drainTimeoutSeconds: 3 });
  });

  it('refuse METRICS_PORT equal to PORT, and a delay not below the drain timeout', () => {
    const message = problemsOf({
      ...valid,
      PORT: '3000',
      METRICS_PORT: '3000',
      SHUTDOWN_DELAY_SECONDS: '10',
      DRAIN_TIMEOUT_SECONDS: '10',
    });
    expect(message).toContain('2 settings to fix');
    expect(message).toContain('METRICS_PORT must differ from PORT (3000)');
    expect(message).toContain('SHUTDOWN_DELAY_SECONDS (10) must be less than DRAIN_TIMEOUT_SECONDS (10)');
    expect(problemsOf({ ...valid, METRICS_PORT: 'x', DRAIN_TIMEOUT_SECONDS: '0' })).toMatch(
      /METRICS_PORT must be a port number[\s\S]*DRAIN_TIMEOUT_SECONDS must be at least 1 seconds/,
    );
  });
});
