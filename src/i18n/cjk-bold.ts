/**
 * Slack closes `*bold*` only where the asterisk is not glued to a letter, and Hangul and Han are letters
 * (`*operator*입니다` shows its asterisks). So one ASCII space goes between a bold span and touching Hangul,
 * Han, kana or their full-width punctuation (seratch/ChatGPT-in-Slack#61, #121), and before an opening
 * parenthesis right after it (`계획 *name*(id)`). Inline code is left as is; nothing invisible is inserted.
 */
const CJK =
  /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
/** A bold span as Slack pairs it: no space just inside either asterisk, on one line. */
const BOLD = /\*(?=[^\s*])[^*\n]*?[^\s*]\*|\*[^\s*]\*/gu;

export function spaceBoldBesideCjk(text: string): string {
  if (!text.includes('*')) return text;
  // Odd pieces are inline code (between backticks): left alone.
  return text
    .split('`')
    .map((piece, i) => (i % 2 === 1 ? piece : spaceIn(piece)))
    .join('`');
}

function spaceIn(piece: string): string {
  return piece.replace(BOLD, (span: string, offset: number, whole: string) => {
    const before = whole.charAt(offset - 1);
    const after = whole.charAt(offset + span.length);
    const spaced = after && (CJK.test(after) || after === '(');
    return `${before && CJK.test(before) ? ' ' : ''}${span}${spaced ? ' ' : ''}`;
  });
}
