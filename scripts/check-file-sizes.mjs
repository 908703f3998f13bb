// Part of `npm run lint`: every source file in src/ under 400 lines (docs/architecture.md, rule 4), in the
// dev tools, benchmarks, scripts and tests under 500, and no folder of any of them wider than 30 files. A
// file that grows past its limit has two jobs; split it by job rather than raising the limit.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Folder → the lines a source file in it stays under. */
const LIMITS = { src: 400, dev: 500, bench: 500, scripts: 500, test: 500 };

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* sourceFiles(file);
    else if (/\.(ts|js|mjs|cjs)$/.test(name)) yield file;
  }
}

const tooLong = [];
for (const [root, limit] of Object.entries(LIMITS))
  for (const file of sourceFiles(root)) {
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (lines >= limit) tooLong.push(`${file}: ${lines} lines (limit ${limit})`);
  }
if (tooLong.length > 0) {
  console.error(`Files over their line limit (split them by job):\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}

// A folder holds at most this many files directly: past it a reader cannot see its ideas;
// group them into subfolders by idea.
const FOLDER_LIMIT = 30;
// Folders still over it, each with why; the list may only get shorter (one back under fails too).
const STILL_WIDE = {};

function* folders(dir) {
  yield dir;
  for (const name of readdirSync(dir)) {
    const sub = path.join(dir, name);
    if (statSync(sub).isDirectory()) yield* folders(sub);
  }
}

const wide = [];
for (const folder of Object.keys(LIMITS).flatMap((root) => [...folders(root)])) {
  const files = readdirSync(folder).filter((name) => statSync(path.join(folder, name)).isFile()).length;
  const key = folder.split(path.sep).join('/');
  if (files > FOLDER_LIMIT && !(key in STILL_WIDE))
    wide.push(`${key}: ${files} files (limit ${FOLDER_LIMIT})`);
  if (files <= FOLDER_LIMIT && key in STILL_WIDE)
    wide.push(`${key}: ${files} files, remove it from STILL_WIDE`);
}
if (wide.length > 0) {
  console.error(`Folders over their width (group their files by idea):\n  ${wide.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `file sizes: ${Object.entries(LIMITS)
    .map(([root, limit]) => `${root}/ under ${limit} lines`)
    .join(', ')}; their folders at most ${FOLDER_LIMIT} files`,
);
