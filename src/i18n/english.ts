import { createIntl, createIntlCache } from '@formatjs/intl';
import en from './messages/en.json' with { type: 'json' };

/** Every key the bot says something with; English is the source, so a typo is a type error. */
export type MessageKey = keyof typeof en;
export type MessageValues = Record<string, string | number>;

/**
 * The bot's own English, rendered from the catalogue alone: what an error's `message` says in the
 * logs and the audit, so its words are written once, in en.json. A leaf (no provider words, no
 * registry), so `errors.ts` can use it without an import cycle; for these keys it says exactly what
 * the English translator says.
 */
const intl = createIntl(
  {
    locale: 'en',
    messages: en,
    onError: (error) => {
      throw error;
    },
  },
  createIntlCache(),
);

/**
 * `key` with `values` put in. A value named `fixKey` is a catalogue key whose words go in as `fix`
 * (the same convention readers' renderings follow). Never throws: a message that cannot be
 * formatted (a value missing) reads as the catalogue wrote it, so building an error never fails.
 */
export function english(key: MessageKey, values?: MessageValues): string {
  const { fixKey, ...rest } = values ?? {};
  const filled =
    typeof fixKey === 'string' && Object.hasOwn(en, fixKey)
      ? { ...rest, fix: english(fixKey as MessageKey, rest) }
      : values;
  try {
    return String(intl.formatMessage({ id: key }, filled, { ignoreTag: true }));
  } catch {
    return Object.hasOwn(en, key) ? en[key] : key;
  }
}
