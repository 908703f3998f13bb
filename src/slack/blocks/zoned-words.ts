import type { Translator } from '../../i18n/translator.js';
import { daysWord } from '../../time/zoned-time.js';

/**
 * Short names people read beside a time for zones Intl only names by offset in English. The
 * complaint the issue quotes is a window "defined in UTC that nobody converted": the zone is always
 * shown, by its usual letters where there are some, else as Intl names it.
 */
const ZONE_LETTERS: Record<string, string> = {
  'Asia/Seoul': 'KST',
  'Asia/Tokyo': 'JST',
  'Asia/Shanghai': 'CST',
  'Asia/Hong_Kong': 'HKT',
  'Asia/Singapore': 'SGT',
  'Asia/Kolkata': 'IST',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

function zoneLetters(ms: number, zone: string): string {
  const known = ZONE_LETTERS[zone];
  if (known) return known;
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}

/** "Fri 18:00 KST": the day and time in the window's own zone, in the reader's language. */
export function zonedTime(ms: number, zone: string, tr: Translator): string {
  const f = new Intl.DateTimeFormat(tr.locale, {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(new Date(ms))} ${zoneLetters(ms, zone)}`;
}

/**
 * The days in the reader's language: English keeps the words they are typed with (`weekdays`,
 * `mon,wed-fri`); Korean and Chinese say 평일 / 工作日, or the days' own short names.
 */
export function daysIn(days: readonly number[], tr: Translator): string {
  const typed = daysWord(days as never);
  if (tr.locale === 'en') return typed;
  if (typed === 'daily' || typed === 'weekdays' || typed === 'weekends') return tr.t(`days.${typed}`);
  const f = new Intl.DateTimeFormat(tr.locale, { weekday: 'short', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday: day d of the week is that date plus d days.
  return [...days]
    .sort()
    .map((d) => f.format(new Date(Date.UTC(2023, 0, 1 + d))))
    .join(', ');
}

/** The days as a sentence ends with them: "daily", "on weekdays", "on mon,wed" (평일, 工作日). */
export function daysOn(days: readonly number[], tr: Translator): string {
  const typed = daysWord(days as never);
  if (typed === 'daily' || typed === 'weekdays' || typed === 'weekends') return tr.t(`days.on.${typed}`);
  return tr.t('days.on.days', { days: daysIn(days, tr) });
}
