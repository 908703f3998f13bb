import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playgroundBotSettings } from '../../dev/playground/bot-settings.js';
import { dropLeftovers } from '../../dev/playground/leftovers.js';
import { ApprovalStore } from '../../src/capabilities/approvals/approval-store.js';
import { systemClock } from '../../src/clock.js';
import { createConfig } from '../../src/config.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { type WatchRecord, WatchStore, watchKey } from '../../src/watcher/records/watch-store.js';
import { defaultWatcherOptions } from '../../src/watcher/watcher.js';
import { captureLogger } from '../helpers/capture-logger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'playground-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIMS = ['http://127.0.0.1:40001', 'http://127.0.0.1:40002', 'http://127.0.0.1:40003'];
const slack = { SLACK_SIGNING_SECRET: 'secret-0123456789', SLACK_BOT_TOKEN: 'xoxb-test' };

describe('the bot settings the playground adds', () => {
  it('polls every 3 s and allows the simulators, unless the environment says otherwise', () => {
    const memory = { STORE_URL: 'memory://' };
    const settings = playgroundBotSettings(memory, SIMS);
    expect(settings.POLL_INTERVAL_SECONDS).toBe('3');
    expect(settings.MIGRATE_BOT_ALLOWED_ENDPOINTS).toBe(SIMS.join(','));
    const config = createConfig({ ...slack, ...memory, ...settings });
    expect(config.watcher.pollIntervalSeconds).toBe(3);
    expect(config.allowedEndpoints).toEqual(SIMS.map((u) => `${u}/`));
    // Issue 78: the playground signs evidence bundles with a key of its own.
    expect(config.evidenceKeys).toMatch(/^playground:[A-Za-z0-9+/]{43}=$/);

    const given = playgroundBotSettings(
      { ...memory, POLL_INTERVAL_SECONDS: '0', MIGRATE_BOT_ALLOWED_ENDPOINTS: 'https://oms.example.test' },
      SIMS,
    );
    expect(given.POLL_INTERVAL_SECONDS).toBe('0');
    expect(given.MIGRATE_BOT_ALLOWED_ENDPOINTS).toBe(['https://oms.example.test', ...SIMS].join(','));
    expect(playgroundBotSettings({ ...memory, POLL_INTERVAL_SECONDS: ' ' }, SIMS).POLL_INTERVAL_SECONDS).toBe(
      '3',
    );
  });

  it('uses a random key per run with a memory store, and never touches the key file', () => {
    const file = path.join(dir, 'memory.key');
    const a = playgroundBotSettings({ STORE_URL: 'memory://' }, SIMS, file).MIGRATE_BOT_ENCRYPTION_KEYS;
    const b = playgroundBotSettings({ STORE_URL: 'memory://' }, SIMS, file).MIGRATE_BOT_ENCRYPTION_KEYS;
    expect(a).toMatch(/^playground:[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(() => statSync(file)).toThrow();
  });

  it('makes the key once (mode 0600) for a persistent store and reuses it', () => {
    const file = path.join(dir, 'data', 'playground.key');
    const first = playgroundBotSettings({}, SIMS, file).MIGRATE_BOT_ENCRYPTION_KEYS;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toBe(`playground:${readFileSync(file, 'utf8').trim()}`);
    expect(
      playgroundBotSettings({ STORE_URL: 'sqlite:///x.sqlite' }, SIMS, file).MIGRATE_BOT_ENCRYPTION_KEYS,
    ).toBe(first);
    expect(createConfig({ ...slack, MIGRATE_BOT_ENCRYPTION_KEYS: first }).encryptionKeys).toBe(first);
    // A ring set in the environment wins.
    expect(
      playgroundBotSettings({ MIGRATE_BOT_ENCRYPTION_KEYS: 'k9:abc' }, SIMS, file)
        .MIGRATE_BOT_ENCRYPTION_KEYS,
    ).toBe('k9:abc');
  });

  it('refuses a key file that holds no key, and leaves it as it is', () => {
    const file = path.join(dir, 'broken.key');
    writeFileSync(file, 'not a key\n', { mode: 0o644 });
    expect(() => playgroundBotSettings({}, SIMS, file)).toThrow(/does not hold a playground key/);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});

describe('leftovers from an earlier run with a persistent store', () => {
  it('drops the team’s watches and closes its open requests; other teams are untouched', async () => {
    const config = createConfig({ ...slack, STORE_URL: `sqlite://${path.join(dir, 'store.sqlite')}` });
    const { logger } = captureLogger('silent');
    const store = await createStore(config.storeUrl, logger);
    const watches = new WatchStore(new LocalAtomicKv(store, defaultWatcherOptions(config).keyPrefix));
    const target = (teamId: string) => ({
      teamId,
      channelId: 'C0FAKE001',
      connection: 'hw-sim',
      kind: 'task' as const,
      id: '191297407830874',
    });
    for (const teamId of ['T0FAKE001', 'T0OTHER01'])
      await watches.create(watchKey(target(teamId)), {
        watch: { ...target(teamId), by: 'playground', createdAt: 1 },
        parentTs: '1700000000.000001',
        outbox: [],
        sent: [],
      } as unknown as WatchRecord);
    const approvals = new ApprovalStore(store, new LocalAtomicKv(store, 'state:'), { clock: systemClock });
    const request = (team: string, id: string) => ({
      id,
      team,
      requester: 'U0ALICE01',
      channel: 'C0FAKE001',
      connection: 'ncp-sim',
      provider: 'ncp' as const,
      kind: 'policy' as const,
      request: { title: 'left-over' },
      status: 'pending' as const,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      message: { channel: 'C0FAKE001', ts: '1700000000.000002' },
    });
    await approvals.save(request('T0FAKE001', 'aaaaaaaaaa'));
    await approvals.save(request('T0OTHER01', 'bbbbbbbbbb'));
    await store.close();

    expect(await dropLeftovers(config, 'T0FAKE001', logger)).toEqual({ watches: 1, requests: 1 });

    const after = await createStore(config.storeUrl, logger);
    const left = new WatchStore(new LocalAtomicKv(after, defaultWatcherOptions(config).keyPrefix));
    expect((await left.loadAll()).map((w) => w.record.watch.teamId)).toEqual(['T0OTHER01']);
    const records = new ApprovalStore(after, new LocalAtomicKv(after, 'state:'), { clock: systemClock });
    expect((await records.get('T0FAKE001', 'aaaaaaaaaa'))?.status).toBe('expired');
    expect((await records.get('T0OTHER01', 'bbbbbbbbbb'))?.status).toBe('pending');
    expect((await records.pending()).map((p) => p.team)).toEqual(['T0OTHER01']);
    await after.close();
    // Nothing to do for a memory store (it starts empty).
    expect(
      await dropLeftovers(createConfig({ ...slack, STORE_URL: 'memory://' }), 'T0FAKE001', logger),
    ).toEqual({ watches: 0, requests: 0 });
  });
});
