import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { joinWords, wordsHolding } from '../../src/i18n/joined-words.js';
import { MESSAGES, type MessageKey, translatorFor } from '../../src/i18n/translator.js';
import { omsAndUpCloudBot } from '../harness/bots/upcloud-bot.js';
import { messageText } from '../harness/test-bot.js';

/**
 * Issue #51, item 10: a Korean particle agrees with the word before it, and the catalogue cannot
 * know the word. "upcloud 작업은(는) Slack에서 일시 중지할 수 없습니다" read like a form left unfilled.
 * Here every Korean message with a placeholder before a particle is rendered with words of each
 * ending, and the particle must be the one that word takes.
 */

type Ending = 'consonant' | 'rieul' | 'vowel';

/** The two forms of each particle, by the ending of the word before it (a Korean grammar table). */
const FORMS: Record<string, Record<Ending, string>> = {
  topic: { consonant: '은', rieul: '은', vowel: '는' },
  subject: { consonant: '이', rieul: '이', vowel: '가' },
  object: { consonant: '을', rieul: '을', vowel: '를' },
  with: { consonant: '과', rieul: '과', vowel: '와' },
  direction: { consonant: '으로', rieul: '로', vowel: '로' },
  copula: { consonant: '이', rieul: '이', vowel: '' },
};

function familyOf(written: string): keyof typeof FORMS {
  if (written === '(이)') return 'copula';
  if (written.endsWith('로')) return 'direction';
  const first = written[0]!;
  if ('은는'.includes(first)) return 'topic';
  if ('이가'.includes(first)) return 'subject';
  if ('을를'.includes(first)) return 'object';
  return 'with';
}

/** Words of each ending, and how a Korean reader ends them (작업 -ㅂ, 파일 -ㄹ, 1917 칠). */
const PROBES: readonly [string, Ending][] = [
  ['작업', 'consonant'],
  ['파일', 'rieul'],
  ['태스크', 'vowel'],
  ['job', 'consonant'],
  ['hw-prod', 'vowel'],
  ['1917', 'rieul'],
];
const NUMBER_PROBES: readonly [number, Ending][] = [
  [3, 'consonant'],
  [2, 'vowel'],
  [7, 'rieul'],
];

/** A literal that starts (after closing quotes and marks) with a particle: its marks and the particle. */
const PARTICLE_START =
  /^([`"”’'*_\]]*)(은\(는\)|는\(은\)|이\(가\)|가\(이\)|을\(를\)|를\(을\)|과\(와\)|와\(과\)|\(으\)로|\(이\)|(?:으로|은|는|이|가|을|를|과|와|로)(?![가-힣]))/;

/** Hangul syllable arithmetic: the final consonant's index (0 none, 8 ㄹ). */
function hangulEnding(ch: string): Ending | undefined {
  const code = ch.charCodeAt(0);
  if (code < 0xac00 || code > 0xd7a3) return undefined;
  const final = (code - 0xac00) % 28;
  return final === 0 ? 'vowel' : final === 8 ? 'rieul' : 'consonant';
}

type Choices = Record<string, string | number>;
/** What ends the text right before a particle: a placeholder (tried with each probe) or fixed text. */
type Ender = { arg: string; number: boolean; choices: Choices } | { text: string; choices: Choices };

function optionValue(element: MessageFormatElement, key: string): string | number {
  if (element.type === TYPE.plural) return key.startsWith('=') ? Number(key.slice(1)) : 2;
  return key;
}

function* endersBefore(
  elements: MessageFormatElement[],
  index: number,
  choices: Choices,
  outer: (choices: Choices) => Generator<Ender>,
  pound: number | undefined,
): Generator<Ender> {
  if (index < 0) {
    yield* outer(choices);
    return;
  }
  const e = elements[index]!;
  if (e.type === TYPE.literal && e.value.endsWith(')')) {
    // An aside in parentheses: the particle goes with the word before it ("작업({what})을").
    for (let i = index; i >= 0; i--) {
      const piece = elements[i]!;
      if (piece.type !== TYPE.literal) continue;
      const open = piece.value.lastIndexOf('(');
      if (open < 0) continue;
      if (open > 0) yield { text: piece.value.slice(0, open), choices };
      else yield* endersBefore(elements, i - 1, choices, outer, pound);
      return;
    }
  } else if (e.type === TYPE.literal) {
    if (e.value === '') yield* endersBefore(elements, index - 1, choices, outer, pound);
    else yield { text: e.value, choices };
  } else if (e.type === TYPE.argument) yield { arg: e.value, number: false, choices };
  else if (e.type === TYPE.number) yield { arg: e.value, number: true, choices };
  else if (e.type === TYPE.pound) yield { text: String(pound ?? 2), choices };
  else if (e.type === TYPE.select || e.type === TYPE.plural) {
    for (const [key, option] of Object.entries(e.options)) {
      const chosen = { ...choices, [e.value]: optionValue(e, key) };
      const inner = option.value;
      const before = (c: Choices) => endersBefore(elements, index - 1, c, outer, pound);
      const innerPound = e.type === TYPE.plural ? Number(chosen[e.value]) : pound;
      yield* endersBefore(inner, inner.length - 1, chosen, before, innerPound);
    }
  }
}

interface Site {
  marks: string;
  written: string;
  rest: string;
  ender: Ender;
}

/** Every particle of a message and what stands before it, in every branch of its selects. */
function sites(message: string): Site[] {
  const found: Site[] = [];
  const visit = (
    elements: MessageFormatElement[],
    choices: Choices,
    outer: (c: Choices) => Generator<Ender>,
    pound: number | undefined,
  ) => {
    elements.forEach((e, i) => {
      if (e.type === TYPE.literal) {
        const m = PARTICLE_START.exec(e.value);
        if (m)
          // After a space it is a word of its own ("이 자격 증명"), not a particle.
          for (const ender of endersBefore(elements, i - 1, choices, outer, pound))
            if (!('text' in ender) || !/\s$/.test(ender.text))
              found.push({ marks: m[1]!, written: m[2]!, rest: e.value.slice(m[0].length), ender });
      }
      if (e.type === TYPE.select || e.type === TYPE.plural)
        for (const [key, option] of Object.entries(e.options)) {
          const chosen = { ...choices, [e.value]: optionValue(e, key) };
          const before = (c: Choices) => endersBefore(elements, i - 1, c, outer, pound);
          visit(option.value, chosen, before, e.type === TYPE.plural ? Number(chosen[e.value]) : pound);
        }
    });
  };
  visit(parse(message, { ignoreTag: true }), {}, function* () {}, undefined);
  return found;
}

/** Values for every placeholder of a message: the choices given, else a word, a number, an option. */
function valuesFor(message: string, choices: Choices): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  const visit = (elements: MessageFormatElement[]) => {
    for (const e of elements) {
      if (e.type === TYPE.argument) values[e.value] ??= 'x';
      if (e.type === TYPE.number) values[e.value] ??= 1;
      if (e.type === TYPE.select || e.type === TYPE.plural) {
        values[e.value] ??= optionValue(e, Object.keys(e.options)[0]!);
        for (const option of Object.values(e.options)) visit(option.value);
      }
    }
  };
  visit(parse(message, { ignoreTag: true }));
  return { ...values, ...choices };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const korean = translatorFor('ko');

describe('Korean particles agree with the word before them', () => {
  // The bot's catalogue and every capability's own words, joined as the bot joins them at start.
  joinWords(CAPABILITIES.flatMap((c) => (c.words ? [c.words] : [])));
  const messages = [
    ...Object.entries(MESSAGES.ko),
    ...CAPABILITIES.flatMap((c) => Object.entries(c.words?.ko ?? {})),
  ].filter(([, m]) => sites(m).length > 0);
  const sayer = (key: string) => {
    const words = wordsHolding(key);
    return words ? korean.with(words) : korean;
  };

  it('finds the catalogue’s particles after placeholders (the check itself sees them)', () => {
    expect(messages.length).toBeGreaterThan(80);
    expect(sites('{name}을(를) 삭제할까요?')).toHaveLength(1);
    expect(sites('{n, plural, other {#개}}는')).toHaveLength(1);
    expect(sites('{name}의 카드')).toHaveLength(0);
  });

  it.each(messages)('%s', (key, message) => {
    const wrong: string[] = [];
    let checked = 0;
    for (const site of sites(message)) {
      const family = familyOf(site.written);
      // The copula's form is followed by the rest of its word (이라는 / 라는).
      const after = family === 'copula' ? escapeRegExp(site.rest.slice(0, 1)) : '(?![(])';
      const expectAfter = (said: string, word: string, ending: Ending) => {
        const form = FORMS[family]![ending];
        const pattern = new RegExp(
          `${escapeRegExp(word)}(?:\\([^)]*\\))?${escapeRegExp(site.marks)} ?${escapeRegExp(form)}${after}`,
        );
        checked++;
        if (!pattern.test(said)) wrong.push(`after “${word}” (${ending}) wants ${form || '(none)'}: ${said}`);
      };
      if ('arg' in site.ender) {
        const { arg, number, choices } = site.ender;
        for (const [word, ending] of number ? NUMBER_PROBES : PROBES) {
          const said = sayer(key).t(key as MessageKey, valuesFor(message, { ...choices, [arg]: word }));
          expectAfter(said, String(word), ending);
        }
      } else {
        // Fixed text (a select's option, a counter such as "#개"): its last syllable decides.
        const tail = site.ender.text;
        const ending = hangulEnding(tail.at(-1) ?? '');
        if (!ending) continue;
        const said = sayer(key).t(key as MessageKey, valuesFor(message, site.ender.choices));
        expectAfter(said, tail.slice(-2), ending);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});

describe('what the particle cannot be chosen for stays as the catalogue wrote it', () => {
  it('a value is never changed, even one with a particle pattern inside', () => {
    const said = korean.t('confirm.pause.text', { name: 'backup(을)을(를)' });
    expect(said).toContain('backup(을)을(를)');
  });

  it('a Slack mention (whose name Slack shows, not us) keeps both forms', () => {
    expect(korean.t('settings.languageChannel', { channel: '<#C0123>', language: '<#C0456>' })).toContain(
      '<#C0456>(으)로',
    );
  });

  it('English and Chinese are untouched', () => {
    expect(translatorFor('en').t('confirm.pause.text', { name: '작업' })).toMatch(/^Pause 작업\?/);
  });
});

describe('through the bot, a ko-KR person reads particles that fit the word', () => {
  const TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
  const SERVICE = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
  const KOREAN = 'U0KOREA51';
  const { t, upcloud } = omsAndUpCloudBot({ service: SERVICE, token: TOKEN });

  beforeAll(async () => {
    t.fakeSlack.locales.set(KOREAN, 'ko-KR');
    await t.ask(`access grant <@${KOREAN}|ko> operator`);
  });

  it('pausing an UpCloud job (UpCloud cannot pause) says 작업은, not 작업은(는)', async () => {
    const job = upcloud.addJob({ name: 'logs-copy', status: 'running' });
    const text = messageText(await t.ask(`pause up-fi:${job.uuid}`, { userId: KOREAN }));
    expect(text).toContain('upcloud 작업은 Slack에서 일시 중지할 수 없습니다');
    expect(text).not.toMatch(/\((?:는|은|이|가|을|를)\)/);
  });

  it('a connection name takes 이라는 after a consonant and 라는 after a vowel', async () => {
    const consonant = messageText(await t.ask('status zz-main:1234', { userId: KOREAN }));
    expect(consonant).toContain('"zz-main"이라는 연결이 없습니다');
    const vowel = messageText(await t.ask('status zz-prod:1234', { userId: KOREAN }));
    expect(vowel).toContain('"zz-prod"라는 연결이 없습니다');
  });
});
