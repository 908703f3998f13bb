import { CATALOGUE_CODES } from './code-classes.js';
import { explain } from './explain.js';

/**
 * What a typed error code means: `exact` (as typed, case and space aside, or a spelling `explain` accepts
 * such as `ncp:200`, `ERROR_FORBIDDEN`); `corrected` (one code it can only mean: `trf.15`, `TRF15`,
 * `trf 15`, `s3m.72`, or one close typo; answer "Did you mean …?"); `suggestions` (up to three close
 * codes); `unknown` (nothing close).
 */
export type CodeLookup =
  | { kind: 'exact'; code: string }
  | { kind: 'corrected'; code: string; typed: string }
  | { kind: 'suggestions'; codes: string[]; typed: string }
  | { kind: 'unknown'; typed: string };

export const MAX_SUGGESTIONS = 3;

interface ParsedCode {
  prefix: string;
  number: string;
  width: number;
}

/** Catalogue codes with a numeric part, split once: `TRF.0015` → TRF, 0015. */
const NUMBERED: ReadonlyArray<{ code: string } & ParsedCode> = CATALOGUE_CODES.flatMap((code) => {
  const match = /^([A-Z][A-Z0-9_]*)\.(\d+)$/.exec(code);
  return match ? [{ code, prefix: match[1]!, number: match[2]!, width: match[2]!.length }] : [];
});
const WORD_CODES: readonly string[] = CATALOGUE_CODES.filter((code) => /^[A-Z_]+$/.test(code));
const PREFIXES = new Set(NUMBERED.map((c) => c.prefix));

/**
 * `trf.15`, `TRF15`, `trf 15`, `oms-internal 2000`, `ncp:200` → prefix and digits. The prefix is
 * matched lazily so `S3M72` splits as S3M + 72, not S + 372.
 */
function parseNumbered(typed: string): { prefix: string; digits: string } | undefined {
  const match = /^([A-Z][A-Z0-9_ -]*?)[\s._:#-]*(\d{1,8})$/.exec(typed);
  if (!match) return undefined;
  return { prefix: match[1]!.replace(/[\s-]+/g, '_'), digits: match[2]! };
}

/** Zero-pads (or trims leading zeros) to the catalogue's width: 15 → 0015, 00072 → 0072. */
function toWidth(digits: string, width: number): string {
  const value = digits.replace(/^0+(?=\d)/, '');
  return value.length >= width ? value : value.padStart(width, '0');
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
 * each cost one, so `TFR` is one step from `TRF`. Inputs are short (a code), so the table is tiny.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

interface Candidate {
  code: string;
  distance: number;
  samePrefix: boolean;
}

/** Closest first; codes with the typed prefix before others at the same distance, then catalogue order. */
function closest(candidates: Candidate[]): Candidate[] {
  return candidates.sort((x, y) => x.distance - y.distance || Number(y.samePrefix) - Number(x.samePrefix));
}

/** Codes near a numbered code that is not in the catalogue: a typo in the prefix or in the digits. */
function nearNumbered(prefix: string, digits: string): Candidate[] {
  return closest(
    NUMBERED.flatMap((c) => {
      const prefixDistance = editDistance(prefix, c.prefix);
      const numberDistance = editDistance(toWidth(digits, c.width), c.number);
      const distance = prefixDistance + numberDistance;
      // One typo in all, or a few in a long prefix (OMS_INTERNAL) when the digits are right.
      const close =
        distance <= 1 || (numberDistance === 0 && prefixDistance <= Math.floor(c.prefix.length / 3));
      return close ? [{ code: c.code, distance, samePrefix: prefix === c.prefix }] : [];
    }),
  );
}

/** Word codes (UpCloud) near what was typed: one typo, or one per six letters in a long code. */
function nearWord(word: string): Candidate[] {
  return closest(
    WORD_CODES.flatMap((code) => {
      const distance = editDistance(word, code);
      return distance <= Math.max(1, Math.floor(code.length / 6))
        ? [{ code, distance, samePrefix: false }]
        : [];
    }),
  );
}

/** One answer from candidates: one clear best → corrected; several → suggestions; none → unknown. */
function decide(typed: string, candidates: Candidate[]): CodeLookup {
  const [first, second] = candidates;
  if (!first) return { kind: 'unknown', typed };
  if (!second || second.distance > first.distance + 1 || (first.distance === 0 && second.distance > 0))
    return { kind: 'corrected', code: first.code, typed };
  return { kind: 'suggestions', codes: candidates.slice(0, MAX_SUGGESTIONS).map((c) => c.code), typed };
}

/**
 * Finds the catalogue code someone meant. Padding and prefix spellings are corrected outright
 * (`trf.15` → TRF.0015); a typo gets the closest codes, best first; a bare number lists the codes
 * that carry it (`15` → TRF.0015).
 */
export function lookUpCode(input: string): CodeLookup {
  // A sentence's full stop or comma after a pasted code is not part of it.
  const typed = input
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.,;:!?]+$/, '');
  const exact = explain(typed);
  if (exact) return { kind: 'exact', code: exact.code };
  const upper = typed.toUpperCase();

  if (/^\d{1,8}$/.test(upper)) {
    const sameNumber = NUMBERED.filter((c) => toWidth(upper, c.width) === c.number);
    return decide(
      typed,
      sameNumber.map((c) => ({ code: c.code, distance: 0, samePrefix: false })),
    );
  }

  const numbered = parseNumbered(upper);
  if (numbered) {
    const { prefix, digits } = numbered;
    if (PREFIXES.has(prefix)) {
      const padded = NUMBERED.find((c) => c.prefix === prefix && toWidth(digits, c.width) === c.number);
      if (padded) return { kind: 'corrected', code: padded.code, typed };
    }
    return decide(typed, nearNumbered(prefix, digits));
  }

  const word = upper.replace(/[\s.-]+/g, '_').replace(/^ERROR_/, '');
  if (/^[A-Z_]+$/.test(word)) {
    const same = explain(word);
    if (same) return { kind: 'corrected', code: same.code, typed };
    return decide(typed, nearWord(word));
  }
  return { kind: 'unknown', typed };
}
