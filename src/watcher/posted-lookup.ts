import type { Logger } from '../logger.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import type { WatchSlack } from './watch-slack.js';
import type { OutboxEntry } from './watch-store.js';

export interface LookupDeps {
  slack: WatchSlack;
  settings: Pick<OutboxSettings, 'lookupSent'>;
  stats: DeliveryStats;
  logger: Logger;
}

/**
 * The message carrying this entry's dedup key, if Slack has it (undefined: absent or unknown):
 * asked before posting again what may be in Slack already (a sender that died mid-call, a store
 * restored from a backup). `parentTs`: the thread a reply went to; `since`: the earliest it was sent.
 */
export async function lookupPosted(
  deps: LookupDeps,
  parentTs: string | undefined,
  entry: OutboxEntry,
  since: number,
): Promise<string | undefined> {
  // A DM's channel is a user id, which history does not take: that narrow window is at-least-once.
  if (!deps.settings.lookupSent || entry.type === 'dm' || entry.type === 'audit') return undefined;
  try {
    const found = await deps.slack.findPosted(entry.teamId, {
      channel: entry.channel,
      threadTs: entry.type === 'reply' ? parentTs : undefined,
      oldest: String(Math.floor(since / 1000) - 60),
      key: entry.key,
    });
    deps.stats.lookups++;
    return found;
  } catch (error) {
    deps.logger.warn({ err: error, key: entry.key }, 'could not look up a possibly sent message');
    deps.stats.blindResends++;
    return undefined;
  }
}
