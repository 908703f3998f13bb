import { z } from 'zod';
import { GATEWAY_CODES } from './gateway-codes.js';
import omsErrorCodes from './oms-error-codes.json' with { type: 'json' };

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
  title: string;
  solution?: string;
  description?: string;
}

/** An explanation ready for a Slack message; unknown codes say so plainly instead of guessing. */
export function explainForDisplay(code: string | undefined, httpStatus?: number): DisplayExplanation {
  const shown = code === undefined ? '' : normaliseCode(code);
  if (shown === '') {
    return {
      code: '',
      known: false,
      title: 'No error code was reported; check the provider console or contact support.',
    };
  }
  const entry = explain(shown, httpStatus);
  if (!entry) {
    const catalogue = HUAWEI_CODE.test(shown) ? 'the OMS error catalogue' : 'the error catalogue';
    return {
      code: shown,
      known: false,
      title: `Unknown error code ${shown} — not in ${catalogue}; check the provider console or contact support.`,
    };
  }
  return {
    code: entry.code,
    known: true,
    title: `${entry.code}: ${entry.message}`,
    description: entry.description,
    solution: entry.solution,
  };
}

/** Number of catalogue entries, OMS and gateway codes together (a code listed under two statuses counts twice). */
export function catalogueSize(): number {
  return omsEntries.length + GATEWAY_CODES.length;
}
