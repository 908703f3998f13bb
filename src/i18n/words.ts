import type { Locale } from './locale.js';

/**
 * A capability's own catalogue, one per language, as its folder's `words/<locale>.json` hold it:
 * English is the source (its keys are the type), and each key starts with the capability's name
 * (or its name singular, as `approval.` keys stored records hold).
 * The bot's completeness checks read it from the capability's definition.
 */
export type Words<K extends string = string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

/** The catalogue typed by its English keys: the other languages must have exactly these. */
export function defineWords<K extends string>(
  en: Readonly<Record<K, string>>,
  others: Readonly<Record<Exclude<Locale, 'en'>, Readonly<Record<string, string>>>>,
): Words<K> {
  return { en, ...others } as Words<K>;
}
