import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, section, truncate } from '../../slack/blocks/mrkdwn.js';
import type { WindowRefusedNote } from './window-fact.js';
import { WINDOW_WORDS } from './words.js';

/** A time window left the resource as it was: the policy refused the person who set it. */
export function renderWindowRefused(note: WindowRefusedNote, tr: Translator): CapabilityRendered {
  const text = tr.with(WINDOW_WORDS).t('window.watch.refused', {
    name: `*${escapeMrkdwn(truncate(note.window.name, 80))}*`,
    action: note.action,
    user: `<@${note.by}>`,
    command: code(`/migrate window remove ${note.window.id}`),
  });
  return { text, blocks: [section(text)] };
}
