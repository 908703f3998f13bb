import type { Logger } from '../../logger.js';
import type { RestoredFrom } from '../../store/backup-marks.js';
import type { OutboxEntry } from '../records/watch-store.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import type { WatchSlack } from './watch-slack.js';

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
 * After a restore (`restored`), an event the bot before the restore told later in the run counts
 * as this one (`toldSinceBackup`).
 */
export async function lookupPosted(
  deps: LookupDeps,
  parentTs: string | undefined,
  entry: OutboxEntry,
  since: number,
  restored?: RestoredFrom,
): Promise<string | undefined> {
  // A DM's channel is a user id, which history does not take: that narrow window is at-least-once.
  if (!deps.settings.lookupSent || entry.type === 'dm' || entry.type === 'audit') return undefined;
  const alike = restored ? toldSinceBackup(entry.key, restored) : undefined;
  try {
    const found = await deps.slack.findPosted(entry.teamId, {
      channel: entry.channel,
      threadTs: entry.type === 'reply' ? parentTs : undefined,
      oldest: String(Math.floor(since / 1000) - 60),
      key: entry.key,
      ...(alike ? { alike } : {}),
    });
    deps.stats.lookups++;
    return found;
  } catch (error) {
    deps.logger.warn({ err: error, key: entry.key }, 'could not look up a possibly sent message');
    deps.stats.blindResends++;
    return undefined;
  }
}

/** A state event's key (`<base>:r<run>.<seq>:<event>`, `:report` after it for its report). */
const EVENT_KEY = /^(.+):r(\d+)\.(\d+):([a-z-]+)(:report)?$/;

/**
 * The events of a restored record are numbered on from the backup's count, while the bot that ran
 * until the restore numbered its own from there too: a task paused, resumed and completed since the
 * backup was told as `r1.4:succeeded`, and the restored record, seeing it completed, says
 * `r1.2:succeeded`. The same event of the same resource, told before the restore (`ts`) at this
 * point of the run or later, is that telling: the same ending is not said twice.
 */
function toldSinceBackup(
  entryKey: string,
  restored: RestoredFrom,
): ((key: string, ts: string) => boolean) | undefined {
  const mine = EVENT_KEY.exec(entryKey);
  if (!mine) return undefined;
  const [, base, run, seq, event, report = ''] = mine;
  const before = restored.restoredAt / 1000;
  return (key, ts) => {
    if (!(Number(ts) < before) || !key.startsWith(`${base}:`)) return false;
    const told = /^r(\d+)\.(\d+):([a-z-]+)(:report)?$/.exec(key.slice(base!.length + 1));
    if (!told || told[3] !== event || (told[4] ?? '') !== report) return false;
    const [toldRun, toldSeq] = [Number(told[1]), Number(told[2])];
    return toldRun > Number(run) || (toldRun === Number(run) && toldSeq >= Number(seq));
  };
}
