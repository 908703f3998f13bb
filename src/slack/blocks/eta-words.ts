import type { Translator } from '../../i18n/translator.js';
import type { EtaEstimate, PausedEta } from '../../reports/eta.js';
import { hhmm } from '../../time/zoned-time.js';
import { slackDate } from './format.js';
import { daysOn, zonedTime } from './zoned-words.js';

/** The ETA as the card says it at `now` (the bot's clock): a clock time and how long, or why not. */
export function etaWords(eta: EtaEstimate | undefined, tr: Translator, now: number): string | undefined {
  if (!eta) return undefined;
  if (!eta.known) return tr.t(`card.etaUnknown.${eta.why}`);
  return eta.paused ? pausedEta(eta.paused, tr) : etaIn(eta.seconds, tr, new Date(now));
}

/** "ETA Tue 03:00 KST, paused 09:00–18:00 on weekdays": in the zone of the first window it paused for. */
function pausedEta(paused: PausedEta, tr: Translator): string | undefined {
  const [first, ...more] = paused.windows;
  if (!first) return undefined;
  const said = tr.t('card.etaWindow', {
    when: zonedTime(paused.at, first.zone, tr),
    span: `${hhmm(first.start)}–${hhmm(first.end)}`,
    days: daysOn(first.days, tr),
  });
  return more.length > 0 ? `${said} (+${more.length})` : said;
}

/** "ETA 08:41, about 40 min": the clock time in the reader's zone, then the rough remaining time. */
export function etaIn(etaSeconds: number | undefined, tr: Translator, now: Date): string | undefined {
  if (etaSeconds === undefined || !Number.isFinite(etaSeconds) || etaSeconds < 0) return undefined;
  const at = new Date(now.getTime() + etaSeconds * 1000);
  const token = etaSeconds < 20 * 3600 ? '{time}' : '{date_short_pretty} {time}';
  return tr.t('card.eta', { time: slackDate(at, token), about: tr.about(etaSeconds) });
}
