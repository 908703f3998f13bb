/**
 * How a resource's state reads: words, emoji labels. A leaf module so that the resource card and the
 * group card (which the resource card embeds) can both use it without importing each other.
 */
import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { escapeMrkdwn, truncate } from './mrkdwn.js';

const STATE_EMOJI: Record<NormalizedState, string> = {
  queued: ':hourglass_flowing_sand:',
  running: ':arrows_counterclockwise:',
  pausing: ':double_vertical_bar:',
  paused: ':double_vertical_bar:',
  retrying: ':repeat:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  deleting: ':wastebasket:',
  deleted: ':wastebasket:',
  monitoring: ':eyes:',
  unknown: ':grey_question:',
};

/** A state with its emoji, in the reader's language (`:x: Failed`). */
export function stateLabelIn(state: NormalizedState, tr: Translator): string {
  return `${STATE_EMOJI[state]} ${tr.t(`state.${state}`)}`;
}

/**
 * The state as a person reads it: a status the bot does not know shows the provider's own value
 * ("Unknown (12)"), and a list item that could not be read says so.
 */
export function stateLabel(
  r: Pick<MigrationResource, 'state' | 'rawStatus' | 'unreadable'>,
  tr: Translator = ENGLISH,
): string {
  if (r.unreadable) return `:warning: ${tr.t('state.unreadable')}`;
  const raw = r.rawStatus.trim();
  if (r.state === 'unknown' && raw)
    return `${stateLabelIn('unknown', tr)} (${escapeMrkdwn(truncate(raw, 40))})`;
  return stateLabelIn(r.state, tr);
}

/** A state as plain words (no emoji), for button labels and other plain text. */
export function stateWords(state: NormalizedState, tr: Translator = ENGLISH): string {
  return tr.t(`state.${state}`);
}
