import { type RunningBot, startBot } from '../../src/bot.js';
import { createConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createStore } from '../../src/store/create-store.js';
import { openAtomicKv } from '../../src/store/open-atomic-kv.js';
import { forEachLimited } from '../../src/watcher/observe.js';
import { cardOf } from '../../src/watcher/outbox/living-posts.js';
import { watchKeyNaming } from '../../src/watcher/records/watch-key-names.js';
import { type WatchRecord, WatchStore, watchKey } from '../../src/watcher/records/watch-store.js';
import { defaultWatcherOptions } from '../../src/watcher/watcher-options.js';
import { BOT_TOKEN, omsConnection, SIGNING_SECRET } from '../../test/harness/test-bot.js';
import { serveRpc } from '../rpc.js';
import { record } from '../store-writes.js';

/**
 * The bot under test in the click benchmark (`click-scale.ts`), in a process of its own, on its own
 * Redis: first the store is filled with `watches − 1` watches of other resources (written as
 * `/migrate watch` writes them: record, watch index, the resource's set of watches), then the real
 * bot starts on it (`startBot`, HTTP receiver, the watcher with no schedule: nothing but the
 * clicks runs), watches the failed task in one channel and posts its card. The clicks come over
 * HTTP, signed, from the orchestrator.
 */
const TEAM = 'T0FAKE001';
const logger = createLogger({ level: 'warn', destination: process.stderr });
let running: RunningBot | undefined;

function settings(storeUrl: string, fakeSlackUrl: string) {
  return createConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: `${fakeSlackUrl}/api/`,
    PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: storeUrl,
    LOG_LEVEL: 'warn',
    POLL_INTERVAL_SECONDS: '0',
    MAX_WATCHES_PER_WORKSPACE: '1000000',
  });
}

/**
 * Other resources' watches: half in the clicked workspace (same connection, other tasks, 100
 * channels), half spread over nine other workspaces, all the index holds beside the clicked one.
 */
function other(i: number): { key: string; record: WatchRecord } {
  const { record: r } = record(i);
  const here = i % 2 === 0;
  const watch = { ...r.watch, ...(here ? { teamId: TEAM, connection: 'hw-prod' } : {}) };
  return {
    key: watchKey(watch),
    record: { ...r, watch, snapshot: { ...r.snapshot, connection: watch.connection } },
  };
}

async function fill(params: {
  storeUrl: string;
  fakeSlackUrl: string;
  count: number;
}): Promise<{ ms: number }> {
  const started = performance.now();
  const config = settings(params.storeUrl, params.fakeSlackUrl);
  const store = await createStore(config.storeUrl, logger);
  try {
    // Named as the bot names them (hash tags on a cluster), so its start-up has nothing to move.
    const naming = watchKeyNaming('bench-fill', logger);
    const kv = await openAtomicKv(
      config.storeUrl,
      store,
      defaultWatcherOptions(config).keyPrefix,
      logger,
      naming,
    );
    const watches = new WatchStore(kv);
    const all = Array.from({ length: params.count }, (_, i) => i);
    await forEachLimited(all, 64, async (i) => {
      const { key, record: r } = other(i);
      await watches.create(key, r);
    });
    await kv.close();
  } finally {
    await store.close();
  }
  return { ms: Math.round(performance.now() - started) };
}

async function start(params: {
  storeUrl: string;
  fakeSlackUrl: string;
  omsUrl: string;
  taskId: string;
  channel: string;
}): Promise<{ eventsUrl: string; cardTs: string; watches: number }> {
  running = await startBot(settings(params.storeUrl, params.fakeSlackUrl), {
    connections: [omsConnection('hw-prod', params.omsUrl)],
    logger,
    // Every answer is the edit of the post clicked on: the edit budget (7 per 10 s per workspace,
    // measured by its own tests) would turn the answer of a quick series of clicks into words.
    watcher: { editBudget: { windowMs: 10_000, max: 1_000_000 } },
  });
  const { watcher } = running.deps;
  await watcher.watch({
    teamId: TEAM,
    channelId: params.channel,
    connection: 'hw-prod',
    kind: 'task',
    id: params.taskId,
    by: 'U0ALICE01',
  });
  const key = watchKey({
    teamId: TEAM,
    channelId: params.channel,
    connection: 'hw-prod',
    kind: 'task',
    id: params.taskId,
  });
  const record = await watcher.store.read<WatchRecord>(key);
  const card = record && cardOf(record);
  if (!card) throw new Error(`the card of ${key} was not posted`);
  return {
    eventsUrl: `http://127.0.0.1:${running.port}/slack/events`,
    cardTs: card.ts,
    watches: (await watcher.store.watchKeys()).length,
  };
}

serveRpc({
  fill,
  start,
  memory: () => ({ rssMb: Math.round((process.memoryUsage.rss() / 1024 ** 2) * 10) / 10 }),
  async stop() {
    await running?.stop();
  },
});
