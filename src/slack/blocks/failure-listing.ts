import type { KnownBlock } from '@slack/types';
import { explainForDisplay } from '../../catalogue/explain.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { FailureItem, FailureListNote } from '../../watcher/notification.js';
import { encodeResourceButton } from '../resource-button.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { resourceRef } from './resource-card.js';

/** Slack's limits: 50 blocks per message, 3000 characters per section text. */
const MAX_BLOCKS = 50;
const SECTION_TEXT = 3000;

/**
 * Several resources of one channel failed at once: one channel post, a section per resource (its
 * name, reference, code and the catalogue's one-line explanation, else the provider's own words).
 * Each resource's thread has its full failure reply.
 */
export function renderFailureListing(
  note: FailureListNote,
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const shown = note.items.slice(0, MAX_BLOCKS);
  // Each failure keeps a way to act on it: Open gives its card with the buttons its state allows
  // (a subscription in `failures` mode has no card of its own in the channel).
  const blocks: KnownBlock[] = shown.map((item) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(itemText(item, tr), SECTION_TEXT) },
    accessory: {
      type: 'button',
      action_id: 'resource.open',
      text: { type: 'plain_text', text: tr.t('list.open') },
      value: encodeResourceButton(item),
    },
  }));
  const text = truncate(
    note.items.map((i) => tr.t('watch.failed', { name: escapeMrkdwn(i.name), at: '' })).join(' '),
    SECTION_TEXT,
  );
  return { text, blocks };
}

function itemText(item: FailureItem, tr: Translator): string {
  const at = item.progress !== undefined ? tr.t('watch.at', { pct: tr.percent(item.progress) }) : '';
  const lead = `${tr.t('watch.failed', { name: `*${escapeMrkdwn(truncate(item.name, 200))}*`, at })} ${code(resourceRef(item))}`;
  const explained = item.code ? explainForDisplay(item.code, undefined, tr.locale) : undefined;
  const message = explained?.title.replace(`${explained.code}: `, '') ?? '';
  const why = explained?.known
    ? `${code(explained.code)} ${escapeMrkdwn(truncate(message, 400))}`
    : [item.code ? code(item.code) : '', item.message ? escapeMrkdwn(truncate(item.message, 300)) : '']
        .filter(Boolean)
        .join(' ');
  return why ? `${lead}\n${truncate(why, 600)}` : lead;
}
