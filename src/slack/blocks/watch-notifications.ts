import type { Button, KnownBlock } from '@slack/types';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import type { ResourceAction } from '../../providers/types.js';
import type { CompletionSpeeds } from '../../reports/completion-report.js';
import { brokenFixParts } from '../../watcher/broken-channel.js';
import type {
  BrokenNote,
  CardFacts,
  ConnectionNote,
  DigestNote,
  EventNote,
  RepairedNote,
  ResourceFacts,
  WatchNotification,
} from '../../watcher/notification.js';
import type { BrokenState } from '../../watcher/watch-store.js';
import { encodeResourceButton } from '../resource-button.js';
import { renderCompletionReport } from './completion-report.js';
import { failureExplanationText } from './failure-explanation.js';
import { renderFailureListing } from './failure-listing.js';
import { slackDate } from './format.js';
import { failedTaskLine } from './group-card.js';
import { MESSAGE_TEXT_BUDGET, packLines } from './message-budget.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import {
  actionLabel,
  actionsBlock,
  kindWords,
  renderResourceCard,
  resourceRef,
  startAgainIf,
} from './resource-card.js';
import { stateLabelIn } from './state-words.js';

/**
 * What the watcher posts, rendered when it is sent: the parent card (the resource card, edited in
 * place), thread replies per event, connection notices, the daily digest, and the messages about a
 * broken watch. They draw from the data the watcher stored only, never call a provider, and escape
 * every provider string.
 */
export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

export function renderParentCard(card: CardFacts, tr: Translator = ENGLISH): Rendered {
  const r = card.resource;
  const kind = kindWords(r.kind, tr);
  const notice = card.ended
    ? tr.t('watch.card.ended', { ref: code(resourceRef(r)) })
    : /^[UW][A-Z0-9]+$/.test(card.by)
      ? tr.t('watch.card.watchedBy', { user: `<@${card.by}>`, kind })
      : tr.t('watch.card.watched', { kind });
  // A card a creation request made says which request, so the channel can tell what it was for.
  const origin = card.origin
    ? ` ${tr.t('watch.card.origin', { request: code(card.origin.request), title: card.origin.title ? `“${escapeMrkdwn(truncate(card.origin.title, 120))}”` : '' })}`
    : '';
  return {
    text: truncate(`${escapeMrkdwn(card.origin?.title ?? r.name)}: ${stateLabelIn(r.state, tr)}`, 3000),
    blocks: renderResourceCard(r, card.ended ? [] : card.actions, {
      allActions: card.actions,
      title: card.origin?.title,
      notice: `${notice}${origin}`,
      withActions: !card.ended,
      // This card is the watch itself.
      watch: false,
      lastAction: card.requested,
      group: card.group,
      claim: card.claim,
      tr,
    }),
  };
}

/** Rendered in `tr`'s language: the channel's for channel posts (the DM about a broken watch stays English). */
export function renderWatchNotification(note: WatchNotification, tr: Translator = ENGLISH): Rendered {
  switch (note.kind) {
    case 'event':
      return renderEventReply(note, tr);
    case 'connection':
      return renderConnectionNotice(note, tr);
    case 'digest':
      return renderDigest(note, tr);
    case 'broken':
      return renderBrokenDm(note, tr);
    case 'repaired':
      return renderRepaired(note, tr);
    case 'report':
      return renderCompletionReport(note, tr);
    case 'failures':
      return renderFailureListing(note, tr);
  }
}

/** A state without its emoji, in lower case (`migrating`). */
function stateWordsOf(r: Pick<ResourceFacts, 'state'>, tr: Translator): string {
  return tr.t(`state.${r.state}`).toLowerCase();
}

/** A thread reply for one event, from the figures as they were when it was detected. */
export function renderEventReply(note: EventNote, tr: Translator = ENGLISH): Rendered {
  const { event, resource: r, actions, at } = note;
  const name = `*${escapeMrkdwn(r.name)}*`;
  const pct = r.progress !== undefined ? tr.t('watch.at', { pct: tr.percent(r.progress) }) : '';
  // Who asked for it through the bot, so the channel sees it, not only the person's private reply.
  const by = note.by ? tr.t('watch.by', { user: `<@${note.by}>` }) : '';
  const lines: string[] = [];
  let buttons: Button[] = [];
  switch (event) {
    case 'started':
      lines.push(
        tr.t('watch.started', { name, bytes: tr.bytes(r.bytes.total), count: tr.count(r.objects.total) }),
      );
      break;
    case 'paused':
      lines.push(tr.t('watch.paused', { name, at: pct, by, transferred: transferred(r, tr) }));
      buttons = eventButtons(r, actions, ['resume'], tr);
      break;
    case 'resumed':
      lines.push(tr.t('watch.resumed', { name, at: pct, by }));
      break;
    case 'retrying':
      lines.push(tr.t('watch.retrying', { name, run: String(note.run), at: pct, by }));
      break;
    case 'failed':
      return renderFailedReply(note, name, pct, tr);
    case 'succeeded':
      lines.push(...completionLines(r, name, tr, note.speeds));
      break;
    case 'cancelled':
      lines.push(tr.t('watch.cancelled', { name, at: pct, by, transferred: transferred(r, tr) }));
      break;
    case 'deleted':
      lines.push(tr.t('watch.deleted', { name, by }));
      break;
    case 'vanished':
      lines.push(
        tr.t('watch.vanished', { name, connection: code(r.connection), state: stateWordsOf(r, tr), at: pct }),
      );
      break;
    case 'stalled': {
      const still = tr.duration((note.stalledForMs ?? 0) / 1000);
      const speed = note.lastSpeed ? `${tr.bytes(note.lastSpeed)}/s` : tr.t('watch.speedUnknown');
      lines.push(
        tr.t('watch.stalled', {
          name,
          still,
          at: pct,
          transferred: transferred(r, tr),
          speed,
          state: stateWordsOf(r, tr),
        }),
      );
      buttons = eventButtons(r, actions, ['pause', 'resume', 'retry'], tr);
      break;
    }
    case 'tasks-failed': {
      const g = note.group;
      lines.push(
        `:x: ${name}: ${g ? `${tr.count(g.failedCount)} of ${tr.count(g.tasks)} tasks` : 'more tasks'} failed now.`,
      );
      for (const t of g?.failed ?? []) lines.push(failedTaskLine(r.connection, t));
      break;
    }
    case 'moving':
      lines.push(
        tr.t('watch.moving', {
          name,
          at: pct,
          speed: r.speed ? tr.t('watch.movingSpeed', { speed: `${tr.bytes(r.speed)}/s` }) : '',
        }),
      );
      break;
  }
  const text = truncate(lines.join('\n'), 3000);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${code(resourceRef(r))} · ${slackDate(new Date(at), '{time}')}` }],
  });
  if (buttons.length > 0)
    blocks.push({
      type: 'actions',
      block_id: truncate(`watch:${event}:${resourceRef(r)}`, 255),
      elements: [...buttons, refreshButton(r, tr)],
    });
  return { text, blocks };
}

function transferred(r: ResourceFacts, tr: Translator): string {
  return tr.t('watch.transferred', { done: tr.bytes(r.bytes.done), total: tr.bytes(r.bytes.total) });
}

/**
 * The failure in the thread and the channel reads as on the card and in `/migrate explain`, each
 * sentence once: what failed, when and what its code means on the first line; then the fix, the
 * provider's words if they add something, where the failed objects are, and the next step. The
 * objects in small print, and the card's own buttons, so the post and the card offer the same.
 */
function renderFailedReply(note: EventNote, name: string, pct: string, tr: Translator): Rendered {
  const { resource: r, actions, at } = note;
  const lead = tr.t('watch.failedWhen', { name, at: pct, when: slackDate(new Date(at)) });
  const text = failureExplanationText(
    {
      code: r.lastError?.code,
      providerMessage: r.lastError?.message,
      failedObjectList: r.failedObjectList
        ? { path: r.failedObjectList, bucket: r.destinationBucket }
        : undefined,
      startAgain: startAgainIf(r, actions, tr),
      tr,
    },
    lead,
  );
  const skipped = r.objects.skipped ? tr.t('watch.skipped', { n: tr.count(r.objects.skipped) }) : '';
  const objects = tr.t('watch.failedObjects', {
    failed: tr.count(r.objects.failed ?? 0),
    done: tr.count(r.objects.done),
    total: tr.count(r.objects.total),
    skipped,
  });
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${objects} · ${code(resourceRef(r))}` }] },
      actionsBlock(r, actions, false, tr),
    ],
  };
}

function completionLines(
  r: ResourceFacts,
  name: string,
  tr: Translator,
  speeds?: CompletionSpeeds,
): string[] {
  // The completion report's figures (same average, same peak), so the post and the report agree; a
  // note queued before they were carried falls back to the provider's bytes over its time.
  const seconds = speeds?.durationSeconds ?? r.elapsedSeconds;
  const average =
    speeds?.averageBytesPerSecond ??
    (seconds && r.bytes.done !== undefined && seconds > 0 ? r.bytes.done / seconds : undefined);
  const rate = (bps: number | undefined) => (bps === undefined ? '—' : `${tr.bytes(bps)}/s`);
  const lines = [
    tr.t('watch.succeeded', {
      name,
      bytes: tr.bytes(r.bytes.done),
      done: tr.count(r.objects.done),
      total: tr.count(r.objects.total),
      skipped: tr.count(r.objects.skipped ?? 0),
      failed: tr.count(r.objects.failed ?? 0),
    }),
    tr.t('watch.succeededFigures', {
      duration: tr.duration(seconds),
      speed: rate(average),
      over: speeds?.averageOver ?? 'run',
      peak: speeds?.peakBytesPerSecond === undefined ? 'none' : rate(speeds.peakBytesPerSecond),
    }),
  ];
  if (r.failedObjectList && r.objects.failed)
    lines.push(tr.t('watch.failedListed', { path: code(r.failedObjectList) }));
  return lines;
}

/** The card's own action ids (`resource.*`) and words (Resume, not Start), so the listeners handle them. */
function eventButtons(
  r: ResourceFacts,
  actions: readonly ResourceAction[],
  wanted: readonly ResourceAction[],
  tr: Translator,
): Button[] {
  const value = encodeResourceButton(r);
  return wanted
    .filter((a) => actions.includes(a))
    .map((action) => {
      const button: Button = {
        type: 'button',
        action_id: `resource.${action}`,
        text: { type: 'plain_text', text: actionLabel(action, tr, r.state) },
        value,
      };
      if (action === 'pause')
        button.confirm = {
          title: { type: 'plain_text', text: tr.t('watch.pauseConfirm.title') },
          text: {
            type: 'plain_text',
            text: truncate(tr.t('watch.pauseConfirm.text', { name: r.name }), 300),
          },
          confirm: { type: 'plain_text', text: tr.t('confirm.pause.verb') },
          deny: { type: 'plain_text', text: tr.t('confirm.deny') },
        };
      else button.style = 'primary';
      return button;
    });
}

function refreshButton(r: ResourceFacts, tr: Translator): Button {
  return {
    type: 'button',
    action_id: 'resource.refresh',
    text: { type: 'plain_text', text: tr.t('button.refresh') },
    value: encodeResourceButton(r),
  };
}

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
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
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
    return `• ${escapeMrkdwn(truncate(item.name, 80))} ${code(resourceRef(item))}: ${state}${progress} (${change})`;
  });
  const text = truncate([header, ...lines].join('\n'), 3000);
  const headerText = truncate(header, 3000);
  // Whole lines, as many as the message can carry; the rest are counted, never silently cut.
  const packed = packLines(lines, MESSAGE_TEXT_BUDGET - headerText.length - 200, { maxSections: 45 });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headerText } },
    ...packed.sections.map(
      (section): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: section } }),
    ),
  ];
  if (packed.left > 0)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: tr.t('watch.digest.more', { n: packed.left }) }],
    });
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
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The thread reply once Slack takes posts in a broken watch's channel again. */
export function renderRepaired(note: RepairedNote, tr: Translator = ENGLISH): Rendered {
  const text = tr.t('watch.repaired', {
    since: slackDate(new Date(note.since)),
    name: `*${escapeMrkdwn(truncate(note.name, 200))}*`,
  });
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
