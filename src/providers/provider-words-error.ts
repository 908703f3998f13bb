import { InvalidInputError } from '../errors.js';
import { englishFrom, type MessageValues } from '../i18n/english.js';
import type { ProviderWords } from './definition.js';

type Catalogue = Readonly<Record<string, string>>;

/** One English formatter per provider catalogue, made the first time it says something. */
const formatters = new WeakMap<Catalogue, ReturnType<typeof englishFrom>>();

function englishOf(en: Catalogue): ReturnType<typeof englishFrom> {
  let say = formatters.get(en);
  if (!say) {
    say = englishFrom(en);
    formatters.set(en, say);
  }
  return say;
}

/**
 * A user-facing error in a provider's own words (`words/<locale>.json`, `error.<id>.…`), as
 * `InvalidInputError.of` is for the bot's catalogue: its English `message` (logs, audit) is en.json's
 * sentence with `values` put in (a `fixKey` names another key); `localized` lets Slack say it in each
 * reader's language. Outside text (an id, a typed title) goes in as a value, never into the words.
 */
export function providerWordsError<En extends Catalogue>(
  words: ProviderWords & { readonly en: En },
  key: keyof En & string,
  values?: MessageValues,
): InvalidInputError {
  const error = new InvalidInputError(englishOf(words.en)(key, values));
  error.localized = { key, ...(values ? { values } : {}) };
  return error;
}
