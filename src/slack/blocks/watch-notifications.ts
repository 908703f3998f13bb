import type { Button, KnownBlock } from '@slack/types';
import { classifyCode, NEXT_STEPS } from '../../catalogue/code-classes.js';
import type { ResourceAction } from '../../providers/types.js';
import { brokenFix } from '../../watcher/broken-channel.js';
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
import { failureExplanationText } from './failure-explanation.js';
import { formatBytes, formatCount, formatDuration, formatPercent, slackDate } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { ACTION_LABELS, renderResourceCard, resourceRef, STATE_LABELS } from './resource-card.js';

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

export function renderParentCard(card: CardFacts): Rendered {
  const r = card.resource;
  const by = /^[UW][A-Z0-9]+$/.test(card.by) ? ` by <@${card.by}>` : '';
  const notice = card.ended
    ? `:wastebasket: ${code(resourceRef(r))} no longer exists; this card is no longer updated.`
    : `:eyes: Watched in this channel${by}: this card follows the ${r.kind}, events go to its thread.`;
  return {
    text: truncate(`${escapeMrkdwn(r.name)}: ${STATE_LABELS[r.state]}`, 3000),
    blocks: renderResourceCard(r, card.ended ? [] : card.actions, {
      notice,
      withActions: !card.ended,
      // This card is the watch itself.
      watch: false,
    }),
  };
}

export function renderWatchNotification(note: WatchNotification): Rendered {
  switch (note.kind) {
    case 'event':
      return renderEventReply(note);
    case 'connection':
      return renderConnectionNotice(note);
    case 'digest':
      return renderDigest(note);
    case 'broken':
      return renderBrokenDm(note);
    case 'repaired':
      return renderRepaired(note);
  }
}

/** A state label without its emoji, in lower case (`migrating`). */
function stateWords(r: ResourceFacts): string {
  return STATE_LABELS[r.state].replace(/^:[a-z_]+: /, '').toLowerCase();
}

/** A thread reply for one event, from the figures as they were when it was detected. */
export function renderEventReply(note: EventNote): Rendered {
  const { event, resource: r, actions, at } = note;
  const name = `*${escapeMrkdwn(r.name)}*`;
  const pct = r.progress !== undefined ? ` at ${formatPercent(r.progress)}` : '';
  // Who asked for it through the bot, so the channel sees it, not only the person's private reply.
  const by = note.by ? ` by <@${note.by}>` : '';
  const lines: string[] = [];
  let buttons: Button[] = [];
  switch (event) {
    case 'started':
      lines.push(
        `:arrow_forward: ${name} started migrating: ${formatBytes(r.bytes.total)}, ${formatCount(r.objects.total)} objects.`,
      );
      break;
    case 'paused':
      lines.push(`:double_vertical_bar: ${name} paused${pct}${by} (${transferred(r)}).`);
      buttons = eventButtons(r, actions, ['resume']);
      break;
    case 'resumed':
      lines.push(`:arrow_forward: ${name} resumed${pct}${by}.`);
      break;
    case 'retrying':
      lines.push(`:repeat: ${name} is running again (attempt ${note.run})${pct}${by}.`);
      break;
    case 'failed':
      lines.push(...failureLines(r, name, pct));
      // The failure's class picks what may help; a permissions or configuration failure offers no retry.
      buttons = eventButtons(r, actions, failureButtons(r.lastError?.code));
      break;
    case 'succeeded':
      lines.push(...completionLines(r, name));
      break;
    case 'cancelled':
      lines.push(`:no_entry_sign: ${name} was cancelled${pct}${by} (${transferred(r)}).`);
      break;
    case 'deleted':
      lines.push(`:wastebasket: ${name} was deleted${by}; it is no longer watched.`);
      break;
    case 'vanished':
      lines.push(
        `:grey_question: ${name} no longer exists on ${code(r.connection)} (last seen ${stateWords(r)}${pct}); it is no longer watched.`,
      );
      break;
    case 'stalled': {
      const still = formatDuration((note.stalledForMs ?? 0) / 1000);
      const speed = note.lastSpeed ? `${formatBytes(note.lastSpeed)}/s` : 'unknown';
      lines.push(
        `:hourglass: ${name} has not moved for ${still}${pct} (${transferred(r)}); last speed ${speed}. It says it is still ${stateWords(r)}.`,
      );
      buttons = eventButtons(r, actions, ['pause', 'resume', 'retry']);
      break;
    }
    case 'moving':
      lines.push(
        `:arrow_forward: ${name} is moving again${pct}${r.speed ? ` at ${formatBytes(r.speed)}/s` : ''}.`,
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
      elements: [...buttons, refreshButton(r)],
    });
  return { text, blocks };
}

function transferred(r: ResourceFacts): string {
  return `${formatBytes(r.bytes.done)} of ${formatBytes(r.bytes.total)}`;
}

/**
 * The failure in the thread and the channel reads as on the card and in `/migrate explain`: the
 * catalogue's message with the code once, what it means, the fix, the provider's words quoted once,
 * where the failed objects are, and the next step its class calls for.
 */
function failureLines(r: ResourceFacts, name: string, pct: string): string[] {
  const lead = [
    `:x: ${name} failed${pct}.`,
    `*Objects:* ${formatCount(r.objects.failed ?? 0)} failed · ${formatCount(r.objects.done)} of ${formatCount(r.objects.total)} migrated` +
      (r.objects.skipped ? ` · ${formatCount(r.objects.skipped)} skipped` : ''),
  ].join('\n');
  return [
    failureExplanationText(
      {
        code: r.lastError?.code,
        providerMessage: r.lastError?.message,
        failedObjectList: r.failedObjectList
          ? { path: r.failedObjectList, bucket: r.destinationBucket }
          : undefined,
      },
      lead,
    ),
  ];
}

function completionLines(r: ResourceFacts, name: string): string[] {
  const seconds = r.elapsedSeconds;
  const average =
    seconds && r.bytes.done !== undefined && seconds > 0 ? `${formatBytes(r.bytes.done / seconds)}/s` : '—';
  const lines = [
    `:white_check_mark: ${name} completed: ${formatBytes(r.bytes.done)} · ${formatCount(r.objects.done)} of ${formatCount(r.objects.total)} objects · ${formatCount(r.objects.skipped ?? 0)} skipped · ${formatCount(r.objects.failed ?? 0)} failed`,
    `*Duration:* ${formatDuration(seconds)} · *Average speed:* ${average}`,
  ];
  if (r.failedObjectList && r.objects.failed)
    lines.push(`Failed objects are listed in ${code(r.failedObjectList)}.`);
  return lines;
}

/** The same words as on the card (Resume, not Start), wherever a button appears. */
const BUTTON_LABELS: Partial<Record<ResourceAction, string>> = ACTION_LABELS;

/** A code the catalogue does not know: nothing says retrying is useless, so both stay on offer. */
function failureButtons(errorCode: string | undefined): ResourceAction[] {
  const codeClass = classifyCode(errorCode);
  if (codeClass === 'unknown') return ['retry', 'resume'];
  return NEXT_STEPS[codeClass].main.filter((s): s is 'resume' | 'retry' => s === 'resume' || s === 'retry');
}

/** The card's own action ids (`resource.*`), so the existing button listeners handle them. */
function eventButtons(
  r: ResourceFacts,
  actions: readonly ResourceAction[],
  wanted: readonly ResourceAction[],
): Button[] {
  const value = encodeResourceButton(r);
  return wanted
    .filter((a) => actions.includes(a))
    .map((action) => {
      const button: Button = {
        type: 'button',
        action_id: `resource.${action}`,
        text: { type: 'plain_text', text: BUTTON_LABELS[action] ?? action },
        value,
      };
      if (action === 'pause')
        button.confirm = {
          title: { type: 'plain_text', text: 'Pause?' },
          text: {
            type: 'plain_text',
            text: truncate(`Pause ${r.name}? It stops until someone resumes it.`, 300),
          },
          confirm: { type: 'plain_text', text: 'Pause' },
          deny: { type: 'plain_text', text: 'Keep it' },
        };
      else button.style = 'primary';
      return button;
    });
}

function refreshButton(r: ResourceFacts): Button {
  return {
    type: 'button',
    action_id: 'resource.refresh',
    text: { type: 'plain_text', text: 'Refresh' },
    value: encodeResourceButton(r),
  };
}

/** Said once when a connection stops answering, and once when it answers again. */
export function renderConnectionNotice(note: ConnectionNote): Rendered {
  const { connection, since, at, reason } = note;
  const text =
    note.state === 'down'
      ? `:warning: ${code(connection)} is not answering since ${slackDate(new Date(since))}${reason ? ` (${escapeMrkdwn(truncate(reason, 200))})` : ''}; watching resumes automatically. This is not a migration failure.`
      : `:white_check_mark: ${code(connection)} answers again after ${formatDuration((at - since) / 1000)}; watching resumed.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** One message per channel per day: every watched resource, its state, and what changed since. */
export function renderDigest(note: DigestNote): Rendered {
  const { day, items } = note;
  const header = `:newspaper: *Daily digest, ${day}*: ${items.length} watched migration${items.length === 1 ? '' : 's'}`;
  const lines = items.map((item) => {
    const state = item.watchState === 'gone' ? ':grey_question: Gone' : STATE_LABELS[item.state];
    const progress = item.progress !== undefined ? ` ${formatPercent(item.progress)}` : '';
    const before = item.before;
    let change = 'new since the last digest';
    if (before) {
      const moved =
        item.progress !== undefined && before.progress !== undefined
          ? item.progress - before.progress
          : undefined;
      change =
        before.state !== item.watchState
          ? `was ${before.state}`
          : moved !== undefined && moved > 0
            ? `+${formatPercent(moved)}`
            : 'no change';
    }
    return `• ${escapeMrkdwn(truncate(item.name, 80))} ${code(resourceRef(item))}: ${state}${progress} (${change})`;
  });
  const text = truncate([header, ...lines].join('\n'), 3000);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(header, 3000) } }];
  for (let i = 0; i < lines.length && blocks.length < 45; i += 20) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.slice(i, i + 20).join('\n'), 3000) },
    });
  }
  return { text, blocks };
}

/** What happened to a broken watch, in a few words, for lists (`watches`, the Home tab) and the DM. */
export function brokenLabel(broken: BrokenState): string {
  const what =
    broken.reason === 'not_in_channel'
      ? 'I was removed from the channel'
      : broken.reason === 'is_archived'
        ? 'the channel was archived'
        : 'the channel is gone or private without me';
  return `${what} (${code(broken.reason)}) since ${slackDate(new Date(broken.since))}`;
}

/** The direct message to a watch's creator when Slack refuses the watch's channel. */
export function renderBrokenDm(note: BrokenNote): Rendered {
  const watch = { channelId: note.channelId, connection: note.connection, id: note.id };
  const text = truncate(
    `:warning: I can't post about *${escapeMrkdwn(note.name)}* ${code(`${note.connection}:${note.id}`)} in <#${note.channelId}> any more: ${brokenLabel(note.broken)}. Its notifications are held, not lost.\n*To fix it:* ${brokenFix({ watch }, note.broken.reason)}`,
    3000,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The thread reply once Slack takes posts in a broken watch's channel again. */
export function renderRepaired(note: RepairedNote): Rendered {
  const text = `:white_check_mark: I can post here again (I could not since ${slackDate(new Date(note.since))}): watching *${escapeMrkdwn(truncate(note.name, 200))}* resumed. What was held and what changed meanwhile follow in this thread.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
