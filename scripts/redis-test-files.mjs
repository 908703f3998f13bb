#!/usr/bin/env node
// The test files whose runs depend on TEST_REDIS_URL, the Redis the tests share: .ci/run runs only
// these again on a Redis Cluster and on a Sentinel, since a file that never reaches that Redis
// (memory or SQLite stores, Redis servers of its own) would run there exactly as it did in `npm test`.
//   node scripts/redis-test-files.mjs [folder…]   (default: test/store test/watcher)
// prints one path a line, in order. The rule, read from the code rather than kept by hand:
// - a **door** is TEST_REDIS_URL, or a name a helper module under test/ declares at its top level
//   with a door in its declaration (REDIS_URL, redisAdmin, dropKeys, cleanRedis, …), to a fixpoint;
// - a test file is chosen when its code names a door, imports a helper module that reaches a door
//   outside any declaration (a hook, a default export), or imports something it does not name
//   (an `import(…)` of a computed path): a file the rule cannot decide runs.
// Whole-line comments are left out; a door named in a comment at the end of a line still counts
// (choosing a file too many costs seconds, one too few would leave it untested on a topology).
// test/layout/redis-test-files.test.ts holds the rule to what the files do.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = 'TEST_REDIS_URL';

/**
 * Files that name the door yet run the same on every topology: they start Redis servers of their
 * own and read TEST_REDIS_URL only for a plain server when it names one (`redis://`), 6379 on a
 * Cluster or a Sentinel as in `npm test`. test/layout/redis-test-files.test.ts holds each to that.
 */
export const SAME_ON_EVERY_TOPOLOGY = {
  'test/store/redis-cluster.test.ts': 'a cluster of its own; a plain server only when TEST_REDIS_URL is one',
  'test/store/redis-tls.test.ts': 'TLS servers of its own; a plain server only when TEST_REDIS_URL is one',
};
const CODE_FILE = /\.(ts|mts|mjs|js)$/;
const TEST_FILE = /\.test\.ts$/;

function* codeFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* codeFiles(file);
    } else if (CODE_FILE.test(entry.name)) yield file;
  }
}

/** A file's code without its whole-line comments. */
function code(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

/** Top-level statements: a statement starts at column 0 (the formatter indents what continues it). */
function statements(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (/^[^\s})\]]/.test(line) || out.length === 0) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out.filter((s) => s.trim() !== '');
}

const DECLARED =
  /^(?:export\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;
const IMPORT = /^(?:import|export\s*(?:\*|\{[^}]*\})\s*from)\b/;

const mentions = (text, names) => {
  for (const name of names)
    if (new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text)) return true;
  return false;
};

/** Relative module specifiers a file imports (static, re-exported or dynamic with a literal path). */
function importsOf(file, text) {
  const found = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*(['"])(\.{1,2}\/[^'"]+)\1/g)) {
    const target = path.resolve(path.dirname(file), m[2]);
    found.push(target.replace(/\.js$/, '.ts'), target);
  }
  return found;
}

/**
 * The test files under `folders` (relative to `root`) that reach the tests' Redis, and the doors
 * that led there. Helper modules are every non-test code file under `root/test`.
 */
export function redisTestFiles({ root = process.cwd(), folders = ['test/store', 'test/watcher'] } = {}) {
  const helpers = new Map();
  for (const file of codeFiles(path.join(root, 'test')))
    if (!TEST_FILE.test(file)) helpers.set(file, statements(code(file)));

  const doors = new Set([SEED]);
  const doorModules = new Set();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [file, parts] of helpers)
      for (const part of parts) {
        if (IMPORT.test(part) || !mentions(part, doors)) continue;
        const name = DECLARED.exec(part)?.[1];
        if (name && !doors.has(name)) {
          doors.add(name);
          changed = true;
        } else if (!name && !doorModules.has(file)) {
          doorModules.add(file);
          changed = true;
        }
      }
  }

  const chosen = [];
  for (const folder of folders)
    for (const file of codeFiles(path.join(root, folder))) {
      if (!TEST_FILE.test(file)) continue;
      const text = code(file);
      const computedImport = /\bimport\s*\(\s*(?!['"])/.test(text);
      const relative = path.relative(root, file).split(path.sep).join('/');
      if (relative in SAME_ON_EVERY_TOPOLOGY) continue;
      if (mentions(text, doors) || computedImport || importsOf(file, text).some((m) => doorModules.has(m)))
        chosen.push(relative);
    }
  return { files: chosen.sort(), doors: [...doors].sort() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folders = process.argv.slice(2);
  const { files } = redisTestFiles(folders.length > 0 ? { folders } : {});
  if (files.length === 0) {
    console.error(`no test file under ${folders.join(' ') || 'test/store test/watcher'} uses ${SEED}`);
    process.exit(1);
  }
  console.log(files.join('\n'));
}
