import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysCommand } from '../../src/cli/keys-command.js';
import { systemClock } from '../../src/clock.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { generateKey, SecretBox } from '../../src/crypto/secret-box.js';
import { SecretRegistry } from '../../src/secrets.js';
import { KeyvInstallationStore } from '../../src/slack/installation-store.js';
import { LeaseLocks } from '../../src/store/lease-lock.js';
import { type BotStore, openBotStore } from '../../src/store/open-bot-store.js';
import type { RawRecord } from '../../src/store/raw-records.js';
import { type RedisTopology, startCluster, startSentinel, startSingle } from '../harness/redis-topology.js';
import { omsConnection } from '../harness/test-bot.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * `keys status` / `keys rotate` (issue 50): the sealed records of a store in use, counted per key
 * id and re-encrypted under the newest key, on SQLite, one Redis and a 3-master Redis Cluster.
 * Before this, retiring k1 left every connection added from Slack (and every OAuth installation)
 * unusable until each workspace edited it.
 */
const { logger } = captureLogger('silent');
const K1 = `k1:${generateKey()}`;
const K2 = `k2:${generateKey()}`;
const ENDPOINT = 'http://127.0.0.1:9';
const OPTIONS = { allowedEndpoints: [ENDPOINT], clock: systemClock };
const INSTALL = {
  team: { id: 'T0ROTATE1' },
  bot: { token: 'xoxb-rotate-bot-token-000000001', userId: 'U0BOT', scopes: [] },
  isEnterpriseInstall: false,
} as never;

const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-keys-'));
const servers: RedisTopology[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function keys(
  storeUrl: string,
  ring: string,
  action: string,
  beforeWrite?: (r: RawRecord) => Promise<void>,
) {
  const lines: string[] = [];
  const code = await runKeysCommand(
    [action],
    { STORE_URL: storeUrl, MIGRATE_BOT_ENCRYPTION_KEYS: ring },
    (line) => lines.push(line),
    logger,
    beforeWrite ? { beforeWrite } : {},
  );
  return { code, text: lines.join('\n') };
}

function stores(bot: BotStore, ring: string) {
  const box = SecretBox.fromKeyRing(ring);
  return {
    connections: new ConnectionStore(bot.state, box, new SecretRegistry(), OPTIONS),
    installations: new KeyvInstallationStore(
      bot.store,
      box,
      new SecretRegistry(),
      logger,
      new LeaseLocks(bot.state),
      systemClock,
    ),
  };
}

const backends: { name: string; url: () => Promise<string> }[] = [
  { name: 'SQLite', url: async () => `sqlite://${path.join(dir, `store-${Date.now()}.sqlite`)}` },
  {
    name: 'one Redis',
    url: async () => {
      const server = await startSingle();
      servers.push(server);
      return server.url;
    },
  },
  {
    name: 'Redis through Sentinel',
    url: async () => {
      const sentinel = await startSentinel();
      servers.push(sentinel);
      return sentinel.url;
    },
  },
  {
    name: 'a 3-master Redis Cluster',
    url: async () => {
      const cluster = await startCluster();
      servers.push(cluster);
      return cluster.url;
    },
  },
];

describe.each(backends)('keys status and rotate on $name', ({ url }) => {
  let storeUrl: string;
  let bot: BotStore;
  beforeAll(async () => {
    storeUrl = await url();
    // The bot's store stays open throughout: the rotation runs while the bot uses it.
    bot = await openBotStore(storeUrl, logger, 10_000);
  }, 40_000);
  afterAll(async () => {
    await bot?.close();
  });

  it('re-encrypts every record sealed under k1; k1 retired, everything still reads; a write meanwhile is kept', async () => {
    const old = stores(bot, K1);
    await old.connections.add('T0ROTATE1', omsConnection('hw-one', ENDPOINT), 'U0ADMIN');
    await old.connections.add('T0ROTATE1', omsConnection('hw-two', ENDPOINT), 'U0ADMIN');
    await old.connections.add('T0ROTATE2', omsConnection('hw-three', ENDPOINT), 'U0ADMIN');
    await old.installations.storeInstallation(INSTALL);

    // Without the rotation, k1 cannot be retired: a k2-only bot cannot open them.
    const k2only = stores(bot, K2);
    expect((await k2only.connections.load('T0ROTATE1')).map((c) => c.error)).toEqual([
      expect.stringContaining('"k1"'),
      expect.stringContaining('"k1"'),
    ]);

    const before = await keys(storeUrl, `${K2},${K1}`, 'status');
    expect(before.code).toBe(1);
    expect(before.text).toContain('4 sealed secrets in 3 records');
    expect(before.text).toMatch(/k2 \(current\): 0\n\s+k1: 4/);

    // The bot, already on k2,k1, adds a connection to T0ROTATE1 while the tool is about to write it.
    const running = stores(bot, `${K2},${K1}`);
    let interleaved = 0;
    const rotated = await keys(storeUrl, `${K2},${K1}`, 'rotate', async (record) => {
      if (record.name === 'connections:T0ROTATE1' && interleaved++ === 0)
        await running.connections.add('T0ROTATE1', omsConnection('hw-added-meanwhile', ENDPOINT), 'U0ADMIN');
    });
    expect(rotated.code, rotated.text).toBe(0);
    expect(rotated.text).toContain('1 written meanwhile by the bot, read again');
    expect(rotated.text).toContain('k1 can be removed from MIGRATE_BOT_ENCRYPTION_KEYS');

    const after = await keys(storeUrl, `${K2},${K1}`, 'status');
    expect(after.code).toBe(0);
    expect(after.text).toContain('5 sealed secrets in 3 records');
    expect(after.text).toMatch(/k2 \(current\): 5\n\s+k1: 0/);

    // k1 retired: every connection (the one added meanwhile too) and the installation still open.
    const one = await k2only.connections.load('T0ROTATE1');
    expect(one.map((c) => [c.info.name, c.error])).toEqual([
      ['hw-one', undefined],
      ['hw-two', undefined],
      ['hw-added-meanwhile', undefined],
    ]);
    expect((await k2only.connections.load('T0ROTATE2')).map((c) => c.error)).toEqual([undefined]);
    const installation = await k2only.installations.fetchInstallation({
      teamId: 'T0ROTATE1',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(installation.bot?.token).toBe('xoxb-rotate-bot-token-000000001');
    const retired = await keys(storeUrl, K2, 'status');
    expect(retired.code).toBe(0);
    expect(retired.text).toContain('Every sealed secret is under k2.');
  }, 60_000);
});

describe('keys rotate while a token refresh is under way', () => {
  it('the refreshed installation is saved over the record the rotation re-encrypted', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'refresh.sqlite')}`;
    const bot = await openBotStore(storeUrl, logger, 5_000);
    try {
      await stores(bot, K1).installations.storeInstallation(INSTALL);
      const running = stores(bot, `${K2},${K1}`).installations;
      const query = { teamId: 'T0ROTATE1', enterpriseId: undefined, isEnterpriseInstall: false };
      const fetched = await running.fetchInstallation(query);
      expect((await keys(storeUrl, `${K2},${K1}`, 'rotate')).code).toBe(0);
      // Bolt saves the refreshed token over the installation it read, now re-encrypted under k2.
      const refreshed = { ...fetched, bot: { ...fetched.bot!, token: 'xoxb-refreshed-token-0000000002' } };
      await running.storeInstallation(refreshed);
      expect((await stores(bot, K2).installations.fetchInstallation(query)).bot?.token).toBe(
        'xoxb-refreshed-token-0000000002',
      );
    } finally {
      await bot.close();
    }
  });

  it('says what is wrong with the arguments or the settings, and changes nothing', async () => {
    const storeUrl = `sqlite://${path.join(dir, 'usage.sqlite')}`;
    expect((await keys(storeUrl, K1, 'spin')).text).toContain('Usage: migrate-bot keys status|rotate');
    await expect(keys(storeUrl, '', 'status')).rejects.toThrow(/MIGRATE_BOT_ENCRYPTION_KEYS .*is not set/);
    await expect(keys(storeUrl, K1, 'status')).rejects.toThrow(/There is no SQLite store at/);
    await expect(keys('memory://', K1, 'status')).rejects.toThrow(/keeps nothing between runs/);
  });
});

describe('keys rotate under the documented ACL user', () => {
  const docs = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
  const rules = (/^ACL SETUSER migrate-bot on >PASSWORD (.+)$/m.exec(docs)?.[1] ?? '').split(/\s+/);

  it('works with +scan added, and says what to add without it', async () => {
    const server = await startSingle();
    servers.push(server);
    const port = server.ports[0]!;
    const acl = (...args: string[]) =>
      spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ACL', 'SETUSER', ...args], {
        encoding: 'utf8',
        timeout: 10_000,
      }).stdout.trim();
    expect(rules.length).toBeGreaterThan(10);
    expect(acl('keys-user', 'on', '>keys-pw-1', ...rules, '+scan')).toBe('OK');
    expect(acl('bot-only', 'on', '>bot-pw-1', ...rules)).toBe('OK');
    const storeUrl = `redis://keys-user:keys-pw-1@127.0.0.1:${port}`;
    const bot = await openBotStore(storeUrl, logger, 10_000);
    try {
      await stores(bot, K1).connections.add('T0ROTATE1', omsConnection('hw-acl', ENDPOINT), 'U0ADMIN');
      const rotated = await keys(storeUrl, `${K2},${K1}`, 'rotate');
      expect(rotated.code, rotated.text).toBe(0);
      expect(rotated.text).toMatch(/k2 \(current\): 1\n\s+k1: 0/);
      await expect(
        keys(`redis://bot-only:bot-pw-1@127.0.0.1:${port}`, `${K2},${K1}`, 'status'),
      ).rejects.toThrow(/the Redis user "bot-only" may not run SCAN .*\nFix: ACL SETUSER bot-only \+scan/s);
    } finally {
      await bot.close();
    }
  }, 40_000);
});
