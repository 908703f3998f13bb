import { InvalidInputError } from '../../errors.js';
import {
  type BrokenState,
  type ChannelGone,
  dedupBase,
  enqueue,
  type OutboxEntry,
  type Watch,
  type WatchRecord,
} from '../records/watch-store.js';
import { cardDue } from './living-posts.js';
import { type BrokenNote, type RepairedNote, titleOf } from './notification.js';

/**
 * A watch whose channel Slack refuses (bot removed, channel archived or gone) is "broken": its card and
 * replies are held in its outbox, neither retried against the dead channel nor dropped. Its creator gets
 * one DM saying how to fix it and the audit channel one entry, both outbox entries keyed by the episode
 * (each delivered once). The first post Slack takes there again repairs it and what was held goes out.
 */
/** Entries addressed to the watch's own channel, which wait while it is broken. */
export function isHeld(record: Pick<WatchRecord, 'broken'>, entry: OutboxEntry): boolean {
  return record.broken !== undefined && (entry.type === 'parent' || entry.type === 'reply');
}

const USER_ID = /^[UW][A-Z0-9]+$/;

export function isUserId(value: string): boolean {
  return USER_ID.test(value);
}

/** Inline code in a person's message (a command to type); a backtick inside cannot end it early. */
function typed(text: string): string {
  return `\`${text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('`', 'ˋ')}\``;
}

/**
 * The fix, as steps a person can follow: said in the error `/migrate watch` answers, in lists and
 * in the creator's DM.
 */
/**
 * The fix as data for the reader's language: the catalogue key of its wording and the commands
 * and channel it names.
 */
export function brokenFixParts(
  record: { watch: Pick<Watch, 'channelId' | 'connection' | 'id'> },
  reason: ChannelGone,
): { key: string; values: Record<string, string> } {
  const key =
    reason === 'is_archived'
      ? 'broken.fix.archived'
      : reason === 'channel_not_found'
        ? 'broken.fix.notFound'
        : 'broken.fix.invite';
  return {
    key,
    values: {
      channel: `<#${record.watch.channelId}>`,
      invite: typed('/invite @migrate'),
      rewatch: typed(`/migrate watch ${record.watch.connection}:${record.watch.id}`),
      unwatch: '`/migrate unwatch`',
    },
  };
}

/**
 * What `/migrate watch` answers when Slack refuses the channel: a new watch was not made
 * (`broken` false), or an existing one is broken until fixed. English in the message (logs, audit,
 * workflow steps); the key and values give it in the reader's language.
 */
export function cannotPostError(
  record: { watch: Pick<Watch, 'channelId' | 'connection' | 'id'> },
  reason: ChannelGone,
  broken: boolean,
): InvalidInputError {
  const channel = `<#${record.watch.channelId}>`;
  const fix = brokenFixParts(record, reason);
  return InvalidInputError.of(broken ? 'watch.cannotPostBroken' : 'watch.cannotPostNew', {
    channel,
    reason,
    fixKey: fix.key,
    ...fix.values,
  });
}

/**
 * The record once Slack refused its channel: marked broken, with the creator's DM and the audit
 * entry in its outbox. Pure (it runs inside a compare-and-set); a record already broken is unchanged.
 */
export function markBroken(record: WatchRecord, reason: ChannelGone, now: number): WatchRecord {
  if (record.broken) return record;
  const episode = (record.breaks ?? 0) + 1;
  const broken: BrokenState = { reason, since: now, episode };
  const base = `${dedupBase(record.watch)}:broken${episode}`;
  const { watch, snapshot } = record;
  const entries: OutboxEntry[] = [];
  const common = { teamId: watch.teamId, createdAt: now, attempts: 0 };
  if (isUserId(watch.by)) {
    const note: BrokenNote = {
      kind: 'broken',
      // Named as every other post names it: its title, where a person gave it one.
      name: titleOf(record) ?? snapshot.name,
      channelId: watch.channelId,
      connection: watch.connection,
      id: watch.id,
      broken,
    };
    entries.push({ ...common, key: `${base}:dm`, type: 'dm', event: 'broken', channel: watch.by, note });
  }
  entries.push({
    ...common,
    key: `${base}:audit`,
    type: 'audit',
    event: 'broken',
    channel: watch.channelId,
    audit: {
      teamId: watch.teamId,
      user: isUserId(watch.by) ? watch.by : 'watcher',
      channel: watch.channelId,
      action: 'watch.broken',
      target: `${watch.connection}:${watch.id}`,
      detail: `Slack answered ${reason}: notifications held until the bot can post there again${isUserId(watch.by) ? '; its creator was told by DM' : ''}`,
      op: 'watcher',
    },
  });
  return enqueue({ ...record, broken, breaks: episode }, entries);
}

/**
 * A broken record ready for a repair attempt: held entries due at once, the card to be redrawn,
 * and a thread reply saying watching resumed (first after a pending parent card), so there is
 * always a post whose answer tells whether the channel works again. `broken` stays set until Slack
 * takes that post.
 */
export function prepareRepair(record: WatchRecord, now: number): WatchRecord {
  const broken = record.broken;
  if (!broken) return record;
  const key = `${dedupBase(record.watch)}:broken${broken.episode}:repaired`;
  const outbox = record.outbox.map((e) =>
    isHeld(record, e) ? { ...e, notBefore: undefined, failedAt: undefined } : e,
  );
  if (!outbox.some((e) => e.key === key) && !record.sent.includes(key)) {
    const note: RepairedNote = {
      kind: 'repaired',
      name: titleOf(record) ?? record.snapshot.name,
      since: broken.since,
    };
    const entry: OutboxEntry = {
      key,
      type: 'reply',
      event: 'repaired',
      teamId: record.watch.teamId,
      channel: record.watch.channelId,
      note,
      createdAt: now,
      attempts: 0,
    };
    const at = outbox[0]?.type === 'parent' ? 1 : 0;
    outbox.splice(at, 0, entry);
  }
  return cardDue({ ...record, outbox }, true);
}
