import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { hashedPart, keySlot } from '../../src/store/key-slot.js';
import { isRedisUrl, parseRedisUrl, withoutPassword } from '../../src/store/redis-target.js';

const BASE = { SLACK_SIGNING_SECRET: 'x'.repeat(32), SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };

describe('STORE_URL for Redis in its three forms', () => {
  it('reads one server, a cluster and a Sentinel set-up, with TLS, a user and a database', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toMatchObject({
      topology: 'single',
      nodes: [{ host: '127.0.0.1', port: 6379 }],
      tls: false,
    });
    expect(parseRedisUrl('rediss://bot:s3cret@redis.internal:6380/2')).toMatchObject({
      topology: 'single',
      tls: true,
      username: 'bot',
      database: 2,
    });
    expect(parseRedisUrl('redis+cluster://bot:p%40ss@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002')).toEqual({
      topology: 'cluster',
      url: 'redis+cluster://bot:p%40ss@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: 'bot',
      password: 'p@ss',
      tls: false,
    });
    expect(parseRedisUrl('rediss+sentinel://s1:26379,s2/mymaster/3')).toMatchObject({
      topology: 'sentinel',
      tls: true,
      nodes: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      database: 3,
    });
    expect(isRedisUrl('REDIS+CLUSTER://a:1')).toBe(true);
    expect(isRedisUrl('sqlite://x')).toBe(false);
  });

  it('says what is wrong with a malformed one, and the settings check names it', () => {
    expect(parseRedisUrl('redis+cluster://a:1,b:2/0')).toMatch(/a Redis Cluster has only database 0/);
    expect(parseRedisUrl('redis+sentinel://a:26379')).toMatch(/must name the master/);
    expect(parseRedisUrl('redis+cluster://a:1;b:2')).toMatch(/where a host:port was expected/);
    expect(parseRedisUrl('redis+cluster://a:99999')).toMatch(/not a port number/);
    expect(() => createConfig({ ...BASE, STORE_URL: 'redis+sentinel://a:26379' })).toThrow(
      /STORE_URL must name the master the Sentinels monitor/,
    );
    expect(() => createConfig({ ...BASE, STORE_URL: 'valkey://a:1' })).toThrow(
      /STORE_URL must be sqlite:\/\/<path>, redis:\/\/host:port or memory:\/\/ \(or rediss:\/\/host:port for TLS, redis\+cluster:\/\/host:port,host:port/,
    );
    expect(createConfig({ ...BASE, STORE_URL: 'redis+cluster://a:1,b:2' }).storeUrl).toBe(
      'redis+cluster://a:1,b:2',
    );
  });

  it('never shows the password of any form', () => {
    expect(withoutPassword('redis+cluster://bot:hunter2@a:1,b:2')).toBe('redis+cluster://bot:***@a:1,b:2');
    expect(withoutPassword('rediss+sentinel://:hunter2@a:1/m')).toBe('rediss+sentinel://:***@a:1/m');
    expect(withoutPassword('redis://:hunter2@a:1')).toBe('redis://:***@a:1');
  });
});

describe('TLS settings for Redis', () => {
  const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----`;
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-store-tls-'));
  const file = (name: string, content: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, `${content}\n`, { mode: 0o600 });
    return at;
  };

  it('reads the CA, client certificate and key from files (*_FILE), with the server name', () => {
    const config = createConfig({
      ...BASE,
      STORE_URL: 'rediss+cluster://a:6380,b:6380',
      STORE_TLS_CA_FILE: file('ca.pem', pem('CERTIFICATE')),
      STORE_TLS_CERT_FILE: file('client.pem', pem('CERTIFICATE')),
      STORE_TLS_KEY_FILE: file('client.key', pem('PRIVATE KEY')),
      STORE_TLS_SERVERNAME: 'redis.internal',
    });
    expect(config.storeTls).toEqual({
      ca: pem('CERTIFICATE'),
      cert: pem('CERTIFICATE'),
      key: pem('PRIVATE KEY'),
      servername: 'redis.internal',
    });
    expect(createConfig({ ...BASE, STORE_URL: 'rediss://a:6380' }).storeTls).toBeUndefined();
  });

  it('refuses what does not go together, or is not PEM, without showing it', () => {
    const message = (env: Record<string, string>) => {
      try {
        createConfig({ ...BASE, ...env });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(message({ STORE_URL: 'redis://a:1', STORE_TLS_CA: pem('CERTIFICATE') })).toContain(
      'STORE_TLS_CA is set, but STORE_URL does not ask for TLS: use rediss://',
    );
    expect(message({ STORE_URL: 'rediss://a:1', STORE_TLS_CERT: pem('CERTIFICATE') })).toContain(
      'STORE_TLS_CERT and STORE_TLS_KEY go together',
    );
    const notPem = message({ STORE_URL: 'rediss://a:1', STORE_TLS_KEY: 'hunter2-not-a-key' });
    expect(notPem).toContain('STORE_TLS_KEY must be PEM text');
    expect(notPem).not.toContain('hunter2');
  });
});

describe('hash slots', () => {
  it('hash only the tag when a key has one, as Redis Cluster does', () => {
    expect(hashedPart('migrate-bot:watch:{workspace-posts:T1}:s12')).toBe('workspace-posts:T1');
    expect(hashedPart('a{}b{c}')).toBe('a{}b{c}');
    expect(hashedPart('a{b')).toBe('a{b');
    // The specification's own example values (CLUSTER KEYSLOT agrees: redis-cluster.test.ts).
    expect(keySlot('123456789')).toBe(12_739);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
  });
});
