// Part of `npm run lint`: no source file in src/ over 400 lines (docs/architecture.md, rule 4). A file that
// grows past it has two jobs; split it by job rather than raising the limit.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const LIMIT = 400;
const ROOTS = ['src'];

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* sourceFiles(file);
    else if (/\.(ts|js|mjs)$/.test(name)) yield file;
  }
}

const tooLong = [];
for (const root of ROOTS)
  for (const file of sourceFiles(root)) {
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (lines > LIMIT) tooLong.push(`${file}: ${lines} lines`);
  }
if (tooLong.length > 0) {
  console.error(`Files over ${LIMIT} lines (split them by job):\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}
console.log(`file sizes: every file in ${ROOTS.join(', ')} has at most ${LIMIT} lines`);
