import { ApprovalStore } from '../../src/capabilities/approvals/approval-store.js';
import { systemClock } from '../../src/clock.js';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { type AtomicKv, LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { claimSqliteStore, statePrefix } from '../../src/store/open-bot-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { isRedisUrl } from '../../src/store/redis-target.js';
import { WatchStore } from '../../src/watcher/records/watch-store.js';
import { defaultWatcherOptions } from '../../src/watcher/watcher.js';

export interface Leftovers {
  watches: number;
  requests: number;
}

/**
 * The playground's Slack starts empty on every run, but a SQLite (or Redis) store keeps what the
 * bot saved. Connections, roles and settings still make sense; watches and open approval requests
 * do not: their cards and request messages were in the previous run's channel, and the fake Slack
 * numbers messages from the same base again, so their `ts` would now point at this run's messages
 * (a card edit or an expiry would overwrite an unrelated message). They are dropped here, before
 * the bot starts: watches are removed, open requests closed as expired (nobody can click them).
 */
export async function dropLeftovers(config: Config, teamId: string, logger: Logger): Promise<Leftovers> {
  const dropped: Leftovers = { watches: 0, requests: 0 };
  if (config.storeUrl.startsWith('memory://')) return dropped;
  // Another bot (a second playground) on the same SQLite file stops here, before anything of its is dropped.
  const lock = await claimSqliteStore(config.storeUrl);
  const store = await createStore(config.storeUrl, logger);
  let backend: AtomicKv | undefined;
  let state: AtomicKv | undefined;
  try {
    const { keyPrefix } = defaultWatcherOptions(config);
    backend = isRedisUrl(config.storeUrl)
      ? await RedisAtomicKv.connect(config.storeUrl, keyPrefix, logger)
      : new LocalAtomicKv(store, keyPrefix);
    const watches = new WatchStore(backend);
    for (const { key, record } of await watches.loadAll()) {
      if (record.watch?.teamId === teamId && (await watches.remove(key))) dropped.watches++;
    }
    state = isRedisUrl(config.storeUrl)
      ? await RedisAtomicKv.connect(config.storeUrl, statePrefix(config.storeUrl), logger)
      : new LocalAtomicKv(store, statePrefix(config.storeUrl));
    const approvals = new ApprovalStore(store, state, { clock: systemClock });
    const now = new Date().toISOString();
    for (const entry of await approvals.pending()) {
      if (entry.team !== teamId) continue;
      const record = await approvals.get(entry.team, entry.id);
      if (record?.status !== 'pending') continue;
      await approvals.save({ ...record, status: 'expired', decidedAt: now });
      dropped.requests++;
    }
  } finally {
    await backend?.close();
    await state?.close();
    await store.close();
    await lock?.release();
  }
  if (dropped.watches > 0 || dropped.requests > 0)
    logger.info(dropped, 'playground: dropped watches and open requests left from an earlier run');
  return dropped;
}
