import { createIntl, createIntlCache } from '@formatjs/intl';
import { describe, expect, it } from 'vitest';
import { spaceBoldBesideCjk } from '../../src/i18n/cjk-bold.js';
import { settleParticles } from '../../src/i18n/korean-particles.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES, type MessageKey, translatorFor } from '../../src/i18n/translator.js';

/**
 * The translator keeps each message's and number's formatter instead of asking formatjs for it on
 * every call: what it says must be what formatjs's own `formatMessage` / `formatNumber` say, for
 * every key of every language, errors included.
 */
function formatjs(locale: (typeof LOCALES)[number]) {
  return createIntl(
    {
      locale,
      defaultLocale: 'en',
      messages: { ...MESSAGES.en, ...MESSAGES[locale] },
      onError: (error) => {
        throw error;
      },
    },
    createIntlCache(),
  );
}

/** A value for every argument a message names (`{name}`, `{n, plural, …}`): a number formats either way. */
function sampleValues(message: string): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [, name] of message.matchAll(/\{\s*(\w+)/g)) values[name!] = 3;
  return values;
}

describe('cached formatters', () => {
  it.each(LOCALES)('say in %s exactly what formatjs says, for every message', (locale) => {
    const tr = translatorFor(locale);
    const intl = formatjs(locale);
    const messages = { ...MESSAGES.en, ...MESSAGES[locale] };
    for (const [key, message] of Object.entries(messages)) {
      const values = sampleValues(message);
      const said = String(intl.formatMessage({ id: key }, values, { ignoreTag: true }));
      // Korean and Chinese lay bold out so Slack renders it next to their letters (cjk-bold.ts);
      // Korean picks each two-form particle ("을(를)") by the word before it (korean-particles.ts).
      const expected =
        locale === 'en' ? said : spaceBoldBesideCjk(locale === 'ko' ? settleParticles(said) : said);
      // Twice: the first call builds the formatter, the second uses the cached one.
      expect(tr.t(key as MessageKey, values)).toBe(expected);
      expect(tr.t(key as MessageKey, values)).toBe(expected);
    }
  });

  it('fail as formatjs fails: a missing value, a missing key', () => {
    const tr = translatorFor('en');
    const intl = formatjs('en');
    const key = 'duration.seconds' as MessageKey;
    const expected = (() => {
      try {
        intl.formatMessage({ id: key }, {}, { ignoreTag: true });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(expected).toBeInstanceOf(Error);
    tr.t(key, { s: 1 });
    expect(() => tr.t(key)).toThrow(expected!.constructor as new () => Error);
    // Its message ends with the inner error's stack, which differs by call site: the first line.
    expect(() => tr.t(key)).toThrow(expected!.message.split('\n')[0]!);
    expect(() => tr.t('no.such.key' as MessageKey)).toThrow(/no\.such\.key/);
  });

  it.each(LOCALES)('format numbers in %s as formatNumber does', (locale) => {
    const tr = translatorFor(locale);
    const intl = formatjs(locale);
    for (const n of [0, 7, 1234, 1234567.891, -42]) expect(tr.count(n)).toBe(intl.formatNumber(n));
    for (const [bytes, value, digits] of [
      [512, 512, 0],
      [1536, 1.5, 1],
      [200 * 1024 ** 2, 200, 0],
      [12.34 * 1024 ** 3, 12.34, 1],
    ] as const) {
      const shown = intl.formatNumber(digits === 0 ? Math.round(value) : value, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
        useGrouping: false,
      });
      expect(tr.bytes(bytes)).toBe(`${shown} ${tr.bytes(bytes).split(' ')[1]}`);
    }
  });
});
