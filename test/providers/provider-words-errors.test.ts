import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { ENGLISH, type MessageKey, translatorFor } from '../../src/i18n/translator.js';
import { bandwidthProblem } from '../../src/providers/huawei-oms/bandwidth.js';
import { refuseBandwidthPolicies } from '../../src/providers/huawei-oms/create-form.js';
import { providerWordsError } from '../../src/providers/provider-words-error.js';
import { PROVIDER_IDS, providerDefinition } from '../../src/providers/registry.js';
import { renderError } from '../../src/slack/blocks/error-message.js';

/**
 * A refusal a provider makes is built from its words (`words/<locale>.json`, `error.<id>.…`) with
 * `providerWordsError`, so a Korean or Chinese reader is not answered in English. Only a client's
 * contract guards, which the bot never lets a person reach, still write English in code: each is
 * listed here with why.
 */
const PROVIDERS = 'src/providers';

const ALLOWED: readonly { file: string; text: string; why: string }[] = [
  {
    file: 'src/providers/create-request.ts',
    text: 'Invalid ${…} request: ${…}.',
    why: 'a stored request checked again before it is sent: its form already refused bad fields in the provider’s words',
  },
  {
    file: 'src/providers/huawei-oms/transport.ts',
    text: 'limit must be between 1 and 100',
    why: 'page sizes are the listing code’s own, bounded before the client',
  },
  {
    file: 'src/providers/huawei-oms/transport.ts',
    text: 'offset must be between 0 and ',
    why: 'offsets are the listing code’s own, bounded to the documented maximum before the client',
  },
  {
    file: 'src/providers/huawei-oms/transport.ts',
    text: ' must be a time',
    why: 'the times sent (query_time, statistics ranges) are the bot’s clock’s, never typed',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'is not an OMS API version',
    why: 'the bot asks for no API version a person typed',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'status must be a task status from 1 to 7',
    why: 'statuses come from the bot’s state map (TASK_STATUS_BY_STATE)',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'status must be one of ',
    why: 'sync-task statuses come from the bot’s state map',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'status must be a task group status from 0 to 9',
    why: 'group statuses come from the bot’s state map',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'data_type must ',
    why: 'the statistics asked for are named in code, never typed',
  },
  {
    file: 'src/providers/huawei-oms/client.ts',
    text: 'end_time must not be before start_time',
    why: 'the statistics range is the bot’s own',
  },
  {
    file: 'src/providers/huawei-oms/bucket-api.ts',
    text: 'type must be src or dst',
    why: 'the create form asks for `src` itself',
  },
  {
    file: 'src/providers/ncp/client.ts',
    text: 'title: the update body names',
    why: 'the bot never updates a policy: a guard for callers of the client',
  },
  {
    file: 'src/providers/ncp/client.ts',
    text: 'limit must be a whole number of at least 1',
    why: 'the provider pages with its own numbers',
  },
  {
    file: 'src/providers/ncp/client.ts',
    text: 'page must be a whole number',
    why: 'the provider pages with its own numbers',
  },
  {
    file: 'src/providers/ncp/client.ts',
    text: 'order must be one of ',
    why: 'the provider lists in its own fixed order',
  },
  {
    file: 'src/providers/ncp/client.ts',
    text: 'sortBy must be one of ',
    why: 'the provider lists in its own fixed order',
  },
  {
    file: 'src/providers/upcloud/client.ts',
    text: 'offset must be a whole number, 0 or more',
    why: 'the provider pages with its own numbers',
  },
  {
    file: 'src/providers/upcloud/client.ts',
    text: 'limit must be a whole number, 1 or more',
    why: 'the provider pages with its own numbers',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The text of a string or template literal (its fixed parts), or undefined for anything else. */
function literalText(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return node.head.text + node.templateSpans.map((span) => `\${…}${span.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left !== undefined || right !== undefined ? `${left ?? '…'}${right ?? '…'}` : undefined;
  }
  return undefined;
}

interface EnglishError {
  file: string;
  line: number;
  text: string;
}

/** Every `new InvalidInputError(<literal>)` of `source`: English written in code. */
function englishErrors(source: string, file: string): EnglishError[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: EnglishError[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'InvalidInputError'
    ) {
      const text = literalText(node.arguments?.[0]);
      if (text !== undefined) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        found.push({ file, line, text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

interface WordsCall {
  at: string;
  provider: string;
  key: string;
  /** The value names passed, when they are all written out. */
  valueNames?: string[];
}

/** Calls that name a provider's own error key (`omsError('error.huawei-oms.taskId', { id })`). */
function wordsCalls(source: string, file: string): WordsCall[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const calls: WordsCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const args = [...node.arguments];
      // providerWordsError(WORDS, key, values) or a provider's bound `xError(key, values)`.
      const [key, values] = args[0] && ts.isStringLiteral(args[0]) ? args : args.slice(1);
      const provider =
        key && ts.isStringLiteral(key)
          ? PROVIDER_IDS.find((id) => new RegExp(`^(error|form)\\.${id}\\.`).test(key.text))
          : undefined;
      if (provider && key && ts.isStringLiteral(key) && /Error$/.test(node.expression.getText(sf))) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        const call: WordsCall = { at: `${file}:${line}`, provider, key: key.text };
        if (values === undefined) call.valueNames = [];
        else if (
          ts.isObjectLiteralExpression(values) &&
          values.properties.every((p) => p.name && ts.isIdentifier(p.name))
        )
          call.valueNames = values.properties.map((p) => (p.name as ts.Identifier).text);
        calls.push(call);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}

function placeholderNames(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound || element.type === TYPE.tag) continue;
    into.add(element.value);
    if (element.type === TYPE.select || element.type === TYPE.plural)
      for (const option of Object.values(element.options)) placeholderNames(option.value, into);
  }
  return into;
}

const files = sourceFiles(PROVIDERS);
const english = files.flatMap((file) => englishErrors(readFileSync(file, 'utf8'), file));
const calls = files.flatMap((file) => wordsCalls(readFileSync(file, 'utf8'), file));

describe('a provider refuses input in its words, not in English written in code', () => {
  it('no `new InvalidInputError(<literal>)` in src/providers/ but the listed client contract guards', () => {
    const unlisted = english.filter(
      (e) => !ALLOWED.some((a) => a.file === e.file && e.text.includes(a.text)),
    );
    expect(unlisted.map((e) => `${e.file}:${e.line} ${e.text}`)).toEqual([]);
  });

  it('every allowance is still needed', () => {
    for (const a of ALLOWED)
      expect(
        english.some((e) => e.file === a.file && e.text.includes(a.text)),
        `${a.file} "${a.text}": ${a.why}`,
      ).toBe(true);
  });

  it('sees English in strings, templates and concatenations, and not in errors built by key (the check works)', () => {
    const sample = [
      "throw new InvalidInputError('Only OMS tasks can be listed by task group.');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template, for the parser
      'throw new InvalidInputError(`"${id}" is not an id`);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template, for the parser
      "throw new InvalidInputError(`Connection ${name} has no keys ` + 'at all.');",
      "throw InvalidInputError.of('claim.taken', { user });",
      "throw omsError('error.huawei-oms.taskId', { id });",
      'throw new InvalidInputError(message);',
    ].join('\n');
    expect(englishErrors(sample, 'sample.ts').map((e) => e.line)).toEqual([1, 2, 3]);
    expect(wordsCalls(sample, 'sample.ts')).toEqual([
      { at: 'sample.ts:5', provider: 'huawei-oms', key: 'error.huawei-oms.taskId', valueNames: ['id'] },
    ]);
  });

  it('the calls are found (the scan itself works)', () => {
    expect(calls.length).toBeGreaterThan(25);
    for (const id of PROVIDER_IDS.slice(0, 3))
      expect(
        calls.some((c) => c.provider === id),
        id,
      ).toBe(true);
  });

  it('name keys of their own provider’s words, in every language', () => {
    const missing: string[] = [];
    for (const call of calls) {
      const words = providerDefinition(call.provider).words;
      for (const [locale, catalogue] of Object.entries(words ?? {}))
        if (!Object.hasOwn(catalogue, call.key)) missing.push(`${call.at} ${locale} ${call.key}`);
    }
    expect(missing).toEqual([]);
  });

  it('pass every value their English sentence takes', () => {
    const missing: string[] = [];
    for (const call of calls) {
      if (!call.valueNames) continue;
      const en = providerDefinition(call.provider).words?.en[call.key] ?? '';
      const given = new Set(call.valueNames);
      if (given.has('fixKey')) given.add('fix');
      for (const name of placeholderNames(parse(en, { ignoreTag: true })))
        if (!given.has(name)) missing.push(`${call.at} ${call.key}: ${name}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('providerWordsError', () => {
  const words = providerDefinition(PROVIDER_IDS[0]!).words!;
  const key = Object.keys(words.en).find((k) => /^error\.[^.]+\.taskId$/.test(k)) as string;

  it('says the provider’s English sentence with the values in, and names the key for readers', () => {
    const error = providerWordsError(words, key, { id: '12a' });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe('"12a" is not an OMS task id (up to 15 digits)');
    expect(error.message).toBe(ENGLISH.t(key as MessageKey, { id: '12a' }));
    expect(error.localized).toEqual({ key, values: { id: '12a' } });
    expect(renderError(error, 'op1', translatorFor('ko')).text).toContain('"12a"는 OMS 태스크 ID가 아닙니다');
    expect(renderError(error, 'op1', translatorFor('zh-CN')).text).toContain('“12a”不是 OMS 任务 ID');
  });

  it('never fails to build the error: a value missing leaves the sentence as written, a key missing is the key', () => {
    expect(providerWordsError(words, key).message).toBe(words.en[key]);
    expect(providerWordsError(words, key).localized).toEqual({ key });
    const unknown = 'error.nobody.nothing' as keyof typeof words.en & string;
    expect(providerWordsError(words, unknown, { id: 'x' }).message).toBe('error.nobody.nothing');
  });

  it('every provider error key renders in English exactly as the English reader sees it', () => {
    for (const id of PROVIDER_IDS) {
      const en = providerDefinition(id).words?.en ?? {};
      for (const k of Object.keys(en).filter((name) => name.startsWith(`error.${id}.`))) {
        const values = Object.fromEntries(
          [...placeholderNames(parse(en[k]!, { ignoreTag: true }))].map((n) => [
            n,
            n === 'more' ? 2 : 'other',
          ]),
        );
        expect(providerWordsError({ ...providerDefinition(id).words!, en }, k, values).message, k).toBe(
          ENGLISH.t(k as MessageKey, values),
        );
      }
    }
  });

  it('puts a fixKey’s words in as `fix`: the bandwidth refusal says what it said before, word for word', () => {
    const cases = [
      [{ start: '23:00', end: '23:00', max_bandwidth: 10 * 1024 ** 2 }],
      [{ start: '00:00', end: '06:00', max_bandwidth: 500 * 1024 ** 2 }],
      [{ start: '0:00', end: '06:00', max_bandwidth: 10 * 1024 ** 2 }],
      [
        { start: '00:00', end: '06:00', max_bandwidth: 10 * 1024 ** 2 },
        { start: '05:00', end: '07:00', max_bandwidth: 10 * 1024 ** 2 },
      ],
      Array.from({ length: 6 }, (_, i) => ({
        start: `0${i}:00`,
        end: `0${i}:30`,
        max_bandwidth: 10 * 1024 ** 2,
      })),
    ];
    for (const policies of cases) {
      const problem = bandwidthProblem(policies)!;
      const before = `Bandwidth windows: ${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.`;
      let error: unknown;
      try {
        refuseBandwidthPolicies(policies);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).message).toBe(before);
      expect(renderError(error as InvalidInputError, 'op1', translatorFor('ko')).text).not.toContain(
        'Window',
      );
    }
  });
});
