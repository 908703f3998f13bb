import type { ActionsBlock, Button, ConfirmationDialog, KnownBlock, SectionBlock } from '@slack/types';
import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { encodeResourceButton } from '../resource-button.js';
import { explainFailure, failureMainAction, renderFailureExplanation } from './failure-explanation.js';
import { etaText, formatBytes, formatCount, formatPercent, progressBar, slackDate } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

export const STATE_LABELS: Record<NormalizedState, string> = {
  queued: ':hourglass_flowing_sand: Waiting',
  running: ':arrows_counterclockwise: Migrating',
  pausing: ':double_vertical_bar: Pausing',
  paused: ':double_vertical_bar: Paused',
  retrying: ':repeat: Retrying',
  succeeded: ':white_check_mark: Succeeded',
  failed: ':x: Failed',
  cancelled: ':no_entry_sign: Cancelled',
  deleting: ':wastebasket: Deleting',
  deleted: ':wastebasket: Deleted',
  monitoring: ':eyes: Monitoring',
  unknown: ':grey_question: Unknown',
};

/**
 * The state as a person reads it: a status the bot does not know shows the provider's own value
 * ("Unknown (12)"), and a list item that could not be read says so.
 */
export function stateLabel(r: Pick<MigrationResource, 'state' | 'rawStatus' | 'unreadable'>): string {
  if (r.unreadable) return ':warning: Unreadable';
  const raw = r.rawStatus.trim();
  if (r.state === 'unknown' && raw) return `${STATE_LABELS.unknown} (${escapeMrkdwn(truncate(raw, 40))})`;
  return STATE_LABELS[r.state];
}

/** The words on a button for each action: the same on the card, in threads and in pickers. */
export const ACTION_LABELS: Record<ResourceAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  retry: 'Retry failed objects',
  delete: 'Delete',
  cancel: 'Cancel',
};

/** Actions that destroy something or stop work get a confirm dialog with `style: danger`. */
const CONFIRMS: Partial<Record<ResourceAction, { verb: string; text: (name: string) => string }>> = {
  delete: {
    verb: 'Delete',
    text: (name) => `Delete ${name}? The task and its progress record are removed; migrated objects stay.`,
  },
  cancel: { verb: 'Cancel job', text: (name) => `Cancel ${name}? It cannot be resumed afterwards.` },
  pause: { verb: 'Pause', text: (name) => `Pause ${name}? It stops transferring until someone resumes it.` },
};

/** The confirm dialog of an action that stops or destroys something (undefined for the others). */
export function confirmFor(
  action: ResourceAction,
  kind: string,
  name: string,
): ConfirmationDialog | undefined {
  const confirm = CONFIRMS[action];
  if (!confirm) return undefined;
  return {
    title: { type: 'plain_text', text: truncate(`${confirm.verb} ${kind}?`, 100) },
    text: { type: 'plain_text', text: truncate(confirm.text(name), 300) },
    confirm: { type: 'plain_text', text: confirm.verb },
    deny: { type: 'plain_text', text: 'Keep it' },
    style: action === 'pause' ? 'primary' : 'danger',
  };
}

/** A state as plain words (no emoji), for button labels and other plain text. */
export function stateWords(state: NormalizedState): string {
  return STATE_LABELS[state].replace(/^:[a-z_]+: /, '');
}

export function resourceRef(resource: Pick<MigrationResource, 'connection' | 'id'>): string {
  return `${resource.connection}:${resource.id}`;
}

/** Data older than this is flagged on the card, with Refresh as the way to fresh figures. */
const STALE_AFTER_MS = 10 * 60_000;

export interface CardOptions {
  /** When the figures were read from the provider (default: now, as the card is built from a fresh read). */
  checkedAt?: Date;
  /** Shown above the card (e.g. "Paused by @ana · op 7f3a"). */
  notice?: string;
  /** Omit buttons (e.g. for a resource that no longer exists). */
  withActions?: boolean;
  /** The Watch button (`resource.watch`: follow this resource in the channel); on unless false. */
  watch?: boolean;
}

/** The task card: one message that tells the whole state of a resource. */
export function renderResourceCard(
  resource: MigrationResource,
  actions: readonly ResourceAction[],
  options: CardOptions = {},
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (options.notice)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(options.notice, 3000) }] });
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: truncate(resource.name, 150), emoji: false },
  });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(stateLine(resource), 3000) },
  });
  blocks.push({ type: 'section', fields: fields(resource) });
  const error = errorSection(resource);
  if (error) blocks.push(error);
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(footer(resource, options.checkedAt ?? new Date()), 3000) }],
  });
  if (options.withActions !== false) blocks.push(actionsBlock(resource, actions, options.watch !== false));
  return blocks;
}

/**
 * The first line, compact enough for a phone: state · percent · speed · ETA as a clock time. What
 * is not known is left out rather than shown as a dash.
 */
function stateLine(r: MigrationResource): string {
  const parts = [`*${stateLabel(r)}*`];
  if (r.progress !== undefined) parts.push(`${progressBar(r.progress, 8)} *${formatPercent(r.progress)}*`);
  const moving = r.state === 'running' || r.state === 'retrying';
  if (moving && r.speed) parts.push(`${formatBytes(r.speed)}/s`);
  const eta = moving ? etaText(r.etaSeconds) : undefined;
  if (eta) parts.push(eta);
  return parts.join(' · ');
}

/** Where to find it, and how fresh the figures are; the provider's raw status only when unmapped. */
function footer(r: MigrationResource, checkedAt: Date): string {
  const parts = [code(resourceRef(r)), `${r.provider} ${r.kind}`];
  if (r.startedAt) parts.push(`started ${slackDate(r.startedAt)}`);
  parts.push(`checked ${slackDate(checkedAt, '{ago}')}`);
  const line = parts.join(' · ');
  return Date.now() - checkedAt.getTime() > STALE_AFTER_MS
    ? `:warning: These figures may be out of date: press Refresh. ${line}`
    : line;
}

function fields(r: MigrationResource): { type: 'mrkdwn'; text: string }[] {
  const objects = [
    [r.objects.done, r.objects.total]
      .filter((n) => n !== undefined)
      .map(formatCount)
      .join(' / '),
  ];
  if (r.objects.failed) objects.push(`${formatCount(r.objects.failed)} failed`);
  if (r.objects.skipped) objects.push(`${formatCount(r.objects.skipped)} skipped`);
  const list: [string, string][] = [];
  if (r.bytes.done !== undefined || r.bytes.total !== undefined)
    list.push([
      'Data',
      [r.bytes.done, r.bytes.total]
        .filter((n) => n !== undefined)
        .map(formatBytes)
        .join(' / '),
    ]);
  if (r.objects.done !== undefined || r.objects.total !== undefined)
    list.push(['Objects', objects.join(' · ')]);
  list.push(['Source', endpointText(r.source)], ['Destination', endpointText(r.destination)]);
  return list.map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) }));
}

function endpointText(e: MigrationResource['source']): string {
  const where = [e.cloud, e.region]
    .filter(Boolean)
    .map((s) => escapeMrkdwn(s!))
    .join(' ');
  const bucket = e.bucket ? code(e.bucket + (e.prefix ? `/${e.prefix}` : '')) : '';
  return [where, bucket].filter(Boolean).join(' → ') || '—';
}

/** The last error, explained exactly as the thread and the channel explain it (failure-explanation.ts). */
function errorSection(r: MigrationResource): SectionBlock | undefined {
  if (!r.lastError) return undefined;
  const failedObjectList = r.failedObjectList
    ? { path: r.failedObjectList, bucket: r.destination.bucket }
    : undefined;
  return renderFailureExplanation(
    { code: r.lastError.code, providerMessage: r.lastError.message, failedObjectList },
    ':warning: *Last error*',
  ).blocks[0] as SectionBlock;
}

function actionsBlock(r: MigrationResource, actions: readonly ResourceAction[], watch = false): ActionsBlock {
  const value = encodeResourceButton(r);
  // After a failure the failure's class picks the one main button (retrying a permissions or
  // configuration failure cannot help); otherwise Resume and Retry lead, as the next step.
  const main = r.lastError
    ? failureMainAction(explainFailure({ code: r.lastError.code }), actions)
    : actions.find((a) => a === 'resume' || a === 'retry');
  const ordered = main ? [main as ResourceAction, ...actions.filter((a) => a !== main)] : [...actions];
  const buttons: Button[] = ordered.map((action) => {
    const button: Button = {
      type: 'button',
      action_id: `resource.${action}`,
      text: { type: 'plain_text', text: ACTION_LABELS[action] },
      value,
    };
    if (action === main) button.style = 'primary';
    const confirm = confirmFor(action, r.kind, r.name);
    if (confirm) {
      if (action !== 'pause') button.style = 'danger';
      button.confirm = confirm;
    }
    return button;
  });
  if (watch)
    buttons.push({
      type: 'button',
      action_id: 'resource.watch',
      text: { type: 'plain_text', text: 'Watch' },
      value,
    });
  buttons.push({
    type: 'button',
    action_id: 'resource.refresh',
    text: { type: 'plain_text', text: 'Refresh' },
    value,
  });
  return { type: 'actions', block_id: `resource:${truncate(resourceRef(r), 200)}`, elements: buttons };
}
