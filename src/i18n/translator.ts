import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { providerDefinitions } from '../providers/registry.js';
import { spaceBoldBesideCjk } from './cjk-bold.js';
import type { MessageKey, MessageValues } from './english.js';
import { wordsHolding } from './joined-words.js';
import { hasTwoFormParticle, markValue, settleParticles } from './korean-particles.js';
import { LOCALES, type Locale } from './locale.js';
import en from './messages/en.json' with { type: 'json' };
import ko from './messages/ko.json' with { type: 'json' };
import zhCN from './messages/zh-CN.json' with { type: 'json' };
import type { Words } from './words.js';

/**
 * What providers declare as data (form labels, choices, hints, their errors) lives in each provider's
 * folder (`words/<locale>.json`, keyed `form.<provider>.…` / `connect.<provider>.…` /
 * `error.<provider>.…`) and joins the bot's own sentences here: one catalogue per language all the
 * same. Read once, at load, from the providers registered then (the built-in ones).
 */
function withProviderWords(locale: Locale, own: Readonly<Record<string, string>>): Record<string, string> {
  return Object.assign({}, own, ...providerDefinitions().map((d) => d.words?.[locale] ?? {}));
}

const EN = withProviderWords('en', en);

/**
 * Every key the bot says something with (`MessageKey`, English is the source, so a typo is a type
 * error). A provider's keys are looked up by name (`Translator.has`), so they are not in the type.
 */
export type { MessageKey, MessageValues };

/** The catalogues as written, per locale (the completeness test reads them from here). */
export const MESSAGES: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: EN,
  ko: withProviderWords('ko', ko),
  'zh-CN': withProviderWords('zh-CN', zhCN),
};

/** A compiled ICU message (intl-messageformat's, as formatjs builds it). */
type MessageFormat = ReturnType<IntlShape['formatters']['getMessageFormat']>;
const NO_VALUES: MessageValues = {};
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const cache = createIntlCache();

/**
 * One reader's language: ICU messages by key, and figures formatted the way they read them. English
 * output is the bot's historical wording, character for character, so surfaces and tests read the
 * same whether or not a translator was passed.
 */
export class Translator<Own extends string = never> {
  readonly locale: Locale;
  readonly #intl: IntlShape<string>;
  /** A capability's own words beside the bot's (`with`); empty for the bot's own translators. */
  readonly #own: Readonly<Record<string, string>>;
  readonly #extended = new WeakMap<Words<string>, Translator<string>>();
  /**
   * Each message's compiled formatter, by key. formatjs memoizes them too, but finds one by
   * serializing its arguments (the message and its options) to JSON on every call; a card formats
   * some 20 messages, so under a burst that look-up was a visible share of the CPU.
   */
  readonly #formats = new Map<string, MessageFormat | null>();
  /**
   * Per Korean message with a two-form particle ("{name}을(를)"): the arguments it prints as they are,
   * whose values are marked so the particle after each can be chosen; null for the others.
   */
  readonly #particles = new Map<string, ReadonlySet<string> | null>();

  /** The number formats `count` and `bytes` use, as `formatNumber` would build them (looked up once). */
  readonly #numbers: Record<
    'plain' | 'whole' | 'oneDecimal',
    ReturnType<IntlShape['formatters']['getNumberFormat']>
  >;

  constructor(locale: Locale, words?: Words<Own>) {
    this.locale = locale;
    this.#own = words?.en ?? {};
    this.#intl = createIntl(
      {
        locale,
        defaultLocale: 'en',
        // A key missing here falls back to English rather than showing its id.
        messages: { ...EN, ...words?.en, ...MESSAGES[locale], ...words?.[locale] },
        onError: (error) => {
          throw error;
        },
      },
      cache,
    );
    const numberFormat = (options: Parameters<IntlShape['formatters']['getNumberFormat']>[1]) =>
      this.#intl.formatters.getNumberFormat(this.#intl.locale, options);
    this.#numbers = {
      plain: numberFormat({}),
      whole: numberFormat({ useGrouping: false, minimumFractionDigits: 0, maximumFractionDigits: 0 }),
      oneDecimal: numberFormat({ useGrouping: false, minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    };
  }

  /**
   * This reader's language with a capability's own words beside the bot's (its folder's
   * `words/<locale>.json`, keys prefixed with its name): `tr.with(WORDS).t('labels.set')`.
   * Made once per catalogue and language.
   */
  with<K extends string>(words: Words<K>): Translator<K> {
    let extended = this.#extended.get(words);
    if (!extended) {
      extended = new Translator<K>(this.locale, words);
      this.#extended.set(words, extended);
    }
    return extended as Translator<K>;
  }

  /** The message `key` with `values` put in (mrkdwn the caller escaped; tags are not parsed). */
  t(key: MessageKey | Own, values?: MessageValues): string {
    const holder = this.#holder(key);
    if (holder) return holder.t(key as never, values);
    const said = this.locale === 'ko' ? this.#saidInKorean(key, values) : this.#said(key, values);
    // Korean and Chinese put no space between words: a bold span needs one to render in Slack.
    return this.locale === 'en' ? said : spaceBoldBesideCjk(said);
  }

  /** Korean: each "을(를)"-style particle takes the form the word before it calls for. */
  #saidInKorean(key: string, values?: MessageValues): string {
    let printed = this.#particles.get(key);
    if (printed === undefined) {
      const message = Object.hasOwn(this.#intl.messages, key) ? this.#intl.messages[key] : undefined;
      printed = null;
      if (typeof message === 'string' && hasTwoFormParticle(message)) {
        // Only arguments printed as they are: a select's value is matched, so it must stay unmarked.
        const chosen = new Set([...message.matchAll(/\{\s*(\w+)\s*,/g)].map((m) => m[1]!));
        printed = new Set(
          [...message.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => m[1]!).filter((name) => !chosen.has(name)),
        );
      }
      this.#particles.set(key, printed);
    }
    if (printed === null) return this.#said(key, values);
    const marked: MessageValues = { ...values };
    for (const name of printed) {
      const value = marked[name];
      if (typeof value === 'string') marked[name] = markValue(value);
    }
    return settleParticles(this.#said(key, marked));
  }

  #said(key: string, values?: MessageValues): string {
    const format = this.#format(key);
    if (format) {
      try {
        return String(format.format(values ?? NO_VALUES));
      } catch {
        // Falls through: formatjs reports the error as it always did (`onError` throws it).
      }
    }
    return String(this.#intl.formatMessage({ id: key }, values, { ignoreTag: true }));
  }

  /** The formatter `formatMessage` would use; null where it takes another path (a missing message). */
  #format(key: string): MessageFormat | null {
    let format = this.#formats.get(key);
    if (format === undefined) {
      const intl = this.#intl;
      const message = Object.hasOwn(intl.messages, key) ? intl.messages[key] : undefined;
      format = null;
      if (typeof message === 'string' && message !== '') {
        try {
          format = intl.formatters.getMessageFormat(message, intl.locale, intl.formats, {
            formatters: intl.formatters,
            ignoreTag: true,
          });
        } catch {
          // A message that does not parse: formatMessage reports it, on every call as before.
        }
      }
      this.#formats.set(key, format);
    }
    return format;
  }

  /** Whether the catalogue has `key` (for keys built from data, such as a subcommand's name). */
  has(key: string): key is MessageKey | Own {
    return Object.hasOwn(EN, key) || Object.hasOwn(this.#own, key) || this.#holder(key) !== undefined;
  }

  /** A key neither the bot's nor its own, in a capability's joined words (`joined-words.ts`): that reader. */
  #holder(key: string): Translator<string> | undefined {
    if (Object.hasOwn(EN, key) || Object.hasOwn(this.#own, key)) return undefined;
    const words = wordsHolding(key);
    return words ? this.with(words) : undefined;
  }

  count(n: number | undefined): string {
    return n === undefined ? '—' : this.#numbers.plain.format(n);
  }

  /** Binary units in every language (what the consoles show); the number in the reader's style. */
  bytes(bytes: number | undefined): string {
    if (bytes === undefined || !Number.isFinite(bytes)) return '—';
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    const whole = value >= 100 || unit === 0;
    const shown = whole
      ? this.#numbers.whole.format(Math.round(value))
      : this.#numbers.oneDecimal.format(value);
    return `${shown} ${BYTE_UNITS[unit]}`;
  }

  percent(fraction: number | undefined): string {
    if (fraction === undefined) return '—';
    const pct = Math.max(0, Math.min(1, fraction)) * 100;
    return `${pct >= 10 || pct === 0 ? Math.floor(pct) : pct.toFixed(1)}%`;
  }

  /**
   * A duration as people say it: seconds under a minute, then whole minutes, hours and minutes,
   * days and hours, a zero part left out ("1 min", "30 min", "1 h", "2 h 5 min"; "1분", "1 小时").
   * Never "1 min 0 s": past a minute the seconds are rounded away, as a person would.
   */
  duration(seconds: number | undefined): string {
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
    if (Math.round(seconds) < 60) return this.t('duration.seconds', { s: Math.round(seconds) });
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return this.t('duration.minutes', { m: minutes });
    const hours = Math.floor(minutes / 60);
    if (hours < 48)
      return minutes % 60 === 0
        ? this.t('duration.hours', { h: hours })
        : this.t('duration.hoursMinutes', { h: hours, m: minutes % 60 });
    const wholeHours = Math.round(minutes / 60);
    const days = Math.floor(wholeHours / 24);
    return wholeHours % 24 === 0
      ? this.t('duration.days', { d: days })
      : this.t('duration.daysHours', { d: days, h: wholeHours % 24 });
  }

  /** A rough duration for an estimate, without false precision ("about 40 min"). */
  about(seconds: number | undefined): string {
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
    if (seconds < 90) return this.t('about.underTwoMinutes');
    const minutes = seconds / 60;
    if (minutes < 60)
      return this.t('about.minutes', { n: minutes < 15 ? Math.round(minutes) : Math.round(minutes / 5) * 5 });
    const hours = minutes / 60;
    if (hours < 10) return this.t('about.hours', { n: String(Math.round(hours * 2) / 2).replace('.5', '½') });
    if (hours < 48) return this.t('about.hours', { n: String(Math.round(hours)) });
    return this.t('about.days', { n: Math.round(hours / 24) });
  }

  /** "a, b and c" in the reader's language. */
  list(items: readonly string[]): string {
    return this.#intl.formatList(items, { type: 'conjunction' });
  }
}

const translators = new Map<Locale, Translator>(LOCALES.map((locale) => [locale, new Translator(locale)]));

export function translatorFor(locale: Locale): Translator {
  return translators.get(locale) ?? ENGLISH;
}

export const ENGLISH: Translator = translators.get('en') as Translator;
