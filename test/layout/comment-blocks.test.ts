import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Comments say why in a few lines; history goes in ADRs and commits (issue 75, item 7). A block is a
 * `/* … *\/` comment from its opening line to the line holding its end, or a run of lines starting with
 * `//` (leading space aside); one of 8 lines or more is long. `src/` holds at most `MOST` long blocks.
 */
const SRC = path.join(import.meta.dirname, '..', '..', 'src');
const MOST = 40;
const LONG = 8;

interface CommentBlock {
  /** 1-based line where the block starts. */
  line: number;
  lines: number;
}

/** The comment blocks of `LONG` lines or more in one file's text. */
function longCommentBlocks(text: string): CommentBlock[] {
  const lines = text.split('\n');
  const found: CommentBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = (lines[i] ?? '').trim();
    let end = i + 1;
    if (start.startsWith('/*')) {
      let j = i;
      while (j < lines.length && !(lines[j] ?? '').includes('*/')) j++;
      end = Math.min(j + 1, lines.length);
    } else if (start.startsWith('//')) {
      let j = i;
      while (j < lines.length && (lines[j] ?? '').trim().startsWith('//')) j++;
      end = j;
    }
    if (end - i >= LONG) found.push({ line: i + 1, lines: end - i });
    i = end;
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const lines = (n: number, each: string) => Array.from({ length: n }, () => each).join('\n');

describe('comment blocks', () => {
  it(`src/ has at most ${MOST} comment blocks of ${LONG} lines or more`, () => {
    const long = tsFiles(SRC)
      .flatMap((file) =>
        longCommentBlocks(readFileSync(file, 'utf8')).map(
          (b) => `${b.lines} ${path.relative(SRC, file)}:${b.line}`,
        ),
      )
      .sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10));
    expect(
      long.length,
      `keep the why in 7 lines, history in docs/adr/ (CONTRIBUTING.md); long blocks:\n${long.join('\n')}`,
    ).toBeLessThanOrEqual(MOST);
  });

  it('counts an 8-line /** */ block and 8 // lines, not 7-line ones', () => {
    const doc8 = `/**\n${lines(6, ' * why')}\n */`;
    const doc7 = `/**\n${lines(5, ' * why')}\n */`;
    const text = [
      'const a = 1;',
      doc8, // line 2
      'const b = 2;',
      doc7,
      'const c = 3;',
      lines(8, '  // why'), // line 19
      'const d = 4;',
      lines(7, '// why'),
      '/* one line */ const e = 5;',
    ].join('\n');
    expect(longCommentBlocks(text)).toEqual([
      { line: 2, lines: 8 },
      { line: 19, lines: 8 },
    ]);
  });

  it('ends a block at the line holding */ and a // run at the first other line', () => {
    expect(longCommentBlocks(`/* a\n${lines(5, 'b')}\nc */ const x = 1;\n${lines(8, 'code')}`)).toEqual([]);
    expect(longCommentBlocks(`${lines(4, '// a')}\n\n${lines(4, '// b')}`)).toEqual([]);
    expect(longCommentBlocks(`/*\n${lines(20, 'never closed')}`)).toEqual([{ line: 1, lines: 21 }]);
  });
});
