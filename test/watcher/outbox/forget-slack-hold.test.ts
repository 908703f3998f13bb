import { afterEach, expect, it } from 'vitest';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { forgetWorkspaceWatches } from '../../../src/watcher/forget-workspace.js';
import { NO_HOLD, StoreHolds } from '../../../src/watcher/outbox/slack-holds.js';
import { WatchStore } from '../../../src/watcher/records/watch-store.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// An uninstall leaves nothing of the workspace in the store: with several replicas, what Slack last
// told them about it (slack-hold:<team>, a 429's pause, the outage probe) lives there too.
const prefix = uniquePrefix();
let backend: RedisAtomicKv | undefined;
afterEach(async () => {
  await backend?.close();
  await cleanRedis(prefix);
});

it('forgetting a workspace deletes its Slack hold and keeps the other workspace’s', async () => {
  backend = await RedisAtomicKv.connect(REDIS_URL, prefix, captureLogger('fatal').logger);
  const holds = new StoreHolds(backend);
  const paused = { ...NO_HOLD, pausedUntil: 1_900_000_000_000, deliveredAt: 1_800_000_000_000 };
  await holds.change('T0LEAVE01', () => paused);
  await holds.change('T0STAY001', () => paused);
  const stored = (team: string) => backend?.get(`slack-hold:${team}`);
  expect(await stored('T0LEAVE01')).toBeDefined();

  await forgetWorkspaceWatches(new WatchStore(backend), 'T0LEAVE01');

  expect(await stored('T0LEAVE01')).toBeUndefined();
  expect(await stored('T0STAY001')).toBeDefined();
  expect(await new StoreHolds(backend).read('T0STAY001')).toEqual(paused);
});
