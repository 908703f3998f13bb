import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropLeftovers } from '../../dev/playground/leftovers.js';
import { createConfig } from '../../src/config.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { claimSqliteStore, openBotStore } from '../../src/store/open-bot-store.js';
import { type WatchRecord, WatchStore, watchKey } from '../../src/watcher/records/watch-store.js';
import { defaultWatcherOptions } from '../../src/watcher/watcher.js';
import { captureLogger } from '../helpers/capture-logger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mb-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { logger } = captureLogger('silent');

// The cross-process case (a second bot process refused, the lock gone after kill -9) is in
// test/app/startup.test.ts; SQLite's locks also hold between two connections of one process.
describe('one bot per SQLite store', () => {
  it('refuses a second claim until the first is released', async () => {
    const url = `sqlite://${path.join(dir, 'claimed.sqlite')}`;
    const first = await openBotStore(url, logger, 1_000);
    await expect(openBotStore(url, logger, 1_000)).rejects.toThrow(
      new RegExp(`is in use by another migrate-bot process \\(pid ${process.pid} on host `),
    );
    await first.close();
    const again = await openBotStore(url, logger, 1_000);
    await again.close();
  });

  it('a second playground on the same file is refused before it drops anything of the first', async () => {
    const config = createConfig({
      SLACK_SIGNING_SECRET: 'secret-0123456789',
      SLACK_BOT_TOKEN: 'xoxb-test',
      STORE_URL: `sqlite://${path.join(dir, 'playground.sqlite')}`,
    });
    const store = await createStore(config.storeUrl, logger);
    const watches = new WatchStore(new LocalAtomicKv(store, defaultWatcherOptions(config).keyPrefix));
    const target = {
      teamId: 'T0FAKE001',
      channelId: 'C0FAKE001',
      connection: 'hw-sim',
      kind: 'task' as const,
      id: '191297407830874',
    };
    await watches.create(watchKey(target), {
      watch: { ...target, by: 'playground', createdAt: 1 },
      parentTs: '1700000000.000001',
      outbox: [],
      sent: [],
    } as unknown as WatchRecord);

    const running = await claimSqliteStore(config.storeUrl);
    await expect(dropLeftovers(config, 'T0FAKE001', logger)).rejects.toThrow(/is in use/);
    expect(await watches.loadAll()).toHaveLength(1);
    await running?.release();
    expect(await dropLeftovers(config, 'T0FAKE001', logger)).toEqual({ watches: 1, requests: 0 });
    await store.close();
  });
});
