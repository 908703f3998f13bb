import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import type { SurfaceButtons } from '../../catalogue/explain.js';
import type { CapabilityButton } from '../../contract/card.js';
import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import type { ResourceAction } from '../../providers/types.js';
import { type EtaEstimate, estimateEta } from '../../reports/eta.js';
import type { LastAction } from '../../resources/last-actions.js';
import type { GroupTally } from '../../watcher/group-tally.js';
import { encodeResourceButton } from '../resource-button.js';
import type { CardDrawing } from './capability-drawing.js';
import { displayName } from './display-name.js';
import { etaWords } from './eta-words.js';
import { planButtons } from './failure-buttons.js';
import { renderFailureExplanation } from './failure-explanation.js';
import { progressBar, slackDate } from './format.js';
import { groupStateLead, groupTallyBlocks } from './group-card.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { confirmFor, kindWords } from './resource-words.js';
import { stateLabel } from './state-words.js';

export { displayName } from './display-name.js';
export { confirmFor, kindPlural, kindWords } from './resource-words.js';

/**
 * The words on a button for an action: the same on the card, in threads and in pickers. A resource
 * that never ran (an NCP policy is INITIALIZED, "ready", until it is started) is started, not resumed.
 */
export function actionLabel(
  action: ResourceAction,
  tr: Translator = ENGLISH,
  state?: NormalizedState,
): string {
  return action === 'resume' && state === 'queued' ? tr.t('action.start') : tr.t(`action.${action}`);
}

export function resourceRef(resource: Pick<MigrationResource, 'connection' | 'id'>): string {
  return `${resource.connection}:${resource.id}`;
}

/** Data older than this is flagged on the card, with Refresh as the way to fresh figures. */
const STALE_AFTER_MS = 10 * 60_000;

export interface CardOptions {
  /** When the figures were read from the provider (default: `now`, as the card is built from a fresh read). */
  checkedAt?: Date;
  /** When it is drawn (ms on the bot's clock, `deps.clock.now()`): staleness and the ETA's clock time. */
  now: number;
  /** Shown above the card (e.g. "Paused by @ana · op 7f3a"). */
  notice?: string;
  /** Omit buttons (e.g. for a resource that no longer exists). */
  withActions?: boolean;
  /** The Watch button (`resource.watch`: follow this resource in the channel); on unless false. */
  watch?: boolean;
  /** Who last acted on it through the bot, as `whoActed` draws it: "Paused by @Bob · 2 min ago". */
  acted?: string;
  /** The reader's language (English unless given). */
  tr?: Translator;
  /** The reader may fix the connection's keys (an admin, in a reply only they see). */
  canFixConnection?: boolean;
  /** A task group's tasks counted by state, with its first failures (a watched group's card). */
  group?: GroupTally;
  /**
   * What its state allows whoever asks (default: `actions`, the buttons shown): a failure that
   * allows neither Resume nor Retry gets a new migration as its next step.
   */
  allActions?: readonly ResourceAction[];
  /** The title its requester typed, where the provider named it itself: it leads the card. */
  title?: string;
  /** Buttons the capabilities add from their facts (`StartedCapabilities.cardButtons`: I'm on it). */
  capabilityButtons?: readonly CapabilityButton[];
  /** Lines the capabilities draw under its failure (`StartedCapabilities.failureLines`: who is on it). */
  failureLines?: readonly string[];
  /** Lines the capabilities draw from their facts (mrkdwn, escaped by them), under the state line. */
  capabilityLines?: readonly string[];
  /** The ETA from the pace the watcher observed (a watched card); else the provider's, or why none. */
  eta?: EtaEstimate;
  /** Its failure is explained in the card's thread (and the channel): the card names the code only. */
  explainedInThread?: boolean;
}

/** The task card: one message that tells the whole state of a resource. */
export function renderResourceCard(
  resource: MigrationResource,
  actions: readonly ResourceAction[],
  options: CardOptions,
): KnownBlock[] {
  const tr = options.tr ?? ENGLISH;
  const blocks: KnownBlock[] = [];
  if (options.notice) blocks.push(context(options.notice));
  const named = displayName(resource.name, options.title);
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: truncate(named.lead, 150), emoji: false },
  });
  if (named.beside)
    blocks.push(context(tr.t('card.providerName', { name: code(truncate(named.beside, 200)) })));
  blocks.push(section(stateLine(resource, tr, options)));
  const who = [options.acted].concat(options.capabilityLines ?? []).filter(Boolean);
  if (who.length > 0) blocks.push(context(who.join('\n')));
  if (options.failureLines?.length) blocks.push(context(options.failureLines.join('\n')));
  blocks.push({ type: 'section', fields: fields(resource, tr) });
  if (options.group) blocks.push(...groupTallyBlocks(resource, options.group, tr));
  const shown = options.withActions === false ? [] : actions;
  const buttons = buttonLabels(resource, shown, tr, options.canFixConnection);
  // The watcher's card of a failure its thread explains says the code only: the channel
  // reads the four sentences once, in the broadcast reply, not again on the card above it.
  const error =
    options.explainedInThread && resource.lastError
      ? briefError(resource.lastError.code, tr)
      : errorSection(resource, tr, options.allActions ?? actions, buttons, options.canFixConnection);
  if (error) blocks.push(error);
  blocks.push(context(footer(resource, options, tr)));
  if (options.withActions !== false)
    blocks.push(
      actionsBlock(
        resource,
        actions,
        options.watch !== false,
        tr,
        options.canFixConnection,
        options.capabilityButtons,
      ),
    );
  return blocks;
}

/** The first line, for a phone: state · percent · speed · ETA; what is not known is left out. */
function stateLine(r: MigrationResource, tr: Translator, options: CardOptions): string {
  // A task group's line leads with what its tasks are in, when that reads worse than the group.
  const parts = [(options.group && groupStateLead(r, options.group, tr)) ?? `*${stateLabel(r, tr)}*`];
  if (r.progress !== undefined) parts.push(`${progressBar(r.progress, 8)} *${tr.percent(r.progress)}*`);
  const moving = r.state === 'running' || r.state === 'retrying';
  if (moving && r.speed) parts.push(`${tr.bytes(r.speed)}/s`);
  const eta = moving ? etaWords(options.eta ?? estimateEta(r), tr, options.now) : undefined;
  if (eta) parts.push(eta);
  return parts.join(' · ');
}

/** Asked, not done yet: the card says it was requested rather than that it happened. */
const UNDER_WAY_OF: Partial<Record<ResourceAction, { state: NormalizedState; words: MessageKey }>> = {
  pause: { state: 'pausing', words: 'card.underWay.pause' },
  delete: { state: 'deleting', words: 'card.underWay.delete' },
};

/**
 * "Paused by @Bob · 2 min ago", or "Pausing… requested by @Bob" while the provider is still on it.
 * Only a Slack user id is shown; anything else stored there is not trusted as a mention.
 */
export function whoActed(
  r: Pick<MigrationResource, 'state'>,
  last: LastAction,
  tr: Translator = ENGLISH,
  drawing?: Pick<CardDrawing, 'actedLine'>,
): string | undefined {
  if (!/^[UW][A-Z0-9]+$/.test(last.by)) return undefined;
  // A capability's timed work (a window's pause) says what acted and when it lets go, not only who set it up.
  const byCapability = drawing?.actedLine?.(last, r.state, tr);
  if (byCapability) return byCapability;
  const underWay = UNDER_WAY_OF[last.action];
  const words = underWay && underWay.state === r.state ? tr.t(underWay.words) : tr.t(`past.${last.action}`);
  return tr.t('card.acted', { words, user: `<@${last.by}>`, ago: slackDate(new Date(last.at), '{ago}') });
}

/** Where to find it, and how fresh the figures are; the provider's raw status only when unmapped. */
function footer(r: MigrationResource, options: CardOptions, tr: Translator): string {
  const checkedAt = options.checkedAt ?? new Date(options.now);
  const parts = [code(resourceRef(r)), `${r.provider} ${kindWords(r.kind, tr)}`];
  if (r.startedAt) parts.push(tr.t('card.started', { date: slackDate(r.startedAt) }));
  parts.push(tr.t('card.checked', { ago: slackDate(checkedAt, '{ago}') }));
  const line = parts.join(' · ');
  return options.now - checkedAt.getTime() > STALE_AFTER_MS ? tr.t('card.stale', { line }) : line;
}

function fields(r: MigrationResource, tr: Translator): { type: 'mrkdwn'; text: string }[] {
  const objects = [
    [r.objects.done, r.objects.total]
      .filter((n) => n !== undefined)
      .map((n) => tr.count(n))
      .join(' / '),
  ];
  if (r.objects.failed) objects.push(tr.t('card.objects.failed', { n: tr.count(r.objects.failed) }));
  if (r.objects.skipped) objects.push(tr.t('card.objects.skipped', { n: tr.count(r.objects.skipped) }));
  const list: [string, string][] = [];
  if (r.bytes.done !== undefined || r.bytes.total !== undefined)
    list.push([
      tr.t('card.field.data'),
      [r.bytes.done, r.bytes.total]
        .filter((n) => n !== undefined)
        .map((n) => tr.bytes(n))
        .join(' / '),
    ]);
  if (r.objects.done !== undefined || r.objects.total !== undefined)
    list.push([tr.t('card.field.objects'), objects.join(' · ')]);
  list.push(
    [tr.t('card.field.source'), endpointText(r.source)],
    [tr.t('card.field.destination'), endpointText(r.destination)],
  );
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
function briefError(errorCode: string | undefined, tr: Translator): SectionBlock {
  const text = `${tr.t('card.lastError')}${errorCode ? ` ${code(errorCode)}` : ''} ${tr.t('card.explainedInThread')}`;
  return section(text);
}

function errorSection(
  r: MigrationResource,
  tr: Translator,
  allActions: readonly ResourceAction[],
  buttons: SurfaceButtons,
  canFixConnection?: boolean,
): SectionBlock | undefined {
  if (!r.lastError) return undefined;
  const failedObjectList = r.failedObjectList
    ? { path: r.failedObjectList, bucket: r.destination.bucket }
    : undefined;
  return renderFailureExplanation(
    {
      code: r.lastError.code,
      providerMessage: r.lastError.message,
      failedObjectList,
      canFixConnection,
      buttons,
      startAgain: startAgainIf(r, allActions, tr),
      tr,
    },
    tr.t('card.lastError'),
  ).blocks[0] as SectionBlock;
}

/**
 * A failed resource its provider lets nobody resume or retry (an UpCloud job): the next step is a
 * new migration on its connection, on the card and in the post alike.
 */
export function startAgainIf(
  r: Pick<MigrationResource, 'connection' | 'kind' | 'state'>,
  allActions: readonly ResourceAction[],
  tr: Translator,
): { connection: string; kind: string } | undefined {
  if (r.state !== 'failed' || allActions.some((a) => a === 'resume' || a === 'retry')) return undefined;
  return { connection: r.connection, kind: kindWords(r.kind, tr) };
}

/** What a card's buttons need to know of the resource (a watch post has the same facts). */
type ButtonSubject = Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'name' | 'state' | 'lastError'>;

/** The labels of the resource's buttons `actionsBlock` draws, by action: what its fix may name. */
export function buttonLabels(
  r: Pick<ButtonSubject, 'state' | 'lastError'>,
  actions: readonly ResourceAction[],
  tr: Translator,
  canFixConnection?: boolean,
): SurfaceButtons {
  const shown = planButtons(r, actions, canFixConnection).actions;
  return Object.fromEntries(shown.map((action) => [action, actionLabel(action, tr, r.state)]));
}

/**
 * The card's buttons: the failure's main action first, the other actions, the capabilities' (I'm
 * on it), Watch (unless this is the watch's own card or post), Refresh. A failure post offers
 * exactly these, as its card does.
 */
export function actionsBlock(
  r: ButtonSubject,
  actions: readonly ResourceAction[],
  watch: boolean,
  tr: Translator,
  canFixConnection?: boolean,
  added: readonly CapabilityButton[] = [],
): ActionsBlock {
  const value = encodeResourceButton(r);
  const plan = planButtons(
    r,
    actions,
    canFixConnection,
    added.flatMap((b) => (b.step ? [b.step] : [])),
  );
  const buttons: Button[] = [];
  if (plan.main === 'fix-connection-keys')
    buttons.push({
      type: 'button',
      action_id: 'connection.fix',
      text: { type: 'plain_text', text: tr.t('button.fixKeys') },
      value: r.connection,
      style: 'primary',
    });
  // A capability's button leads where the failure's class names its step first (taking a failure
  // on, where it needs a change before anyone resumes it); otherwise it follows the actions.
  const leads = (b: CapabilityButton) => b.step !== undefined && b.step === plan.main;
  const slack = ({ step: _step, ...button }: CapabilityButton): Button => button;
  buttons.push(...added.filter(leads).map(slack));
  for (const action of plan.actions) {
    const button: Button = {
      type: 'button',
      action_id: `resource.${action}`,
      text: { type: 'plain_text', text: actionLabel(action, tr, r.state) },
      value,
    };
    if (action === plan.main) button.style = 'primary';
    const confirm = confirmFor(action, r.kind, r.name, tr);
    if (confirm) {
      if (action !== 'pause') button.style = 'danger';
      button.confirm = confirm;
    }
    buttons.push(button);
  }
  buttons.push(...added.filter((b) => !leads(b)).map(slack));
  if (watch)
    buttons.push({
      type: 'button',
      action_id: 'resource.watch',
      text: { type: 'plain_text', text: tr.t('button.watch') },
      value,
    });
  buttons.push({
    type: 'button',
    action_id: 'resource.refresh',
    text: { type: 'plain_text', text: tr.t('button.refresh') },
    value,
  });
  return { type: 'actions', block_id: `resource:${truncate(resourceRef(r), 200)}`, elements: buttons };
}
