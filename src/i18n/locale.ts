/** The languages migrate-bot speaks. English is the default and the fallback for every key. */
export const LOCALES = ['en', 'ko', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/** Each language in its own words, for the settings reply and help. */
export const LANGUAGE_NAMES: Record<Locale, string> = {
  en: 'English',
  ko: '한국어',
  'zh-CN': '简体中文',
};

/**
 * A Slack user's `locale` (`ko-KR`, `zh-CN`, `en-US`, …) as one of ours. Traditional Chinese
 * (`zh-TW`, `zh-HK`) readers get English rather than Simplified characters they did not choose;
 * anything else we do not speak is English too.
 */
export function fromSlackLocale(slackLocale: string | undefined): Locale {
  const tag = (slackLocale ?? '').trim().replace('_', '-').toLowerCase();
  if (tag === 'ko' || tag.startsWith('ko-')) return 'ko';
  if (tag === 'zh-cn' || tag === 'zh-hans' || tag.startsWith('zh-hans-') || tag === 'zh-sg') return 'zh-CN';
  return 'en';
}

/**
 * What an admin types after `/migrate settings language`: a locale in any case (`ko`, `zh-cn`,
 * `EN`), or `zh` for Simplified Chinese. Undefined for anything else.
 */
export function parseLanguage(typed: string): Locale | undefined {
  const word = typed.trim().toLowerCase().replace('_', '-');
  if (word === 'zh' || word === 'zh-hans') return 'zh-CN';
  return LOCALES.find((locale) => locale.toLowerCase() === word);
}
