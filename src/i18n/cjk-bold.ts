/**
 * Slack closes `*bold*` only where the asterisk is not glued to a letter, and Hangul and Han count
 * as letters: `*operator*입니다` shows its asterisks. Languages written without spaces between words
 * get one ASCII space between a bold span and the Hangul, Han or kana (or their full-width
 * punctuation) touching it, the layout Slack renders (seratch/ChatGPT-in-Slack#61 and #121 found the
 * same). So does an opening parenthesis right after a bold span, which Slack does not close before
 * either (`계획 *name*(id)`, where Korean puts no space before it). Inline code is left as it is;
 * nothing invisible is inserted.
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
