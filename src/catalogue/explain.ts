import type { Locale } from '../i18n/locale.js';
import { translatorFor } from '../i18n/translator.js';
import type { CatalogueText, EntryTexts } from '../providers/provider-catalogue.js';
import type { ProviderId } from '../providers/provider-ids.js';
import { providerDefinitions } from '../providers/registry.js';

/**
 * The error catalogue: every registered provider's codes (each declares its own in its folder,
 * `catalogue.ts`), looked up the way people and providers write them.
 */

export interface CatalogueEntry extends CatalogueText {
  provider: ProviderId;
}

const catalogues = providerDefinitions().flatMap((d) => (d.catalogue ? [{ id: d.id, ...d.catalogue }] : []));
const tagged = (id: ProviderId, entries: readonly CatalogueText[] | undefined): CatalogueEntry[] =>
  (entries ?? []).map((entry) => ({ ...entry, provider: id }));

/** The services' own tables (the OMS catalogue), in registration order. */
const serviceEntries: CatalogueEntry[] = catalogues.flatMap((c) => tagged(c.id, c.serviceCodes));
/**
 * The codes the providers' API gateways (and UpCloud's API front end) raise rather than their
 * migration services, so not in the services' tables: each provider's `gatewayCodes`, in registration order.
 */
export const gatewayEntries: readonly CatalogueEntry[] = catalogues.flatMap((c) =>
  tagged(c.id, c.gatewayCodes),
);

/**
 * Entries by upper-case code. A code may have several entries: OMS lists a few codes under two HTTP
 * statuses with different advice (OMS.0095 is both 400 and 403). The services' tables come first, so
 * they win over a gateway entry with the same code.
 */
const byCode = new Map<string, CatalogueEntry[]>();
for (const entry of [...serviceEntries, ...gatewayEntries]) {
  const key = entry.code.toUpperCase();
  byCode.set(key, [...(byCode.get(key) ?? []), entry]);
}

/**
 * Normalises what users and providers write: case and surrounding space do not matter, and each
 * provider may accept its own spellings (NCP's `ncp:200`, UpCloud's `ERROR_` prefix).
 */
function normaliseCode(code: string): string {
  const upper = code.trim().toUpperCase();
  const known = (candidate: string) => byCode.has(candidate);
  for (const c of catalogues) {
    const spelled = c.normalise?.(upper, known);
    if (spelled !== undefined) return spelled;
  }
  return upper;
}

/**
 * Looks a provider error code up in the services' tables, then in the gateway codes.
 * When a code is listed under several HTTP statuses, pass the response status to pick the matching
 * entry; otherwise the lowest status is returned.
 */
export function explain(code: string, httpStatus?: number): CatalogueEntry | undefined {
  const entries = byCode.get(normaliseCode(code));
  if (!entries) return undefined;
  return entries.find((entry) => entry.httpStatus === httpStatus) ?? entries[0];
}

export interface DisplayExplanation {
  code: string;
  known: boolean;
  /** In the asked language: `CODE: message`, or why the code is not explained. */
  title: string;
  solution?: string;
  description?: string;
  /** Set when the texts above are a translation: their language. */
  locale?: Locale;
  /**
   * The catalogue's English, kept beside a translation so nothing is lost in it; absent when the
   * texts above are English already.
   */
  english?: { title: string; description: string; solution: string };
}

/** Each provider's translations of its entries, keyed by `translationKey`. */
const TRANSLATED = new Map(catalogues.map((c) => [c.id, c.translations]));

/** An entry's texts in `locale`, when the catalogue has them (every field, or none). */
function textsIn(entry: CatalogueEntry, locale: Locale): EntryTexts | undefined {
  const texts = TRANSLATED.get(entry.provider)?.[locale]?.[translationKey(entry)];
  return texts?.message && texts.description && texts.solution ? texts : undefined;
}

/** The buttons a surface carries, labelled in its reader's language, by action (`resume`: "Resume"). */
export type SurfaceButtons = Readonly<Partial<Record<string, string>>>;

/** Each provider's fixes that name a console button (`ProviderCatalogue.consoleFixes`). */
const CONSOLE_FIXES = new Map(catalogues.map((c) => [c.id, c.consoleFixes]));

/**
 * The fix as the bot can say it: a fix that sends the reader to a button of the provider's console
 * names the surface's own button that does the same instead, or no button where the surface has
 * none, so a reader never looks for a button that is not there.
 */
function fixIn(
  entry: CatalogueEntry,
  locale: Locale,
  solution: string,
  buttons: SurfaceButtons | undefined,
): string {
  const fix = CONSOLE_FIXES.get(entry.provider)?.[translationKey(entry)];
  if (!fix) return solution;
  const label = fix.actions.map((action) => buttons?.[action]).find((l) => l !== undefined);
  const said = fix.texts[locale];
  return label === undefined ? said.none : said.button.replace('{button}', label);
}

/**
 * An explanation ready for a Slack message, in `locale`; unknown codes say so plainly instead of
 * guessing. The code is never translated, and a translated entry keeps its English alongside.
 * `buttons`: what the surface carries (none unless given), for a fix that names a console button.
 */
export function explainForDisplay(
  code: string | undefined,
  httpStatus?: number,
  locale: Locale = 'en',
  buttons?: SurfaceButtons,
): DisplayExplanation {
  const tr = translatorFor(locale);
  const shown = code === undefined ? '' : normaliseCode(code);
  if (shown === '') return { code: '', known: false, title: tr.t('explain.noCode') };
  const entry = explain(shown, httpStatus);
  if (!entry) {
    const catalogue = catalogues.find((c) => c.family?.pattern.test(shown))?.family?.catalogue ?? 'other';
    return { code: shown, known: false, title: tr.t('explain.unknownCode', { code: shown, catalogue }) };
  }
  const texts = locale === 'en' ? undefined : textsIn(entry, locale);
  // The English beside a translation is read on no surface of its own: it names no button.
  const english = {
    title: `${entry.code}: ${entry.message}`,
    description: entry.description,
    solution: fixIn(entry, 'en', entry.solution, texts ? undefined : buttons),
  };
  if (!texts) return { code: entry.code, known: true, ...english };
  return {
    code: entry.code,
    known: true,
    title: `${entry.code}: ${texts.message}`,
    description: texts.description,
    solution: fixIn(entry, locale, texts.solution, buttons),
    locale,
    english,
  };
}

/** Every entry, the services' tables first, for the translation source and its completeness test. */
export function allCatalogueEntries(): readonly CatalogueEntry[] {
  return [...serviceEntries, ...gatewayEntries];
}

/**
 * How an entry is keyed in a provider's `catalogue/<locale>.json`: its code, or `code@status` when the code is listed
 * under several HTTP statuses with different advice.
 */
export function translationKey(entry: CatalogueEntry): string {
  const shared = (byCode.get(entry.code.toUpperCase()) ?? []).length > 1;
  return shared ? `${entry.code}@${entry.httpStatus ?? ''}` : entry.code;
}

/** Number of catalogue entries, service and gateway codes together (a code listed under two statuses counts twice). */
export function catalogueSize(): number {
  return serviceEntries.length + gatewayEntries.length;
}
