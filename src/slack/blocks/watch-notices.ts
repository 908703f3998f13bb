import type { KnownBlock } from '@slack/types';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import { brokenFixParts } from '../../watcher/outbox/broken-channel.js';
import type {
  BrokenNote,
  ConnectionNote,
  DigestNote,
  RepairedNote,
} from '../../watcher/outbox/notification.js';
import type { BrokenState } from '../../watcher/records/watch-store.js';
import { displayName, refBeside } from './display-name.js';
import { slackDate } from './format.js';
import { MESSAGE_TEXT_BUDGET, packLines } from './message-budget.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { resourceRef } from './resource-card.js';
import { stateLabelIn } from './state-words.js';
import type { Rendered } from './watch-notifications.js';

/**
 * The watcher's notices that are not about one event of a resource: a connection down or up, the
 * daily digest, a broken watch (the creator's direct message, the reply once it is repaired), and
 * a time window the policy refused.
 */

/** Said once when a connection stops answering, and once when it answers again. */
export function renderConnectionNotice(note: ConnectionNote, tr: Translator = ENGLISH): Rendered {
  const { connection, since, at, reason } = note;
  const text =
    note.state === 'down'
      ? tr.t('watch.connectionDown', {
          connection: code(connection),
          since: slackDate(new Date(since)),
          reason: reason ? ` (${escapeMrkdwn(truncate(reason, 200))})` : '',
        })
      : tr.t('watch.connectionUp', { connection: code(connection), after: tr.duration((at - since) / 1000) });
  return { text, blocks: [section(text)] };
}

/** One message per channel per day: every watched resource, its state, and what changed since. */
export function renderDigest(note: DigestNote, tr: Translator = ENGLISH): Rendered {
  const { day, items } = note;
  const header = tr.t('watch.digest.header', { day, n: items.length });
  const lines = items.map((item) => {
    const state =
      item.watchState === 'gone'
        ? `:grey_question: ${tr.t('watch.digest.gone')}`
        : stateLabelIn(item.state, tr);
    const progress = item.progress !== undefined ? ` ${tr.percent(item.progress)}` : '';
    const before = item.before;
    let change = tr.t('watch.digest.new');
    if (before) {
      const moved =
        item.progress !== undefined && before.progress !== undefined
          ? item.progress - before.progress
          : undefined;
      change =
        before.state !== item.watchState
          ? tr.t('watch.digest.was', { state: before.state })
          : moved !== undefined && moved > 0
            ? `+${tr.percent(moved)}`
            : tr.t('watch.digest.noChange');
    }
    const named = displayName(item.name, item.title);
    return `• ${escapeMrkdwn(truncate(named.lead, 80))} ${refBeside(resourceRef(item), named)}: ${state}${progress} (${change})`;
  });
  const text = truncate([header, ...lines].join('\n'), 3000);
  const headerText = truncate(header, 3000);
  // Whole lines, as many as the message can carry; the rest are counted, never silently cut.
  const packed = packLines(lines, MESSAGE_TEXT_BUDGET - headerText.length - 200, { maxSections: 45 });
  const blocks: KnownBlock[] = [
    section(headerText),
    ...packed.sections.map((part): KnownBlock => section(part)),
  ];
  if (packed.left > 0) blocks.push(context(tr.t('watch.digest.more', { n: packed.left })));
  return { text, blocks };
}

/** What happened to a broken watch, in a few words, for lists (`watches`, the Home tab) and the DM. */
export function brokenLabel(broken: BrokenState, tr: Translator = ENGLISH): string {
  const reason =
    (['not_in_channel', 'is_archived'] as const).find((r) => r === broken.reason) ?? 'channel_not_found';
  return tr.t(`broken.why.${reason}`, {
    reason: code(broken.reason),
    since: slackDate(new Date(broken.since)),
  });
}

/** The direct message to a watch's creator when Slack refuses the watch's channel (in their language). */
export function renderBrokenDm(note: BrokenNote, tr: Translator = ENGLISH): Rendered {
  const watch = { channelId: note.channelId, connection: note.connection, id: note.id };
  const fix = brokenFixParts({ watch }, note.broken.reason);
  const text = truncate(
    tr.t('broken.dm', {
      name: `*${escapeMrkdwn(note.name)}*`,
      ref: code(`${note.connection}:${note.id}`),
      channel: `<#${note.channelId}>`,
      why: brokenLabel(note.broken, tr),
      fix: tr.t(fix.key as MessageKey, fix.values),
    }),
    3000,
  );
  return { text, blocks: [section(text)] };
}

/** The thread reply once Slack takes posts in a broken watch's channel again. */
export function renderRepaired(note: RepairedNote, tr: Translator = ENGLISH): Rendered {
  const text = tr.t('watch.repaired', {
    since: slackDate(new Date(note.since)),
    name: `*${escapeMrkdwn(truncate(note.name, 200))}*`,
  });
  return { text, blocks: [section(text)] };
}
