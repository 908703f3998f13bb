import type { InputBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import type { FormValues } from '../../providers/definition.js';
import { ACTION_PREFIX, plain } from '../../slack/blocks/create/modal-kit.js';
import { instantOf } from '../../time/zoned-time.js';
import { startProblem } from './scheduled-start.js';
import { APPROVAL_WORDS } from './words.js';

/**
 * The create form's optional "Start at": a date and a time in the workspace's time zone
 * (`/migrate settings time-zone`, else UTC). Offered for every provider: the bot holds the approved
 * request and creates it when due, which is the same for all three (UpCloud, which cannot pause,
 * is the reason it exists: a window is refused there and points here).
 */
export const START_DATE_FIELD = 'start_date';
export const START_TIME_FIELD = 'start_time';

/** The two pickers, optional, keeping what was picked when the form is redrawn. */
export function startInputs(zone: string, values: FormValues, tr: Translator): InputBlock[] {
  const date = values[START_DATE_FIELD];
  const time = values[START_TIME_FIELD];
  return [
    {
      type: 'input',
      block_id: START_DATE_FIELD,
      optional: true,
      label: plain(tr.with(APPROVAL_WORDS).t('approval.startAt.date'), 2000),
      element: {
        type: 'datepicker',
        action_id: `${ACTION_PREFIX}${START_DATE_FIELD}`,
        ...(date ? { initial_date: date } : {}),
      },
    },
    {
      type: 'input',
      block_id: START_TIME_FIELD,
      optional: true,
      label: plain(tr.with(APPROVAL_WORDS).t('approval.startAt.time'), 2000),
      hint: plain(tr.with(APPROVAL_WORDS).t('approval.startAt.hint', { zone }), 2000),
      element: {
        type: 'timepicker',
        action_id: `${ACTION_PREFIX}${START_TIME_FIELD}`,
        timezone: zone,
        ...(time ? { initial_time: time } : {}),
      },
    },
  ];
}

/**
 * The picked start as an instant, or the problem at its field, in the reader's words: both or
 * neither picked, a real date and time, not past, at most 30 days ahead.
 */
export function startFromForm(
  values: FormValues,
  zone: string,
  now: number,
  tr: Translator,
): { startAt?: string; errors: Record<string, string> } {
  const date = values[START_DATE_FIELD];
  const time = values[START_TIME_FIELD];
  if (!date && !time) return { errors: {} };
  if (!date || !time) {
    return {
      errors: {
        [date ? START_TIME_FIELD : START_DATE_FIELD]: tr.with(APPROVAL_WORDS).t('approval.startAt.both'),
      },
    };
  }
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  const local = d && t ? Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +t[1]!, +t[2]!) : Number.NaN;
  const at = Number.isFinite(local) ? instantOf(local, zone) : Number.NaN;
  const problem = startProblem(at, now);
  if (problem) return { errors: { [START_DATE_FIELD]: tr.with(APPROVAL_WORDS).t(problem) } };
  return { startAt: new Date(at).toISOString(), errors: {} };
}
