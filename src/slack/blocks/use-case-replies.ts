import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { pastTense } from '../../resources/perform-action.js';
import type { Acted } from '../../use-cases/act-on-resource.js';
import type { DeletePlan } from '../../use-cases/plan-delete.js';
import type { Shown } from '../../use-cases/show-resource.js';
import type { Watched } from '../../use-cases/watch-resource.js';
import { code, escapeMrkdwn } from './mrkdwn.js';
import { renderResourceCard, stateWords } from './resource-card.js';

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
 * offers what the state allows (whoever presses is checked on the server).
 */
export function renderShown(shown: Shown, options: { shared?: boolean; tr?: Translator } = {}): UseCaseReply {
  const { resource } = shown;
  const tr = options.tr ?? ENGLISH;
  return {
    text: `${escapeMrkdwn(resource.name)}: ${tr === ENGLISH ? resource.state : stateWords(resource.state, tr)}`,
    blocks: renderResourceCard(resource, options.shared ? shown.actions : shown.mayUse, {
      watch: options.shared || shown.mayWatch,
      lastAction: shown.lastAction,
      // Only in a reply the asker alone sees: the channel's card offers what anyone may press.
      canFixConnection: !options.shared && shown.mayManage === true,
      tr,
    }),
  };
}

/** States that mean "asked, not done yet": the card says it was requested, not that it happened. */
const UNDER_WAY: Partial<Record<string, string>> = { pausing: 'Pausing…', deleting: 'Deleting…' };

export function renderActed(acted: Acted, who: { userId: string; opId: string }): UseCaseReply {
  const done = pastTense(acted.action);
  const underWay = acted.after ? UNDER_WAY[acted.after.state] : undefined;
  const notice = underWay
    ? `:hourglass_flowing_sand: ${underWay} requested by <@${who.userId}> · op \`${who.opId}\``
    : `:white_check_mark: ${done} by <@${who.userId}> · op \`${who.opId}\``;
  return {
    text: `${escapeMrkdwn(acted.resource.name)} ${underWay ? `${underWay.toLowerCase()} requested` : done} by <@${who.userId}>`,
    blocks: renderResourceCard(acted.after ?? acted.resource, acted.actions, {
      notice,
      withActions: acted.after !== undefined,
    }),
  };
}

export function renderWatched({ resource, channelId, result }: Watched): UseCaseReply {
  const what = `*${escapeMrkdwn(resource.name)}* ${code(`${resource.connection}:${resource.id}`)}`;
  const text = result.repaired
    ? `:white_check_mark: Watching ${what} in <#${channelId}> again: I can post there now, and what was held goes to the card's thread.`
    : result.created
      ? `:eyes: Watching ${what} in <#${channelId}>: one card kept up to date, events in its thread.` +
        (result.posted ? '' : ' Slack is busy; the card appears as soon as it takes it.')
      : `:eyes: ${what} is already watched in <#${channelId}>.`;
  return { text };
}

export function renderDeletePlan({ resource, actions, destructive }: DeletePlan): UseCaseReply {
  const name = escapeMrkdwn(resource.name);
  if (destructive) {
    const verb = destructive === 'delete' ? 'Delete' : 'Cancel';
    return {
      text: `${verb} ${name}? Press the button on the card to confirm.`,
      blocks: renderResourceCard(resource, [destructive], {
        watch: false,
        notice: `:wastebasket: Press *${verb}* below to confirm. Nothing has changed yet.`,
      }),
    };
  }
  return {
    text: `${name} cannot be deleted while ${resource.state}.`,
    blocks: renderResourceCard(resource, actions, {
      notice: `:warning: ${name} is ${resource.state} and cannot be deleted now${actions.includes('pause') ? ': pause it first' : ''}.`,
    }),
  };
}
