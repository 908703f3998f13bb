import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { LOCALES as ALL_LOCALES, LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES, translatorFor } from '../../src/i18n/translator.js';
import { labels } from '../fixtures/labels/labels.js';
import { subcommandsOf } from '../harness/started-capabilities.js';

/**
 * What a message expects from the code: each argument with its kind, and a select's options
 * (plural categories differ by language: Korean and Chinese have only `other`).
 */
function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        into.add(`${element.value}:${TYPE[element.type]}`);
        break;
      case TYPE.select:
        into.add(`${element.value}:select(${Object.keys(element.options).sort().join('|')})`);
        for (const option of Object.values(element.options)) placeholders(option.value, into);
        break;
      case TYPE.plural:
        into.add(`${element.value}:plural`);
        for (const option of Object.values(element.options)) placeholders(option.value, into);
        break;
      default:
        break;
    }
  }
  return into;
}

const english = MESSAGES.en;

describe('message catalogues', () => {
  it.each(LOCALES)('%s has exactly the English keys', (locale) => {
    const keys = Object.keys(MESSAGES[locale]).sort();
    expect(keys.filter((key) => !(key in english))).toEqual([]);
    expect(Object.keys(english).filter((key) => !(key in MESSAGES[locale]))).toEqual([]);
  });

  it.each(LOCALES)('%s messages parse and take the same placeholders as English', (locale) => {
    const differing: string[] = [];
    for (const [key, message] of Object.entries(MESSAGES[locale])) {
      const source = english[key];
      if (source === undefined) continue;
      const want = [...placeholders(parse(source, { ignoreTag: true }))].sort();
      const got = [...placeholders(parse(message, { ignoreTag: true }))].sort();
      if (JSON.stringify(want) !== JSON.stringify(got))
        differing.push(`${key}: ${got.join(', ')} instead of ${want.join(', ')}`);
      expect(message.trim(), `${locale} ${key} is empty`).not.toBe('');
    }
    expect(differing).toEqual([]);
  });

  it('fails a catalogue with a missing key or a renamed placeholder (the check itself works)', () => {
    const source = '{n} failed';
    expect([...placeholders(parse('{count}개 실패', { ignoreTag: true }))]).not.toEqual([
      ...placeholders(parse(source, { ignoreTag: true })),
    ]);
    expect([...placeholders(parse('약 {n, plural, other {#일}}'))].sort()).toEqual(
      [...placeholders(parse('about {n, plural, one {# day} other {# days}}'))].sort(),
    );
  });

  it('Korean and Chinese are written in their own scripts, not left in English', () => {
    for (const locale of ['ko', 'zh-CN'] as const) {
      const script = locale === 'ko' ? /[\uAC00-\uD7A3]/ : /[\u4E00-\u9FFF]/;
      const untranslated = Object.entries(MESSAGES[locale])
        .filter(([key, text]) => !script.test(text) && !UNTRANSLATED_ON_PURPOSE.has(key))
        .map(([key]) => key);
      expect(untranslated, locale).toEqual([]);
    }
  });
});

// A capability's own words (`words/<locale>.json` in its folder) are held to the same rules, and
// keep to their own keys: its name (or its name singular: `approval.`, `guardrail.`, the keys
// stored records hold) first, or one of its own subcommands' names (`policy.`, `webhook.`), or that
// subcommand's help summary or first-screen line, or a prefix it declares (`claim.` for on-call).
const withWords = [...CAPABILITIES, labels].filter((c) => c.words);

describe('capabilities’ own words', () => {
  it('the toy capability brings its own (the check below is not empty)', () => {
    expect(withWords.map((c) => c.name)).toContain('labels');
  });

  it.each(withWords.map((c) => [c.name, c] as const))(
    '%s: every language, the same keys and placeholders',
    (_name, c) => {
      const words = c.words!;
      const own = new Set([
        `${c.name}.`,
        `${c.name.replace(/s$/, '')}.`,
        ...subcommandsOf(c).flatMap((s) => [`${s.name}.`, `help.summary.${s.name}`, `help.line.${s.name}`]),
        ...(c.wordPrefixes ?? []),
      ]);
      for (const key of Object.keys(words.en)) {
        expect(
          [...own].some((prefix) => key === prefix || key.startsWith(prefix)),
          key,
        ).toBe(true);
        expect(key in MESSAGES.en, `${key} is also the bot's`).toBe(false);
      }
      for (const locale of ALL_LOCALES) {
        expect(Object.keys(words[locale]).sort()).toEqual(Object.keys(words.en).sort());
        for (const [key, message] of Object.entries(words[locale])) {
          const want = [...placeholders(parse(words.en[key]!, { ignoreTag: true }))].sort();
          expect([...placeholders(parse(message, { ignoreTag: true }))].sort(), `${locale} ${key}`).toEqual(
            want,
          );
        }
      }
    },
  );

  it('no key is in two capabilities’ words (the bot’s translator would say whichever joined first)', () => {
    const owners = new Map<string, string>();
    for (const c of withWords)
      for (const key of Object.keys(c.words!.en)) {
        expect(owners.get(key), `${key} in ${c.name}`).toBeUndefined();
        owners.set(key, c.name);
      }
    expect(owners.size).toBeGreaterThan(600);
  });

  it('are said in the reader’s language beside the bot’s, which stay as they were', () => {
    const words = labels.words!;
    const ko = translatorFor('ko').with(words);
    expect(ko.t('labels.done' as never, { id: 'x' })).toBe('x에 라벨을 붙였습니다.');
    expect(ko.t('duration.minutes', { m: 5 })).toBe(translatorFor('ko').t('duration.minutes', { m: 5 }));
    expect(Object.hasOwn(MESSAGES.ko, 'labels.done')).toBe(false);
    expect(translatorFor('ko').with(words)).toBe(ko);
  });
});

/** Messages that are only figures, units or placeholders in every language. */
const UNTRANSLATED_ON_PURPOSE = new Set<string>(['card.acted', 'confirm.title']);

// Issue 74, item 15: a Slack reader has no checkout of this repository. A reply names a command,
// an address on the bot (`/api/v1/openapi.json`) or who to ask, never `docs/…`, `src/…` or README.
const REPOSITORY_PATH = /\b(?:docs|src|dev|deploy|test|scripts)\/[\w./-]*|\bREADME\b|\b[\w-]+\.md\b/;

describe('what Slack readers are pointed at', () => {
  it('no message, the bot’s or a capability’s, in any language, names a path in the repository', () => {
    const found: string[] = [];
    const check = (where: string, messages: Record<string, string>) => {
      for (const [key, message] of Object.entries(messages))
        if (REPOSITORY_PATH.test(message))
          found.push(`${where} ${key}: ${REPOSITORY_PATH.exec(message)![0]}`);
    };
    for (const locale of ALL_LOCALES) check(locale, MESSAGES[locale]);
    for (const c of CAPABILITIES.filter((c) => c.words))
      for (const locale of ALL_LOCALES) check(`${c.name} ${locale}`, c.words![locale] ?? {});
    expect(found).toEqual([]);
    expect(REPOSITORY_PATH.test('see docs/api.md')).toBe(true);
  });

  it('no Chinese message puts a space after a full-width stop (sentences run on)', () => {
    const found: string[] = [];
    const check = (where: string, messages: Record<string, string>) => {
      for (const [key, message] of Object.entries(messages))
        if (/[。！？] /u.test(message)) found.push(`${where} ${key}`);
    };
    check('bot', MESSAGES['zh-CN']);
    for (const c of CAPABILITIES.filter((c) => c.words)) check(c.name, c.words!['zh-CN'] ?? {});
    expect(found).toEqual([]);
  });
});
