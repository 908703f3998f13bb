import type { Button, KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { ResourceAction } from '../../providers/types.js';
import type { CompletionSpeeds } from '../../reports/completion-report.js';
import type {
  CardFacts,
  EventNote,
  ResourceFacts,
  WatchNotification,
} from '../../watcher/outbox/notification.js';
import { encodeResourceButton } from '../resource-button.js';
import { type CardDrawing, drawnOnCard, NO_DRAWING } from './capability-drawing.js';
import { renderCompletionReport } from './completion-report.js';
import { displayName, refBeside } from './display-name.js';
import { failureExplanationText } from './failure-explanation.js';
import { renderFailureListing } from './failure-listing.js';
import { slackDate } from './format.js';
import { tasksFailedLines } from './group-card.js';
import { code, context, escapeMrkdwn, truncate } from './mrkdwn.js';
import {
  actionLabel,
  actionsBlock,
  buttonLabels,
  kindWords,
  renderResourceCard,
  resourceRef,
  startAgainIf,
  whoActed,
} from './resource-card.js';
import { stateLabelIn } from './state-words.js';
import { renderBrokenDm, renderConnectionNotice, renderDigest, renderRepaired } from './watch-notices.js';

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

/**
 * `now`: when it is drawn, on the bot's clock (the card's "checked" time). `lines`: what the
 * capabilities draw from the card's facts (`StartedCapabilities.cardLines`), already in `tr`'s language;
 * `drawing`, their buttons, the line under its failure and their sentences in its notice.
 */
export function renderParentCard(
  card: CardFacts,
  tr: Translator,
  now: number,
  lines: readonly string[] = [],
  drawing: Partial<CardDrawing> = NO_DRAWING,
): Rendered {
  const r = card.resource;
  const kind = kindWords(r.kind, tr);
  const notice = card.ended
    ? tr.t('watch.card.ended', { ref: code(resourceRef(r)) })
    : /^[UW][A-Z0-9]+$/.test(card.by)
      ? tr.t('watch.card.watchedBy', { user: `<@${card.by}>`, kind })
      : tr.t('watch.card.watched', { kind });
  // A card a creation request made says which request, so the channel can tell what it was for.
  const origin = card.origin?.request
    ? ` ${tr.t('watch.card.origin', { request: code(card.origin.request), title: card.origin.title ? ` “${escapeMrkdwn(truncate(card.origin.title, 120))}”` : '' })}`
    : '';
  // A delta run's card links back to the run it follows: the chain reads from either end.
  const chain = card.origin?.chain;
  const of = chain?.link
    ? `<${chain.link}|${escapeMrkdwn(truncate(chain.of, 120))}>`
    : code(truncate(chain?.of ?? '', 120));
  const chained = chain
    ? ` ${tr.t(chain.series === 'retry' ? 'watch.card.chainRetry' : 'watch.card.chain', { n: chain.n, of })}`
    : '';
  return {
    text: truncate(
      `${escapeMrkdwn(displayName(r.name, card.origin?.title).lead)}: ${stateLabelIn(r.state, tr)}`,
      3000,
    ),
    blocks: renderResourceCard(r, card.ended ? [] : card.actions, {
      allActions: card.actions,
      title: card.origin?.title,
      // Its sentences are joined with a space; Chinese ones end in a full stop that takes none.
      notice: [`${notice}${origin}${chained}`, ...(drawing.cardNotices?.(card, tr) ?? [])]
        .join(' ')
        .replace(/([。！？]) /gu, '$1'),
      withActions: !card.ended,
      // This card is the watch itself.
      watch: false,
      acted: card.requested && whoActed(r, card.requested, tr, drawing),
      group: card.group,
      ...drawnOnCard(drawing, card.facts, tr, r),
      eta: card.eta,
      capabilityLines: lines,
      explainedInThread: card.failurePosted === true && r.state === 'failed',
      tr,
      now,
    }),
  };
}

/**
 * Rendered in `tr`'s language: the channel's for channel posts (the DM about a broken watch stays
 * English). A capability's own post (`view`) and its notes (`said`, an event it said) are drawn
 * by that capability, not here.
 */
export function renderWatchNotification(
  note: Exclude<WatchNotification, { kind: 'view' | 'said' }>,
  tr: Translator = ENGLISH,
  drawing: CardDrawing = NO_DRAWING,
): Rendered {
  switch (note.kind) {
    case 'event':
      return renderEventReply(note, tr, drawing);
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
      return renderFailureListing(note, tr, drawing);
  }
}

/** A state without its emoji, in lower case (`migrating`). */
function stateWordsOf(r: Pick<ResourceFacts, 'state'>, tr: Translator): string {
  return tr.t(`state.${r.state}`).toLowerCase();
}

/**
 * A thread reply for one event, from the figures as they were when it was detected; `drawing`,
 * what the capabilities add to a failure's (who is on it, I'm on it).
 */
export function renderEventReply(
  note: EventNote,
  tr: Translator = ENGLISH,
  drawing: CardDrawing = NO_DRAWING,
): Rendered {
  const { event, resource: r, actions, at } = note;
  // Called what its card calls it: the requester's title leads, the provider's name by the ref.
  const named = displayName(r.name, note.title);
  const name = `*${escapeMrkdwn(named.lead)}*`;
  const pct = r.progress !== undefined ? tr.t('watch.at', { pct: tr.percent(r.progress) }) : '';
  // Who asked through the bot (a capability's timed work, a window, told as its), so the channel sees it too.
  const by = note.by
    ? ((note.via && drawing.actedBy?.(note.via, note.by, tr)) ?? tr.t('watch.by', { user: `<@${note.by}>` }))
    : '';
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
      buttons = eventButtons(r, named.lead, actions, ['resume'], tr);
      break;
    case 'resumed':
      lines.push(tr.t('watch.resumed', { name, at: pct, by }));
      break;
    case 'retrying':
      lines.push(tr.t('watch.retrying', { name, run: String(note.run), at: pct, by }));
      break;
    case 'failed':
      return renderFailedReply(note, name, pct, tr, drawing);
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
      buttons = eventButtons(r, named.lead, actions, ['pause', 'resume', 'retry'], tr);
      break;
    }
    case 'tasks-failed':
      lines.push(...tasksFailedLines(name, r.connection, note.group, tr));
      break;
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
    elements: [
      { type: 'mrkdwn', text: `${refBeside(resourceRef(r), named)} · ${slackDate(new Date(at), '{time}')}` },
    ],
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
function renderFailedReply(
  note: EventNote,
  name: string,
  pct: string,
  tr: Translator,
  drawing: CardDrawing,
): Rendered {
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
      // The fix names only the buttons below it (the card's own).
      buttons: buttonLabels(r, actions, tr),
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
  // What the capabilities say of the failure (who is on it) under the explanation, and their
  // buttons (Hand back / Take over in place of I'm on it) among the card's own.
  const said = drawing.failureLines(note.facts, tr);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...(said.length > 0 ? [context(said.join('\n'))] : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${objects} · ${refBeside(resourceRef(r), displayName(r.name, note.title))}`,
          },
        ],
      },
      actionsBlock(r, actions, false, tr, undefined, drawing.cardButtons(note.facts, tr, r)),
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
  name: string,
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
            text: truncate(tr.t('watch.pauseConfirm.text', { name }), 300),
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
