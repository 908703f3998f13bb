import type { KnownBlock } from '@slack/types';
import { UNDER_WAY_STATES } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { Acted } from '../../use-cases/act-on-resource.js';
import type { DeletePlan } from '../../use-cases/plan-delete.js';
import type { Shown } from '../../use-cases/show-resource.js';
import type { Watched } from '../../use-cases/watch-resource.js';
import { type CardDrawing, drawnOnCard, NO_DRAWING } from './capability-drawing.js';
import { displayName, refBeside } from './display-name.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { renderResourceCard, whoActed } from './resource-card.js';
import { stateWords } from './state-words.js';

/**
 * One reply per use case, whichever surface asked: the command and the button for the same action
 * answer with the same message.
 */
export interface UseCaseReply {
  text: string;
  blocks?: KnownBlock[];
}

/**
 * A card only the asker sees offers only the buttons they may press; a card shared in the channel
 * offers what the state allows (whoever presses is checked on the server). `now`, in each of these:
 * when the card is drawn, on the bot's clock (`deps.clock.now()`).
 */
export function renderShown(
  shown: Shown,
  options: { shared?: boolean; tr?: Translator; now: number; drawing?: Partial<CardDrawing> },
): UseCaseReply {
  const { resource } = shown;
  const tr = options.tr ?? ENGLISH;
  return {
    text: `${escapeMrkdwn(displayName(resource.name, shown.title).lead)}: ${tr === ENGLISH ? resource.state : stateWords(resource.state, tr)}`,
    blocks: renderResourceCard(resource, options.shared ? shown.actions : shown.mayUse, {
      title: shown.title,
      watch: options.shared || shown.mayWatch,
      allActions: shown.actions,
      acted: shown.lastAction && whoActed(resource, shown.lastAction, tr, options.drawing),
      capabilityLines: options.drawing?.cardLines?.(shown.facts, tr, options.now, resource) ?? [],
      ...drawnOnCard(options.drawing ?? NO_DRAWING, shown.facts, tr, resource),
      // Only in a reply the asker alone sees: the channel's card offers what anyone may press.
      canFixConnection: !options.shared && shown.mayManage === true,
      tr,
      now: options.now,
    }),
  };
}

/** The card after an action, with who did it (in the reader's language: `tr`). */
export function renderActed(
  acted: Acted,
  who: { userId: string; opId: string },
  tr: Translator,
  now: number,
): UseCaseReply {
  const state = acted.after?.state;
  const underWay = state !== undefined && UNDER_WAY_STATES.has(state) ? state : undefined;
  const said = {
    action: acted.action,
    who: `<@${who.userId}>`,
    op: `\`${who.opId}\``,
    state: underWay ?? '',
  };
  const name = escapeMrkdwn(displayName(acted.resource.name, acted.title).lead);
  return {
    text: tr.t(underWay ? 'acted.textUnderWay' : 'acted.text', { ...said, name }),
    // Gone after a delete: the card says Deleted, never the state it had before.
    blocks: renderResourceCard(
      acted.after ?? { ...acted.resource, state: 'deleted', progress: undefined },
      acted.actions,
      {
        notice: tr.t(underWay ? 'acted.underWay' : 'acted.done', said),
        withActions: acted.after !== undefined,
        title: acted.title,
        tr,
        now,
      },
    ),
  };
}

export function renderWatched(
  { resource, channelId, result, title }: Watched,
  tr: Translator = ENGLISH,
): UseCaseReply {
  const named = displayName(resource.name, title);
  const what = `*${escapeMrkdwn(named.lead)}* ${refBeside(`${resource.connection}:${resource.id}`, named)}`;
  const said = { what, channel: `<#${channelId}>` };
  const text = result.repaired
    ? tr.t('watched.again', said)
    : result.created
      ? tr.t('watched.created', said) + (result.posted ? '' : tr.t('watched.busy'))
      : tr.t('watched.already', said);
  return { text };
}

export function renderDeletePlan(
  { resource, actions, destructive, title }: DeletePlan,
  tr: Translator,
  now: number,
): UseCaseReply {
  const name = escapeMrkdwn(displayName(resource.name, title).lead);
  if (destructive) {
    return {
      text: tr.t('deletePlan.text', { verb: destructive, name }),
      blocks: renderResourceCard(resource, [destructive], {
        watch: false,
        allActions: actions,
        notice: tr.t('deletePlan.notice', { verb: destructive }),
        title,
        tr,
        now,
      }),
    };
  }
  // The English names the state as the provider's word; the other languages as the card does.
  const state = tr.locale === 'en' ? resource.state : stateWords(resource.state, tr);
  return {
    text: tr.t('deletePlan.cannotText', { name, state }),
    blocks: renderResourceCard(resource, actions, {
      notice: tr.t('deletePlan.cannot', { name, state, pause: actions.includes('pause') ? 'yes' : 'no' }),
      title,
      tr,
      now,
    }),
  };
}
