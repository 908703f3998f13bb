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
 * A user-facing error in a provider's own words (`words/<locale>.json`, keyed `error.<id>.…`): what
 * `InvalidInputError.of` is for the bot's catalogue. Its English `message` (logs, the audit) is the
 * provider's en.json sentence with `values` put in, as `english()` says the bot's own (a `fixKey`
 * value names another key of these words), so the words are written once, there; `localized`
 * names the key, and Slack says it in each reader's language. Outside text (an id or a title typed)
 * goes in as a value, never into the key's words.
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
