import { z } from 'zod';
import type { Locale } from '../i18n/locale.js';
import { translatorFor } from '../i18n/translator.js';
import { GATEWAY_CODES } from './gateway-codes.js';
import omsErrorCodes from './oms-error-codes.json' with { type: 'json' };
import koTexts from './translations/ko.json' with { type: 'json' };
import zhCNTexts from './translations/zh-CN.json' with { type: 'json' };

export interface CatalogueEntry {
  code: string;
  httpStatus?: number;
  message: string;
  description: string;
  solution: string;
  provider: 'huawei-oms' | 'ncp' | 'upcloud';
}

/** The shape written by scripts/extract-error-catalogue.mjs; checked once at load so bad data fails loudly. */
const OmsCatalogueSchema = z.array(
  z.strictObject({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*\.\d+$/),
    httpStatus: z.number().int().min(100).max(599),
    message: z.string(),
    description: z.string(),
    solution: z.string(),
  }),
);

const omsEntries: CatalogueEntry[] = OmsCatalogueSchema.parse(omsErrorCodes).map((entry) => ({
  ...entry,
  provider: 'huawei-oms',
}));

/**
 * Entries by upper-case code. A code may have several entries: OMS lists a few codes under two HTTP
 * statuses with different advice (OMS.0095 is both 400 and 403). The OMS catalogue comes first, so it
 * wins over a gateway entry with the same code.
 */
const byCode = new Map<string, CatalogueEntry[]>();
for (const entry of [...omsEntries, ...GATEWAY_CODES]) {
  const key = entry.code.toUpperCase();
  byCode.set(key, [...(byCode.get(key) ?? []), entry]);
}

const HUAWEI_CODE = /^(S3M|TRF|CMM|OMS|OMS_INTERNAL|APIGW)\./;

/**
 * Normalises what users and providers write: case and surrounding space do not matter, NCP codes may be
 * written `ncp:200`, and UpCloud problem+json types carry an `ERROR_` prefix that its SDK strips.
 */
function normaliseCode(code: string): string {
  const upper = code.trim().toUpperCase();
  const ncp = /^NCP\s*[:.]\s*(\d+)$/.exec(upper);
  if (ncp) return `NCP.${ncp[1]}`;
  // NCP's API Gateway sends its codes bare (`"errorCode":"200"`, §1.8), and a provider error keeps
  // them as sent; no other catalogue has numeric codes, so a bare known one is NCP's.
  if (/^\d+$/.test(upper) && byCode.has(`NCP.${Number(upper)}`)) return `NCP.${Number(upper)}`;
  return upper.startsWith('ERROR_') ? upper.slice('ERROR_'.length) : upper;
}

/**
 * Looks a provider error code up in the OMS catalogue, then in the gateway codes.
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

interface EntryTexts {
  message: string;
  description: string;
  solution: string;
}

/** The catalogue's own translations (src/catalogue/translations), keyed by `translationKey`. */
const TRANSLATED: Partial<Record<Locale, Readonly<Record<string, EntryTexts>>>> = {
  ko: koTexts,
  'zh-CN': zhCNTexts,
};

/** An entry's texts in `locale`, when the catalogue has them (every field, or none). */
function textsIn(entry: CatalogueEntry, locale: Locale): EntryTexts | undefined {
  const texts = TRANSLATED[locale]?.[translationKey(entry)];
  return texts?.message && texts.description && texts.solution ? texts : undefined;
}

/**
 * An explanation ready for a Slack message, in `locale`; unknown codes say so plainly instead of
 * guessing. The code is never translated, and a translated entry keeps its English alongside.
 */
export function explainForDisplay(
  code: string | undefined,
  httpStatus?: number,
  locale: Locale = 'en',
): DisplayExplanation {
  const tr = translatorFor(locale);
  const shown = code === undefined ? '' : normaliseCode(code);
  if (shown === '') return { code: '', known: false, title: tr.t('explain.noCode') };
  const entry = explain(shown, httpStatus);
  if (!entry) {
    const catalogue = HUAWEI_CODE.test(shown) ? 'oms' : 'other';
    return { code: shown, known: false, title: tr.t('explain.unknownCode', { code: shown, catalogue }) };
  }
  const english = {
    title: `${entry.code}: ${entry.message}`,
    description: entry.description,
    solution: entry.solution,
  };
  const texts = locale === 'en' ? undefined : textsIn(entry, locale);
  if (!texts) return { code: entry.code, known: true, ...english };
  return {
    code: entry.code,
    known: true,
    title: `${entry.code}: ${texts.message}`,
    description: texts.description,
    solution: texts.solution,
    locale,
    english,
  };
}

/** Every entry, OMS first, for the translation source and its completeness test. */
export function allCatalogueEntries(): readonly CatalogueEntry[] {
  return [...omsEntries, ...GATEWAY_CODES];
}

/**
 * How an entry is keyed in `translations/*.json`: its code, or `code@status` when the code is listed
 * under several HTTP statuses with different advice.
 */
export function translationKey(entry: CatalogueEntry): string {
  const shared = (byCode.get(entry.code.toUpperCase()) ?? []).length > 1;
  return shared ? `${entry.code}@${entry.httpStatus ?? ''}` : entry.code;
}

/** Number of catalogue entries, OMS and gateway codes together (a code listed under two statuses counts twice). */
export function catalogueSize(): number {
  return omsEntries.length + GATEWAY_CODES.length;
}
