import type { Button, KnownBlock } from '@slack/types';
import { explainForDisplay } from '../catalogue/explain.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatTimestamp,
} from '../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../slack/blocks/mrkdwn.js';
import { renderResourceCard, resourceRef, STATE_LABELS } from '../slack/blocks/resource-card.js';
import { encodeResourceButton } from '../slack/resource-button.js';
import type { WatchEvent, WatchRecord } from './watch-store.js';

/**
 * Pure renderers for what the watcher posts: the parent card (the resource card, edited in place),
 * thread replies per event, connection notices and the daily digest. They draw from persisted
 * snapshots only and never call a provider; every provider string is escaped.
 */
export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderedReply extends Rendered {
  /** Failure and completion are also shown in the channel. */
  broadcast: boolean;
}

const BROADCAST: ReadonlySet<WatchEvent> = new Set(['failed', 'succeeded']);

export function renderParentCard(record: WatchRecord): Rendered {
  const r = record.snapshot;
  const by = /^[UW][A-Z0-9]+$/.test(record.watch.by) ? ` by <@${record.watch.by}>` : '';
  const notice = record.ended
    ? `:wastebasket: ${code(resourceRef(r))} no longer exists; this card is no longer updated.`
    : `:eyes: Watched in this channel${by}: this card follows the ${r.kind}, events go to its thread.`;
  return {
    text: truncate(`${escapeMrkdwn(r.name)}: ${STATE_LABELS[r.state]}`, 3000),
    blocks: renderResourceCard(r, record.ended ? [] : record.actions, {
      notice,
      withActions: !record.ended,
      // This card is the watch itself.
      watch: false,
    }),
  };
}

/** A thread reply for one event, from the record as it was when the event was detected. */
export function renderEventReply(event: WatchEvent, record: WatchRecord, now: number): RenderedReply {
  const r = record.snapshot;
  const name = `*${escapeMrkdwn(r.name)}*`;
  const pct = r.progress !== undefined ? ` at ${formatPercent(r.progress)}` : '';
  const lines: string[] = [];
  let buttons: Button[] = [];
  switch (event) {
    case 'started':
      lines.push(
        `:arrow_forward: ${name} started migrating: ${formatBytes(r.bytes.total)}, ${formatCount(r.objects.total)} objects.`,
      );
      break;
    case 'paused':
      lines.push(`:double_vertical_bar: ${name} paused${pct} (${transferred(r)}).`);
      buttons = eventButtons(r, record.actions, ['resume']);
      break;
    case 'resumed':
      lines.push(`:arrow_forward: ${name} resumed${pct}.`);
      break;
    case 'retrying':
      lines.push(`:repeat: ${name} is running again (attempt ${record.run})${pct}.`);
      break;
    case 'failed':
      lines.push(...failureLines(r, name, pct));
      buttons = eventButtons(r, record.actions, ['retry', 'resume']);
      break;
    case 'succeeded':
      lines.push(...completionLines(r, name, now));
      break;
    case 'cancelled':
      lines.push(`:no_entry_sign: ${name} was cancelled${pct} (${transferred(r)}).`);
      break;
    case 'deleted':
      lines.push(`:wastebasket: ${name} was deleted; it is no longer watched.`);
      break;
    case 'vanished':
      lines.push(
        `:grey_question: ${name} no longer exists on ${code(r.connection)} (last seen ${STATE_LABELS[r.state].replace(/^:[a-z_]+: /, '').toLowerCase()}${pct}); it is no longer watched.`,
      );
      break;
    case 'stalled': {
      const still = formatDuration((now - record.movedAt) / 1000);
      const speed = record.lastSpeed ? `${formatBytes(record.lastSpeed)}/s` : 'unknown';
      lines.push(
        `:hourglass: ${name} has not moved for ${still}${pct} (${transferred(r)}); last speed ${speed}. It says it is still ${STATE_LABELS[r.state].replace(/^:[a-z_]+: /, '').toLowerCase()}.`,
      );
      buttons = eventButtons(r, record.actions, ['pause', 'resume', 'retry']);
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
    elements: [{ type: 'mrkdwn', text: `${code(resourceRef(r))} · ${formatTimestamp(new Date(now))}` }],
  });
  if (buttons.length > 0)
    blocks.push({
      type: 'actions',
      block_id: truncate(`watch:${event}:${resourceRef(r)}`, 255),
      elements: [...buttons, refreshButton(r)],
    });
  return { text, blocks, broadcast: BROADCAST.has(event) };
}

function transferred(r: MigrationResource): string {
  return `${formatBytes(r.bytes.done)} of ${formatBytes(r.bytes.total)}`;
}

function failureLines(r: MigrationResource, name: string, pct: string): string[] {
  const explained = explainForDisplay(r.lastError?.code);
  const lines = [`:x: ${name} failed${pct}${r.lastError?.code ? ` with ${code(r.lastError.code)}` : ''}.`];
  if (r.lastError?.message) lines.push(`> ${escapeMrkdwn(truncate(r.lastError.message, 500))}`);
  if (explained.known) {
    lines.push(`*What it means:* ${escapeMrkdwn(explained.description ?? explained.title)}`);
    if (explained.solution) lines.push(`*Fix:* ${escapeMrkdwn(explained.solution)}`);
  } else lines.push(escapeMrkdwn(explained.title));
  lines.push(
    `*Objects:* ${formatCount(r.objects.failed ?? 0)} failed · ${formatCount(r.objects.done)} of ${formatCount(r.objects.total)} migrated` +
      (r.objects.skipped ? ` · ${formatCount(r.objects.skipped)} skipped` : ''),
  );
  if (r.failedObjectList) {
    const bucket = r.destination.bucket ? ` in the destination bucket ${code(r.destination.bucket)}` : '';
    lines.push(`Failed objects are listed in ${code(r.failedObjectList)}${bucket}.`);
  }
  return lines;
}

function completionLines(r: MigrationResource, name: string, now: number): string[] {
  const seconds =
    r.elapsedSeconds ?? (r.startedAt ? Math.max(0, (now - r.startedAt.getTime()) / 1000) : undefined);
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

const BUTTON_LABELS: Partial<Record<ResourceAction, string>> = {
  resume: 'Start',
  retry: 'Retry failed objects',
  pause: 'Pause',
};

/** The card's own action ids (`resource.*`), so the existing button listeners handle them. */
function eventButtons(
  r: MigrationResource,
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

function refreshButton(r: MigrationResource): Button {
  return {
    type: 'button',
    action_id: 'resource.refresh',
    text: { type: 'plain_text', text: 'Refresh' },
    value: encodeResourceButton(r),
  };
}

/** Said once when a connection stops answering, and once when it answers again. */
export function renderConnectionNotice(
  kind: 'down' | 'up',
  connection: string,
  since: number,
  now: number,
  reason?: string,
): Rendered {
  const text =
    kind === 'down'
      ? `:warning: ${code(connection)} is not answering since ${formatTimestamp(new Date(since))}${reason ? ` (${escapeMrkdwn(truncate(reason, 200))})` : ''}; watching resumes automatically. This is not a migration failure.`
      : `:white_check_mark: ${code(connection)} answers again after ${formatDuration((now - since) / 1000)}; watching resumed.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export interface DigestLine {
  record: WatchRecord;
  /** What the previous digest showed, when there was one. */
  before?: { state: string; progress?: number };
}

/** One message per channel per day: every watched resource, its state, and what changed since. */
export function renderDigest(day: string, lines: readonly DigestLine[]): Rendered {
  const header = `:newspaper: *Daily digest, ${day}*: ${lines.length} watched migration${lines.length === 1 ? '' : 's'}`;
  const items = lines.map(({ record, before }) => {
    const r = record.snapshot;
    const state = record.state === 'gone' ? ':grey_question: Gone' : STATE_LABELS[r.state];
    const progress = r.progress !== undefined ? ` ${formatPercent(r.progress)}` : '';
    let change = 'new since the last digest';
    if (before) {
      const moved =
        r.progress !== undefined && before.progress !== undefined ? r.progress - before.progress : undefined;
      change =
        before.state !== record.state
          ? `was ${before.state}`
          : moved !== undefined && moved > 0
            ? `+${formatPercent(moved)}`
            : 'no change';
    }
    return `• ${escapeMrkdwn(truncate(r.name, 80))} ${code(resourceRef(r))}: ${state}${progress} (${change})`;
  });
  const text = truncate([header, ...items].join('\n'), 3000);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(header, 3000) } }];
  for (let i = 0; i < items.length && blocks.length < 45; i += 20) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(items.slice(i, i + 20).join('\n'), 3000) },
    });
  }
  return { text, blocks };
}
