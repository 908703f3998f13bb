import type { ActionsBlock, Button, ConfirmationDialog, KnownBlock, SectionBlock } from '@slack/types';
import { REQUIRED_ROLE, type Role } from '../../access/roles.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../../domain/migration-resource.js';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import type { ResourceAction } from '../../providers/types.js';
import { type Claim, failureOf } from '../../resources/claims.js';
import { KIND_PLURALS } from '../../resources/kind-offering.js';
import type { LastAction } from '../../resources/last-actions.js';
import type { GroupTally } from '../../watcher/group-tally.js';
import { encodeResourceButton } from '../resource-button.js';
import { claimBlock, claimButton } from './claim.js';
import { explainFailure, failureMainAction, renderFailureExplanation } from './failure-explanation.js';
import { progressBar, slackDate } from './format.js';
import { groupTallyBlocks } from './group-card.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { stateLabel } from './state-words.js';

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

/**
 * Actions that destroy something or stop work get a confirm dialog with `style: danger`. A card in
 * a channel is the same for everyone, so the dialog of an action only admins may take says so
 * before anyone confirms it (an operator was refused only after confirming).
 */
const CONFIRMS: Partial<Record<ResourceAction, { verb: MessageKey; text: MessageKey; needs?: Role }>> = {
  delete: { verb: 'confirm.delete.verb', text: 'confirm.delete.text', needs: REQUIRED_ROLE.delete },
  cancel: { verb: 'confirm.cancel.verb', text: 'confirm.cancel.text', needs: REQUIRED_ROLE.delete },
  pause: { verb: 'confirm.pause.verb', text: 'confirm.pause.text' },
};

/** A resource kind in the reader's words ("task", "작업 그룹"); unknown kinds as they are. */
export function kindWords(kind: string, tr: Translator = ENGLISH): string {
  const key = `kind.${kind}`;
  return tr.has(key) ? tr.t(key) : kind;
}

/** Several of a kind, for sentences ("sync tasks of hw-x could not be listed"), in the reader's words. */
export function kindPlural(kind: ResourceKind, tr: Translator = ENGLISH): string {
  const key = `kinds.${kind}`;
  return tr.has(key) ? tr.t(key) : KIND_PLURALS[kind];
}

/** The confirm dialog of an action that stops or destroys something (undefined for the others). */
export function confirmFor(
  action: ResourceAction,
  kind: string,
  name: string,
  tr: Translator = ENGLISH,
): ConfirmationDialog | undefined {
  const confirm = CONFIRMS[action];
  if (!confirm) return undefined;
  const verb = tr.t(confirm.verb);
  return {
    title: {
      type: 'plain_text',
      text: truncate(tr.t('confirm.title', { verb, kind: kindWords(kind, tr) }), 100),
    },
    text: {
      type: 'plain_text',
      text: truncate(
        tr.t(confirm.text, { name }) +
          (confirm.needs ? tr.t('confirm.needsRole', { role: confirm.needs }) : ''),
        300,
      ),
    },
    confirm: { type: 'plain_text', text: truncate(verb, 30) },
    deny: { type: 'plain_text', text: tr.t('confirm.deny') },
    style: action === 'pause' ? 'primary' : 'danger',
  };
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
  /** Who last acted on it through the bot: "Paused by @Bob · 2 min ago" under the state line. */
  lastAction?: LastAction;
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
  /** Who took on its failure ("I'm on it"), shown while it is failed. */
  claim?: Claim;
}

/**
 * What a resource is called on a card, a list row or a report: the requester's title when the
 * provider generated the name itself (`task_1795650490367_7` for "Q4 photo backfill"), with the
 * provider's name kept beside it; otherwise the provider's name alone. Both raw (escape to show).
 */
export function displayName(name: string, title?: string): { lead: string; beside?: string } {
  const typed = title?.trim();
  return typed && typed !== name ? { lead: typed, beside: name } : { lead: name };
}

/** The task card: one message that tells the whole state of a resource. */
export function renderResourceCard(
  resource: MigrationResource,
  actions: readonly ResourceAction[],
  options: CardOptions = {},
): KnownBlock[] {
  const tr = options.tr ?? ENGLISH;
  const blocks: KnownBlock[] = [];
  if (options.notice)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(options.notice, 3000) }] });
  const named = displayName(resource.name, options.title);
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: truncate(named.lead, 150), emoji: false },
  });
  if (named.beside)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: tr.t('card.providerName', { name: code(truncate(named.beside, 200)) }) },
      ],
    });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(stateLine(resource, tr), 3000) },
  });
  const who = options.lastAction && whoActed(resource, options.lastAction, tr);
  if (who) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: who }] });
  // A claim is about one failure: a later, different failure is nobody's yet (`Claims.current`).
  const claim =
    resource.state === 'failed' && [undefined, failureOf(resource)].includes(options.claim?.about)
      ? options.claim
      : undefined;
  if (claim) blocks.push(claimBlock(claim, tr));
  blocks.push({ type: 'section', fields: fields(resource, tr) });
  if (options.group) blocks.push(...groupTallyBlocks(resource, options.group, tr));
  const error = errorSection(resource, tr, options.allActions ?? actions, options.canFixConnection);
  if (error) blocks.push(error);
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: truncate(footer(resource, options.checkedAt ?? new Date(), tr), 3000) },
    ],
  });
  if (options.withActions !== false)
    blocks.push(
      actionsBlock(resource, actions, options.watch !== false, tr, options.canFixConnection, claim),
    );
  return blocks;
}

/**
 * The first line, compact enough for a phone: state · percent · speed · ETA as a clock time. What
 * is not known is left out rather than shown as a dash.
 */
function stateLine(r: MigrationResource, tr: Translator): string {
  const parts = [`*${stateLabel(r, tr)}*`];
  if (r.progress !== undefined) parts.push(`${progressBar(r.progress, 8)} *${tr.percent(r.progress)}*`);
  const moving = r.state === 'running' || r.state === 'retrying';
  if (moving && r.speed) parts.push(`${tr.bytes(r.speed)}/s`);
  const eta = moving ? etaIn(r.etaSeconds, tr) : undefined;
  if (eta) parts.push(eta);
  return parts.join(' · ');
}

/** Asked, not done yet: the card says it was requested rather than that it happened. */
const UNDER_WAY_OF: Partial<Record<ResourceAction, { state: NormalizedState; words: MessageKey }>> = {
  pause: { state: 'pausing', words: 'card.underWay.pause' },
  delete: { state: 'deleting', words: 'card.underWay.delete' },
};

/** "ETA 08:41, about 40 min": the clock time in the reader's zone, then the rough remaining time. */
export function etaIn(etaSeconds: number | undefined, tr: Translator, now = new Date()): string | undefined {
  if (etaSeconds === undefined || !Number.isFinite(etaSeconds) || etaSeconds < 0) return undefined;
  const at = new Date(now.getTime() + etaSeconds * 1000);
  const token = etaSeconds < 20 * 3600 ? '{time}' : '{date_short_pretty} {time}';
  return tr.t('card.eta', { time: slackDate(at, token), about: tr.about(etaSeconds) });
}

/**
 * "Paused by @Bob · 2 min ago", or "Pausing… requested by @Bob" while the provider is still on it.
 * Only a Slack user id is shown; anything else stored there is not trusted as a mention.
 */
export function whoActed(
  r: Pick<MigrationResource, 'state'>,
  last: LastAction,
  tr: Translator = ENGLISH,
): string | undefined {
  if (!/^[UW][A-Z0-9]+$/.test(last.by)) return undefined;
  const underWay = UNDER_WAY_OF[last.action];
  const words = underWay && underWay.state === r.state ? tr.t(underWay.words) : tr.t(`past.${last.action}`);
  return tr.t('card.acted', { words, user: `<@${last.by}>`, ago: slackDate(new Date(last.at), '{ago}') });
}

/** Where to find it, and how fresh the figures are; the provider's raw status only when unmapped. */
function footer(r: MigrationResource, checkedAt: Date, tr: Translator): string {
  const parts = [code(resourceRef(r)), `${r.provider} ${kindWords(r.kind, tr)}`];
  if (r.startedAt) parts.push(tr.t('card.started', { date: slackDate(r.startedAt) }));
  parts.push(tr.t('card.checked', { ago: slackDate(checkedAt, '{ago}') }));
  const line = parts.join(' · ');
  return Date.now() - checkedAt.getTime() > STALE_AFTER_MS ? tr.t('card.stale', { line }) : line;
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
function errorSection(
  r: MigrationResource,
  tr: Translator,
  allActions: readonly ResourceAction[],
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

/**
 * The card's buttons: the failure's main action first, the other actions, Watch (unless this is
 * the watch's own card or post), Refresh. A failure post offers exactly these, as its card does.
 */
export function actionsBlock(
  r: ButtonSubject,
  actions: readonly ResourceAction[],
  watch: boolean,
  tr: Translator,
  canFixConnection?: boolean,
  claim?: Claim,
): ActionsBlock {
  const value = encodeResourceButton(r);
  // After a failure the failure's class picks the one main button (retrying a permissions or
  // configuration failure cannot help; refused keys are fixed first, by an admin); otherwise Resume
  // and Retry lead, as the next step.
  const offered: string[] = canFixConnection ? [...actions, 'fix-connection-keys'] : [...actions];
  const failure =
    r.lastError && explainFailure({ code: r.lastError.code, providerMessage: r.lastError.message });
  const main = failure
    ? failureMainAction(failure, offered)
    : actions.find((a) => a === 'resume' || a === 'retry');
  // Retrying the failed objects cannot help a failure whose class says so (refused keys, a missing
  // bucket): not offered, on the card and in the post alike. A failure of no known class keeps it.
  const useless = (a: ResourceAction) =>
    a === 'retry' &&
    r.state === 'failed' &&
    !!failure &&
    failure.codeClass !== 'unknown' &&
    !failure.nextStep.retryHelps;
  const kept = actions.filter((a) => !useless(a));
  const ordered = main ? [main as ResourceAction, ...kept.filter((a) => a !== main)] : kept;
  const fixKeys: Button[] =
    main === 'fix-connection-keys'
      ? [
          {
            type: 'button',
            action_id: 'connection.fix',
            text: { type: 'plain_text', text: tr.t('button.fixKeys') },
            value: r.connection,
            style: 'primary',
          },
        ]
      : [];
  const buttons: Button[] = [...fixKeys];
  for (const action of ordered.filter((a) => (a as string) !== 'fix-connection-keys')) {
    const button: Button = {
      type: 'button',
      action_id: `resource.${action}`,
      text: { type: 'plain_text', text: actionLabel(action, tr, r.state) },
      value,
    };
    if (action === main) button.style = 'primary';
    const confirm = confirmFor(action, r.kind, r.name, tr);
    if (confirm) {
      if (action !== 'pause') button.style = 'danger';
      button.confirm = confirm;
    }
    buttons.push(button);
  }
  // A failure can be taken on, so that two people do not act on it at once.
  if (r.state === 'failed') buttons.push(claimButton(value, claim, tr));
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
