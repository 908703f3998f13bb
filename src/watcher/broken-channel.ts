import type { KnownBlock } from '@slack/types';
import { WebAPIPlatformError } from '@slack/web-api';
import { formatTimestamp } from '../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../slack/blocks/mrkdwn.js';
import {
  type BrokenState,
  type ChannelGone,
  dedupBase,
  enqueue,
  type OutboxEntry,
  type WatchRecord,
} from './watch-store.js';

/**
 * A watch whose channel Slack refuses (the bot was removed, the channel archived or gone) is
 * "broken": its card and replies are held in its outbox, never retried against the dead channel
 * nor dropped; its creator gets one direct message saying what happened and how to fix it, and the
 * audit channel one entry. Both are outbox entries keyed by the breakage's episode, so retries and
 * replicas deliver each once. The first post that Slack takes in the channel again (after `/migrate
 * watch` there, or the bot joining it) repairs the watch, and what was held goes out.
 */
const CHANNEL_GONE: ReadonlySet<string> = new Set<ChannelGone>([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
]);

/** The Slack error when it says the bot cannot post in the channel any more, else undefined. */
export function channelGoneError(error: unknown): ChannelGone | undefined {
  if (!(error instanceof WebAPIPlatformError)) return undefined;
  const answer = error.data.error;
  return CHANNEL_GONE.has(answer) ? (answer as ChannelGone) : undefined;
}

/** Entries addressed to the watch's own channel, which wait while it is broken. */
export function isHeld(record: Pick<WatchRecord, 'broken'>, entry: OutboxEntry): boolean {
  return record.broken !== undefined && (entry.type === 'parent' || entry.type === 'reply');
}

const USER_ID = /^[UW][A-Z0-9]+$/;

export function isUserId(value: string): boolean {
  return USER_ID.test(value);
}

/** What happened, in a few words, for lists (`watches`, the Home tab). */
export function brokenLabel(broken: BrokenState): string {
  const what =
    broken.reason === 'not_in_channel'
      ? 'I was removed from the channel'
      : broken.reason === 'is_archived'
        ? 'the channel was archived'
        : 'the channel is gone or private without me';
  return `${what} (${code(broken.reason)}) since ${formatTimestamp(new Date(broken.since))}`;
}

/** The fix, as steps a person can follow. */
export function brokenFix(record: Pick<WatchRecord, 'watch'>, reason: ChannelGone): string {
  const channel = `<#${record.watch.channelId}>`;
  const rewatch = `type ${code(`/migrate watch ${record.watch.connection}:${record.watch.id}`)} there`;
  const invite = `invite me with ${code('/invite @migrate')} in ${channel}`;
  if (reason === 'is_archived') return `unarchive ${channel}, ${invite}, then ${rewatch}.`;
  if (reason === 'channel_not_found')
    return `if ${channel} still exists, ${invite}, then ${rewatch}; if it was deleted, watch the migration in another channel and \`/migrate unwatch\` this one.`;
  return `${invite}, then ${rewatch}.`;
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
  const common = { teamId: watch.teamId, createdAt: Date.now(), attempts: 0 };
  if (isUserId(watch.by)) {
    const text = truncate(
      `:warning: I can't post about *${escapeMrkdwn(snapshot.name)}* ${code(`${watch.connection}:${watch.id}`)} in <#${watch.channelId}> any more: ${brokenLabel(broken)}. Its notifications are held, not lost.\n*To fix it:* ${brokenFix(record, reason)}`,
      3000,
    );
    const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
    entries.push({
      ...common,
      key: `${base}:dm`,
      type: 'dm',
      event: 'broken',
      channel: watch.by,
      text,
      blocks,
    });
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
export function prepareRepair(record: WatchRecord): WatchRecord {
  const broken = record.broken;
  if (!broken) return record;
  const key = `${dedupBase(record.watch)}:broken${broken.episode}:repaired`;
  const outbox = record.outbox.map((e) =>
    isHeld(record, e) ? { ...e, notBefore: undefined, failedAt: undefined } : e,
  );
  if (!outbox.some((e) => e.key === key) && !record.sent.includes(key)) {
    const text = `:white_check_mark: I can post here again (I could not since ${formatTimestamp(new Date(broken.since))}): watching *${escapeMrkdwn(truncate(record.snapshot.name, 200))}* resumed. What was held and what changed meanwhile follow in this thread.`;
    const entry: OutboxEntry = {
      key,
      type: 'reply',
      event: 'repaired',
      teamId: record.watch.teamId,
      channel: record.watch.channelId,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      createdAt: Date.now(),
      attempts: 0,
    };
    const at = outbox[0]?.type === 'parent' ? 1 : 0;
    outbox.splice(at, 0, entry);
  }
  return { ...record, outbox, card: { ...record.card, dirty: record.parentTs !== undefined } };
}
