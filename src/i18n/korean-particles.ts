/**
 * Korean particles after an inserted word: 은/는, 이/가, 을/를, 과/와, 이라/라 by whether its last syllable has a
 * final consonant, 으로/로 by whether it is other than ㄹ. The catalogue cannot know the word, so it writes
 * both ("{name}을(를)") and this picks one when the word is known. Where the ending cannot be told (a Slack
 * mention, a symbol) both stay: correct Korean, only clumsier.
 */

/** Where a string value starts and ends in a formatted message (Unicode private use: never typed). */
export const VALUE_START = '\uE000';
export const VALUE_END = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

type Ending = 'vowel' | 'rieul' | 'consonant';

/** Each two-form particle as the catalogue writes it, and its form after each kind of ending. */
const PARTICLES: Record<string, Record<Ending, string>> = {
  '은(는)': { vowel: '는', rieul: '은', consonant: '은' },
  '는(은)': { vowel: '는', rieul: '은', consonant: '은' },
  '이(가)': { vowel: '가', rieul: '이', consonant: '이' },
  '가(이)': { vowel: '가', rieul: '이', consonant: '이' },
  '을(를)': { vowel: '를', rieul: '을', consonant: '을' },
  '를(을)': { vowel: '를', rieul: '을', consonant: '을' },
  '과(와)': { vowel: '와', rieul: '과', consonant: '과' },
  '와(과)': { vowel: '와', rieul: '과', consonant: '과' },
  '(으)로': { vowel: '로', rieul: '로', consonant: '으로' },
  // The copula before 라는, 며, 고…: 이라는 after a final consonant, 라는 after a vowel.
  '(이)': { vowel: '', rieul: '이', consonant: '이' },
};
const PARTICLE = /은\(는\)|는\(은\)|이\(가\)|가\(이\)|을\(를\)|를\(을\)|과\(와\)|와\(과\)|\(으\)로|\(이\)/g;

/** Whether a message as the catalogue writes it has a two-form particle to settle. */
export function hasTwoFormParticle(message: string): boolean {
  PARTICLE.lastIndex = 0;
  return PARTICLE.test(message);
}

/** A Hangul syllable's ending, from its code point (final consonant index 0: none; 8: ㄹ). */
function hangulEnding(code: number): Ending {
  const final = (code - 0xac00) % 28;
  return final === 0 ? 'vowel' : final === 8 ? 'rieul' : 'consonant';
}

/** Digits as Korean reads them aloud: 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔 end in a consonant (10 십, 100 백 too). */
const DIGIT_ENDINGS: Record<string, Ending> = {
  '0': 'consonant',
  '1': 'rieul',
  '2': 'vowel',
  '3': 'consonant',
  '4': 'vowel',
  '5': 'vowel',
  '6': 'consonant',
  '7': 'rieul',
  '8': 'rieul',
  '9': 'vowel',
};

/**
 * How a Korean reader ends a Latin word. An acronym is read letter by letter (IAM 에이엠, URL 유알엘,
 * GiB 기비); a word as it sounds: -ng, -m, -n and a short vowel before b, p, t, k (job 잡, bucket
 * 버킷, Slack 슬랙) end in a consonant, -l in ㄹ (pool 풀), everything else in a vowel (hw-prod 프로드,
 * task 태스크, sync 싱크, folder 폴더).
 */
function latinEnding(word: string): Ending {
  const capitals = word.replace(/[^A-Z]/g, '').length;
  if (capitals === word.length || capitals >= 2) {
    const last = word.at(-1)!.toUpperCase();
    return last === 'L' || last === 'R' ? 'rieul' : last === 'M' || last === 'N' ? 'consonant' : 'vowel';
  }
  const lower = word.toLowerCase();
  if (/(?:ng|m|n|ck)$/.test(lower) || /[aeiou][bptk]$/.test(lower)) return 'consonant';
  if (lower.endsWith('l')) return 'rieul';
  return 'vowel';
}

/**
 * How `text` ends as it is read, looking past what is not read aloud: value markers, code and
 * emphasis marks, closing quotes, and a parenthesis (a particle follows the word before an aside:
 * "요청 R-12(새 태스크)를"). Undefined where it cannot be told.
 */
export function ending(text: string): Ending | undefined {
  let i = text.length - 1;
  while (i >= 0) {
    const ch = text[i]!;
    if (ch === VALUE_START || ch === VALUE_END || '`*_~"\'”’]'.includes(ch)) {
      i--;
      continue;
    }
    if (ch === ')') {
      const open = text.lastIndexOf('(', i);
      if (open < 0) return undefined;
      i = open - 1;
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code >= 0xac00 && code <= 0xd7a3) return hangulEnding(code);
    if (ch in DIGIT_ENDINGS) return DIGIT_ENDINGS[ch];
    if (/[A-Za-z]/.test(ch)) {
      let start = i;
      while (start > 0 && /[A-Za-z]/.test(text[start - 1]!)) start--;
      return latinEnding(text.slice(start, i + 1));
    }
    return undefined;
  }
  return undefined;
}

/**
 * Settles each two-form particle of a formatted message by the word before it, and removes the value
 * markers. A particle inside a value (someone's task named "a을(를)") is the value's and stays as
 * typed: only the message's own text is changed.
 */
export function settleParticles(formatted: string): string {
  let out = '';
  let inValue = false;
  let from = 0;
  const outside = (text: string) => {
    PARTICLE.lastIndex = 0;
    let last = 0;
    let settled = '';
    for (const match of text.matchAll(PARTICLE)) {
      settled += text.slice(last, match.index);
      const before = ending(out + settled);
      settled += before ? PARTICLES[match[0]]![before] : match[0];
      last = match.index + match[0].length;
    }
    return settled + text.slice(last);
  };
  for (let i = 0; i <= formatted.length; i++) {
    const ch = formatted[i];
    if (i < formatted.length && ch !== VALUE_START && ch !== VALUE_END) continue;
    const piece = formatted.slice(from, i);
    out += inValue ? piece : outside(piece);
    // The marker stays until the end, so `ending` can look past it into the value.
    if (ch !== undefined) out += ch;
    inValue = ch === VALUE_START;
    from = i + 1;
  }
  return out.replace(MARKERS, '');
}

/** A value put into a message as text, marked so the particle after it can see where it ends. */
export function markValue(value: string): string {
  return `${VALUE_START}${value.replace(MARKERS, '')}${VALUE_END}`;
}
