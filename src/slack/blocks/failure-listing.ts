import type { KnownBlock } from '@slack/types';
import { explainForDisplay } from '../../catalogue/explain.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { FailureItem, FailureListNote } from '../../watcher/outbox/notification.js';
import { encodeResourceButton } from '../resource-button.js';
import { type CardDrawing, NO_DRAWING } from './capability-drawing.js';
import { displayName, refBeside } from './display-name.js';
import { listingNowLine } from './living-posts.js';
import { budgetShare, SECTION_TEXT_MAX } from './message-budget.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { resourceRef } from './resource-card.js';

/** Slack's limit: 50 blocks per message. */
const MAX_BLOCKS = 50;
/** What one item keeps when a listing is full (40 × 275 = the message budget). */
const MIN_ITEM_TEXT = 275;

/**
 * Several resources of one channel failed at once: one channel post, a section per resource (its
 * name, reference, code and the catalogue's one-line explanation, else the provider's own words).
 * Each resource's thread has its full failure reply.
 */
export function renderFailureListing(
  note: FailureListNote,
  tr: Translator = ENGLISH,
  drawing: CardDrawing = NO_DRAWING,
): { text: string; blocks: KnownBlock[] } {
  const shown = note.items.slice(0, MAX_BLOCKS);
  // The whole post must stay within what Slack takes (see message-budget.ts) while naming every
  // failure it settles, so each item gets its share: 40 items (the most one listing holds) get
  // 275 characters each, a few get up to a whole section. Each resource's thread says the rest.
  const share = budgetShare(shown.length, { min: MIN_ITEM_TEXT });
  // Each failure keeps a way to act on it: Open gives its card with the buttons its state allows
  // (a subscription in `failures` mode has no card of its own in the channel).
  const blocks: KnownBlock[] = shown.map((item) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: itemText(item, tr, share, drawing) },
    accessory: {
      type: 'button',
      action_id: 'resource.open',
      text: { type: 'plain_text', text: tr.t('list.open') },
      value: encodeResourceButton(item),
    },
  }));
  const text = truncate(
    note.items
      .map((i) => tr.t('watch.failed', { name: escapeMrkdwn(displayName(i.name, i.title).lead), at: '' }))
      .join(' '),
    SECTION_TEXT_MAX,
  );
  return { text, blocks };
}

/** The item in at most `max` characters: the name and then the reason's words are shortened. */
function itemText(item: FailureItem, tr: Translator, max: number, drawing: CardDrawing): string {
  const at = item.progress !== undefined ? tr.t('watch.at', { pct: tr.percent(item.progress) }) : '';
  const nameMax = max < 600 ? 60 : 200;
  const named = displayName(item.name, item.title);
  const lead = truncate(
    `${tr.t('watch.failed', { name: `*${escapeMrkdwn(truncate(named.lead, nameMax))}*`, at })} ${refBeside(resourceRef(item), named)}`,
    max,
  );
  const explained = item.code ? explainForDisplay(item.code, undefined, tr.locale) : undefined;
  const message = explained?.title.replace(`${explained.code}: `, '') ?? '';
  const why = explained?.known
    ? `${code(explained.code)} ${escapeMrkdwn(truncate(message, 400))}`
    : [item.code ? code(item.code) : '', item.message ? escapeMrkdwn(truncate(item.message, 300)) : '']
        .filter(Boolean)
        .join(' ');
  // Once that resource moved on, its line says what it is now (the listing is edited).
  const now = item.now ? `\n${listingNowLine(item.now, tr, drawing)}` : '';
  const room = Math.min(600, max - lead.length - now.length - 1);
  return (why && room >= 20 ? `${lead}\n${truncate(why, room)}` : lead) + now;
}
