import { createIntl, createIntlCache } from '@formatjs/intl';
import { wordsHolding } from './joined-words.js';
import en from './messages/en.json' with { type: 'json' };

/** Every key the bot says something with; English is the source, so a typo is a type error. */
export type MessageKey = keyof typeof en;
export type MessageValues = Record<string, string | number>;

/**
 * English from one catalogue (en.json or a provider's): `key` with `values`; a `fixKey` value names a key
 * whose words go in as `fix`. Never throws (an error's message must build): unformattable reads as written,
 * a missing key as the key. A leaf (no provider words, no registry), so `errors.ts` and providers can use
 * it without an import cycle.
 */
export function englishFrom(messages: Readonly<Record<string, string>>) {
  const intl = createIntl(
    {
      locale: 'en',
      messages,
      onError: (error) => {
        throw error;
      },
    },
    createIntlCache(),
  );
  // A message without values is the same every time: formatted once (errors are built in hot paths).
  const plain = new Map<string, string>();
  const say = (key: string, values?: MessageValues): string => {
    if (values === undefined) {
      const known = plain.get(key);
      if (known !== undefined) return known;
    }
    const { fixKey, ...rest } = values ?? {};
    const filled =
      typeof fixKey === 'string' && Object.hasOwn(messages, fixKey)
        ? { ...rest, fix: say(fixKey, rest) }
        : values;
    let said: string;
    try {
      said = String(intl.formatMessage({ id: key }, filled, { ignoreTag: true }));
    } catch {
      said = Object.hasOwn(messages, key) ? (messages[key] as string) : key;
    }
    if (values === undefined && Object.hasOwn(messages, key)) plain.set(key, said);
    return said;
  };
  return say;
}

const bots = englishFrom(en);

/**
 * The bot's own English: what an error's `message` says in the logs and the audit. A key a
 * capability took into its own words, as stored records name it, is said from them (`joined-words.ts`).
 */
export function english(key: MessageKey, values?: MessageValues): string {
  const words = Object.hasOwn(en, key) ? undefined : wordsHolding(key);
  return words ? englishIn(words.en)(key, values) : bots(key, values);
}

const sayers = new WeakMap<object, (key: string, values?: MessageValues) => string>();

/** `englishFrom` for a capability's catalogue, made once per catalogue. */
export function englishIn(messages: Readonly<Record<string, string>>) {
  let say = sayers.get(messages);
  if (!say) {
    say = englishFrom(messages);
    sayers.set(messages, say);
  }
  return say;
}
