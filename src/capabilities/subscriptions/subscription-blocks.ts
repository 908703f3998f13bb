import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, truncate } from '../../slack/blocks/mrkdwn.js';
import type { UseCaseReply } from '../../slack/blocks/use-case-replies.js';
import { workspaceUseLines } from '../../slack/blocks/workspace-use.js';
import type { WorkspaceUse } from '../../watcher/records/workspace-limits.js';
import type { Subscribed, Unsubscribed } from './subscribe-channel.js';
import type { FollowMode, Subscription } from './subscriptions.js';
import { SUBSCRIPTIONS_WORDS, type SubscriptionsKey } from './words.js';

/** What each mode posts, in the words the README and help use. */
/** A reader's translator with this capability's own words beside the bot's. */
type Own = Translator<SubscriptionsKey>;

function modeWords(mode: FollowMode, tr: Own): string {
  return tr.t(`subscriptions.mode.${mode}`);
}

function what(s: Pick<Subscription, 'connection' | 'groupId'>, tr: Own): string {
  return s.groupId
    ? tr.t('subscriptions.what.group', { ref: code(`${s.connection}:${s.groupId}`) })
    : tr.t('subscriptions.what.connection', { ref: code(s.connection) });
}

export function renderSubscribed(
  { subscription: s, created, before }: Subscribed,
  reader: Translator = ENGLISH,
): UseCaseReply {
  const tr = reader.with(SUBSCRIPTIONS_WORDS);
  const values = {
    where: `<#${s.channelId}>`,
    what: what(s, tr),
    mode: s.mode,
    words: modeWords(s.mode, tr),
  };
  if (!created && before === s.mode) return { text: tr.t('subscriptions.already', values) };
  return {
    text: created
      ? tr.t('subscriptions.now', values)
      : tr.t('subscriptions.modeChanged', { ...values, before: before ?? '' }),
  };
}

export function renderUnsubscribed(
  { subscription: s, watches }: Unsubscribed,
  reader: Translator = ENGLISH,
): UseCaseReply {
  const tr = reader.with(SUBSCRIPTIONS_WORDS);
  const stopped = watches > 0 ? tr.t('subscriptions.stopped', { count: watches }) : '';
  return { text: tr.t('subscriptions.gone', { where: `<#${s.channelId}>`, what: what(s, tr), stopped }) };
}

const MAX_LINES = 45;

/** `use`: the workspace's use against its caps, shown under the list (and under "none"). */
export function renderSubscriptionList(
  subs: readonly Subscription[],
  channel?: string,
  reader: Translator = ENGLISH,
  use?: WorkspaceUse,
): UseCaseReply {
  const tr = reader.with(SUBSCRIPTIONS_WORDS);
  const caps: KnownBlock[] = use
    ? [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: truncate(workspaceUseLines(use, reader).join('\n'), 3000) }],
        },
      ]
    : [];
  if (subs.length === 0) {
    const text = channel
      ? tr.t('subscriptions.noneIn', { channel: `<#${channel}>` })
      : tr.t('subscriptions.none');
    return caps.length === 0
      ? { text }
      : {
          text,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }, ...caps],
        };
  }
  const lines = subs.slice(0, MAX_LINES).map((s) =>
    tr.t('subscriptions.line', {
      channel: `<#${s.channelId}>`,
      what: what(s, tr),
      mode: s.mode,
      user: `<@${s.by}>`,
      since: slackDate(new Date(s.createdAt), '{date_short}'),
    }),
  );
  if (subs.length > MAX_LINES) lines.push(tr.t('subscriptions.more', { count: subs.length - MAX_LINES }));
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(tr.t('subscriptions.title', { count: subs.length }), 3000) },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
    ...caps,
  ];
  return { text: tr.t('subscriptions.count', { count: subs.length }), blocks };
}
