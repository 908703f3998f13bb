import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const valid = { SLACK_SIGNING_SECRET: 'shhh', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };

describe('createConfig', () => {
  it('applies defaults: HTTP mode, port 3000, Slack API, SQLite under ./data', () => {
    const config = createConfig(valid);
    expect(config.slack.mode).toBe('http');
    expect(config.http.port).toBe(3000);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.storeUrl).toMatch(/^sqlite:\/\/.*data\/migrate-bot\.sqlite$/);
    expect(config.logLevel).toBe('info');
  });

  it('switches to Socket Mode when an app token is set', () => {
    expect(createConfig({ ...valid, SLACK_APP_TOKEN: 'xapp-1-abc' }).slack.mode).toBe('socket');
  });

  it('adds the trailing slash Bolt expects on SLACK_API_URL', () => {
    expect(createConfig({ ...valid, SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack.apiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
  });

  it('lists every problem at once with how to fix it', () => {
    let error: unknown;
    try {
      createConfig({
        SLACK_BOT_TOKEN: 'not-a-token',
        PORT: 'eighty',
        STORE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('5 settings to fix');
    expect(message).toContain(
      'SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret)',
    );
    expect(message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(message).toContain('PORT');
    expect(message).toContain('STORE_URL must be sqlite://<path>, redis://host:port or memory://');
    expect(message).toContain('LOG_LEVEL');
  });

  it('writes watch records compact unless WATCH_RECORD_FORMAT=plain (for a rolling upgrade); anything else is refused', () => {
    expect(createConfig(valid).watcher.recordFormat).toBe('compact');
    expect(createConfig({ ...valid, WATCH_RECORD_FORMAT: 'plain' }).watcher.recordFormat).toBe('plain');
    expect(() => createConfig({ ...valid, WATCH_RECORD_FORMAT: 'json' })).toThrow(
      'WATCH_RECORD_FORMAT must be compact or plain',
    );
  });

  it('treats empty strings as unset', () => {
    expect(createConfig({ ...valid, SLACK_APP_TOKEN: '', PORT: '' }).slack.mode).toBe('http');
  });

  describe('Slack authentication: one bot token, or OAuth for many workspaces', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const oauth = {
      SLACK_SIGNING_SECRET: 'shhh',
      SLACK_CLIENT_ID: '123.456',
      SLACK_CLIENT_SECRET: 'client-secret',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${key}`,
    };
    const problemsOf = (env: Record<string, string | undefined>): string => {
      try {
        createConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };

    it('single workspace: the bot token, no OAuth settings', () => {
      const config = createConfig(valid);
      expect(config.slack.botToken).toBe('xoxb-1-2-3');
      expect(config.slack.oauth).toBeUndefined();
      expect(config.encryptionKeys).toBeUndefined();
      expect(config.allowedEndpoints).toEqual([]);
    });

    it('OAuth: client id, secret, state secret and a key ring; the install asks for the bot scopes', () => {
      const config = createConfig({
        ...oauth,
        SLACK_REDIRECT_URI: 'https://bot.example.com/slack/oauth_redirect',
      });
      expect(config.slack.botToken).toBeUndefined();
      expect(config.slack.oauth).toMatchObject({
        clientId: '123.456',
        clientSecret: 'client-secret',
        stateSecret: 'state-secret-0123456789',
        redirectUri: 'https://bot.example.com/slack/oauth_redirect',
        scopes: [
          'commands',
          'chat:write',
          'files:write',
          'users:read',
          'usergroups:read',
          'channels:history',
          'groups:history',
          'channels:read',
          'groups:read',
        ],
      });
      expect(config.encryptionKeys).toBe(`k1:${key}`);
    });

    it('neither: says both ways', () => {
      const message = problemsOf({ SLACK_SIGNING_SECRET: 'shhh' });
      expect(message).toContain('1 setting to fix');
      expect(message).toContain('SLACK_BOT_TOKEN is required (Slack app → OAuth & Permissions');
      expect(message).toContain('or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET');
    });

    it('a partial OAuth set names what is missing, the key ring included', () => {
      const message = problemsOf({ SLACK_SIGNING_SECRET: 'shhh', SLACK_CLIENT_ID: '123.456' });
      expect(message).toContain('3 settings to fix');
      expect(message).toContain('SLACK_CLIENT_SECRET is required for OAuth');
      expect(message).toContain('SLACK_STATE_SECRET is required for OAuth');
      expect(message).toContain('MIGRATE_BOT_ENCRYPTION_KEYS is required for OAuth');
      expect(message).toContain('openssl rand -base64 32');
    });

    it('both a bot token and OAuth settings is refused', () => {
      expect(problemsOf({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toContain(
        'SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET must be unset with SLACK_BOT_TOKEN',
      );
    });

    it('validates the key ring (32-byte keys) and the endpoint allow-list', () => {
      const message = problemsOf({
        ...valid,
        MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}`,
        MIGRATE_BOT_ALLOWED_ENDPOINTS: 'http://127.0.0.1:9101,ftp://nope',
      });
      expect(message).toContain('MIGRATE_BOT_ENCRYPTION_KEYS');
      expect(message).toContain('exactly 32 bytes');
      expect(message).toContain('MIGRATE_BOT_ALLOWED_ENDPOINTS');
      expect(message).toContain('"ftp://nope" must be an http(s) URL');
      const config = createConfig({ ...valid, MIGRATE_BOT_ALLOWED_ENDPOINTS: 'http://127.0.0.1:9101' });
      expect(config.allowedEndpoints).toEqual(['http://127.0.0.1:9101/']);
    });
  });
});
