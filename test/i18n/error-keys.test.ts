import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APPROVAL_WORDS } from '../../src/capabilities/approvals/words.js';
import { ON_CALL_WORDS } from '../../src/capabilities/on-call/words.js';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../src/errors.js';
import { english } from '../../src/i18n/english.js';
import { joinWords, wordsHolding } from '../../src/i18n/joined-words.js';
import { LOCALES, type Locale } from '../../src/i18n/locale.js';
import { ENGLISH, MESSAGES, type MessageKey, type MessageValues } from '../../src/i18n/translator.js';

/**
 * English once: a user-facing error is made by catalogue key (`InvalidInputError.of(key, values)`),
 * and its English `message` (logs, the audit) is the en catalogue's rendering of that key. These
 * read every such call in src/ and check the keys and values it names against the catalogues.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

interface ErrorCall {
  at: string;
  keys: string[];
  /** The value names passed, when they are all written out (no spread, no variable). */
  valueNames?: string[];
}

/** The string keys an expression can be: a literal, or either side of a ternary. */
function literalKeys(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node))
    return [...literalKeys(node.whenTrue), ...literalKeys(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return literalKeys(node.expression);
  return [];
}

function errorCalls(): ErrorCall[] {
  const calls: ErrorCall[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (!/\.of\(|\.in\(|english\(/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const isOf =
          ts.isPropertyAccessExpression(callee) &&
          callee.name.text === 'of' &&
          /Error$/.test(callee.expression.getText(sf));
        const isEnglish = ts.isIdentifier(callee) && callee.text === 'english';
        // `SomeError.in(WORDS, key, values)`: a key of a capability's own words.
        const isIn =
          ts.isPropertyAccessExpression(callee) &&
          callee.name.text === 'in' &&
          /Error$/.test(callee.expression.getText(sf));
        const [key, values] = isIn ? node.arguments.slice(1) : node.arguments;
        // A key passed on by name (a helper's parameter) is a MessageKey where it is written.
        if ((isOf || isEnglish || isIn) && key && literalKeys(key).length > 0) {
          const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
          const call: ErrorCall = { at: `${path.relative(SRC, file)}:${line}`, keys: literalKeys(key) };
          if (values === undefined) call.valueNames = [];
          else if (
            ts.isObjectLiteralExpression(values) &&
            values.properties.every((p) => p.name && !ts.isSpreadAssignment(p))
          )
            call.valueNames = values.properties.map((p) => (p.name as ts.Identifier).text);
          calls.push(call);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return calls;
}

/** Each argument a message takes, with a value that renders it (a number for counts, `other` for a select). */
function sampleValues(elements: MessageFormatElement[], into: MessageValues = {}): MessageValues {
  for (const element of elements) {
    if (element.type === TYPE.argument) into[element.value] ??= `<${element.value}>`;
    else if (element.type === TYPE.number || element.type === TYPE.plural) into[element.value] = 2;
    else if (element.type === TYPE.select) into[element.value] ??= 'other';
    if (element.type === TYPE.select || element.type === TYPE.plural)
      for (const option of Object.values(element.options)) sampleValues(option.value, into);
  }
  return into;
}

// Every capability's words joined as the bot joins them at start: `wordsHolding` finds a moved key's.
joinWords(CAPABILITIES.flatMap((c) => (c.words ? [c.words] : [])));

/** The catalogue, in `locale`, that holds `key`: a capability's own words, or the bot's. */
function catalogueOf(key: string, locale: Locale = 'en'): Readonly<Record<string, string>> {
  return wordsHolding(key)?.[locale] ?? MESSAGES[locale];
}

const calls = errorCalls();
const keys = [...new Set(calls.flatMap((c) => c.keys))].sort();

describe('errors made by catalogue key', () => {
  it('are found in src/ (the scan itself works)', () => {
    expect(calls.length).toBeGreaterThan(100);
    expect(keys).toContain('claim.taken');
  });

  it.each(LOCALES)('name only keys %s has', (locale) => {
    expect(keys.filter((key) => !Object.hasOwn(catalogueOf(key, locale), key))).toEqual([]);
  });

  it('pass every value their English message takes', () => {
    const missing: string[] = [];
    for (const call of calls) {
      if (!call.valueNames) continue;
      for (const key of call.keys) {
        const wanted = Object.keys(sampleValues(parse(catalogueOf(key)[key] ?? '', { ignoreTag: true })));
        const given = new Set(call.valueNames);
        // `fixKey` names a catalogue key whose words go in as `fix`.
        if (given.has('fixKey')) given.add('fix');
        for (const name of wanted) if (!given.has(name)) missing.push(`${call.at} ${key}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(keys)('%s: the message is the en catalogue rendering, as readers in English see it', (key) => {
    const values = sampleValues(parse(catalogueOf(key)[key] ?? '', { ignoreTag: true }));
    const words = wordsHolding(key);
    if (words) {
      const error = InvalidInputError.in(words, key, values);
      expect(error.message).toBe(ENGLISH.with(words).t(key, values));
      expect(error.localized).toEqual({ key, values });
      return;
    }
    const error = InvalidInputError.of(key as MessageKey, values);
    expect(error.message).toBe(ENGLISH.t(key as MessageKey, values));
    expect(error.message).toBe(english(key as MessageKey, values));
    expect(error.localized).toEqual({ key, values });
  });
});

describe('AppError.of', () => {
  it('keeps the class and code, and writes the message from en.json', () => {
    const taken = InvalidInputError.in(ON_CALL_WORDS, 'claim.taken', { user: '<@U1>' });
    expect(taken).toBeInstanceOf(InvalidInputError);
    expect(taken.code).toBe('invalid_input');
    expect(taken.message).toBe(ON_CALL_WORDS.en['claim.taken'].replace('{user}', '<@U1>'));
    expect(NotFoundError.of('error.noConnections')).toBeInstanceOf(NotFoundError);
    expect(ForbiddenError.in(APPROVAL_WORDS, 'approval.error.self').code).toBe('forbidden');
    expect(ForbiddenError.in(APPROVAL_WORDS, 'approval.error.self').localized).toEqual({
      key: 'approval.error.self',
    });
  });

  it('never fails to build the error: a value missing leaves the catalogue text as written', () => {
    const error = InvalidInputError.in(ON_CALL_WORDS, 'claim.taken');
    expect(error.message).toBe(ON_CALL_WORDS.en['claim.taken']);
  });

  it('puts a fixKey’s words in as `fix`', () => {
    const fix = Object.keys(MESSAGES.en).find((key) => key.startsWith('broken.fix.'));
    if (!fix) throw new Error('no broken.fix.* key to try');
    const values = sampleValues(parse(MESSAGES.en[fix]!, { ignoreTag: true }));
    const error = InvalidInputError.of('watch.cannotPostNew', {
      ...values,
      channel: '<#C1>',
      reason: 'channel_not_found',
      fixKey: fix,
    });
    expect(error.message).toContain(english(fix as MessageKey, { ...values, channel: '<#C1>' }));
    expect(error.message).not.toContain('{fix}');
  });
});
