import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { InvalidInputError } from '../errors.js';
import type { MessageValues } from '../i18n/english.js';
import type { ProviderWords } from './definition.js';

type Catalogue = Readonly<Record<string, string>>;

const cache = createIntlCache();
/** One English formatter per provider catalogue, made the first time it says something. */
const formatters = new WeakMap<Catalogue, IntlShape<string>>();

function englishOf(en: Catalogue): IntlShape<string> {
  let intl = formatters.get(en);
  if (!intl) {
    intl = createIntl(
      {
        locale: 'en',
        messages: en,
        onError: (error) => {
          throw error;
        },
      },
      cache,
    );
    formatters.set(en, intl);
  }
  return intl;
}

/**
 * `key` of a provider's English words with `values` put in, as `english()` says the bot's own (a
 * `fixKey` value names another key of these words, put in as `fix`). Never throws: a message that
 * cannot be formatted reads as written, a key it does not have as the key.
 */
function sayInEnglish(en: Catalogue, key: string, values?: MessageValues): string {
  const { fixKey, ...rest } = values ?? {};
  const filled =
    typeof fixKey === 'string' && Object.hasOwn(en, fixKey)
      ? { ...rest, fix: sayInEnglish(en, fixKey, rest) }
      : values;
  try {
    return String(englishOf(en).formatMessage({ id: key }, filled, { ignoreTag: true }));
  } catch {
    return Object.hasOwn(en, key) ? (en[key] as string) : key;
  }
}

/**
 * A user-facing error in a provider's own words (`words/<locale>.json`, keyed `error.<id>.…`): what
 * `InvalidInputError.of` is for the bot's catalogue. Its English `message` (logs, the audit) is the
 * provider's en.json sentence with `values` put in, so the words are written once, there; `localized`
 * names the key, and Slack says it in each reader's language. Outside text (an id or a title typed)
 * goes in as a value, never into the key's words.
 */
export function providerWordsError<En extends Catalogue>(
  words: ProviderWords & { readonly en: En },
  key: keyof En & string,
  values?: MessageValues,
): InvalidInputError {
  const error = new InvalidInputError(sayInEnglish(words.en, key, values));
  error.localized = { key, ...(values ? { values } : {}) };
  return error;
}
