import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * English once (issue 47): a user-facing error is made by its catalogue key,
 * `InvalidInputError.of(key, values)`, and its English is the en catalogue's. The retired form,
 * `localized(new XError('English…'), key)`, wrote the English a second time in code, where it drifted
 * from en.json; it must not come back.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');

/** A call of a function named `localized` (not the `error.localized` property). */
const RETIRED = /(^|[^.\w])localized\s*\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function offenders(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (RETIRED.test(line) ? [i + 1] : []));
}

describe('English once', () => {
  it('no error in src/ is built with its English in code beside its key (`localized(new …)`)', () => {
    const found = sourceFiles(SRC).flatMap((file) =>
      offenders(readFileSync(file, 'utf8')).map((line) => `${path.relative(SRC, file)}:${line}`),
    );
    expect(found).toEqual([]);
  });

  it('catches the retired form on one line or over several, and lets the property be (the check works)', () => {
    expect(offenders("throw localized(new InvalidInputError('Gone.'), 'claim.notFailed');")).toEqual([1]);
    expect(
      offenders("throw localized(\n  new InvalidInputError('Gone.'),\n  'claim.notFailed',\n);"),
    ).toEqual([1]);
    expect(offenders('return localized(error, key);')).toEqual([1]);
    expect(offenders('if (error.localized?.key) return error.localized;')).toEqual([]);
    expect(offenders("throw InvalidInputError.of('claim.notFailed');")).toEqual([]);
  });
});
