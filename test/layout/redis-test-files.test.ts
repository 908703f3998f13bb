import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { redisTestFiles, SAME_ON_EVERY_TOPOLOGY } from '../../scripts/redis-test-files.mjs';

/**
 * .ci/run runs the store and watcher files again on a Redis Cluster and on a Sentinel, but only
 * those `scripts/redis-test-files.mjs` chooses: the files that reach the tests' Redis through
 * TEST_REDIS_URL. A file that talks to a store or a Redis in a way the rule does not see would
 * never meet a topology; here it fails until it is chosen or listed below with why it need not be.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FOLDERS = ['test/store', 'test/watcher'];

interface Chosen {
  files: string[];
  doors: string[];
}
const choose = (root: string, folders: string[]): Chosen => redisTestFiles({ root, folders });

/** Files that talk to a store or a Redis, yet not to the one TEST_REDIS_URL names, and why. */
const NOT_ON_A_TOPOLOGY: Record<string, string> = {
  'test/store/backup-target.test.ts': 'SQLite files and the links around them',
  'test/store/key-rotation-inert-text.test.ts': 'SQLite',
  'test/store/key-rotation.test.ts': 'SQLite, and Redis servers and a cluster of its own',
  'test/store/local-set.test.ts': 'SQLite',
  'test/store/private-files.test.ts': 'SQLite files and their folders',
  'test/store/redis-ports.test.ts': 'draws ports for the test servers; starts none',
  'test/store/redis-url.test.ts': 'parses STORE_URL; connects to nothing',
  'test/store/redis-sentinel.test.ts': 'a master, a replica and a Sentinel of its own',
  'test/store/sqlite-db.test.ts': 'SQLite',
  'test/store/sqlite-process-lock.test.ts': 'SQLite',
  'test/watcher/store/backup-restore.test.ts': 'a Redis server of its own (startSingle)',
  'test/watcher/outbox/failures-first.test.ts': 'the memory store',
  'test/watcher/workspace-limits/workspace-limits.test.ts': 'the memory and SQLite stores',
  ...(SAME_ON_EVERY_TOPOLOGY as Record<string, string>),
};

/** What a file that talks to a store or a Redis names. */
const TALKS_TO_A_STORE = /redis|STORE_URL|storeUrl|createStore|openBotStore|RedisAtomicKv|openAtomicKv/i;

function testFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `${folder}/${name.split(path.sep).join('/')}`);
}

describe('the files .ci/run runs on a Redis Cluster and a Sentinel', () => {
  const { files, doors } = choose(ROOT, FOLDERS);

  it('are every store and watcher file that talks to a store, except those listed with why', () => {
    const unseen = FOLDERS.flatMap(testFiles)
      .filter((file) => TALKS_TO_A_STORE.test(readFileSync(path.join(ROOT, file), 'utf8')))
      .filter((file) => !files.includes(file) && !(file in NOT_ON_A_TOPOLOGY));
    expect(unseen, 'choose them (use TEST_REDIS_URL through the harness) or list them here').toEqual([]);
    const stale = Object.keys(NOT_ON_A_TOPOLOGY).filter(
      (file) => files.includes(file) || !FOLDERS.flatMap(testFiles).includes(file),
    );
    expect(stale).toEqual([]);
    expect(doors).toEqual(
      expect.arrayContaining(['TEST_REDIS_URL', 'REDIS_URL', 'redisAdmin', 'cleanRedis']),
    );
  });

  it('leave out only files that read TEST_REDIS_URL for a plain server alone, with servers of their own', () => {
    // A ternary that takes TEST_REDIS_URL when it is redis://, else 6379: the same on every topology.
    const plainOnly =
      /process\.env\.TEST_REDIS_URL[^;]*?startsWith\('redis:\/\/'\)[^;]*?:\s*'(redis:\/\/)?127\.0\.0\.1:6379'/gs;
    for (const file of Object.keys(SAME_ON_EVERY_TOPOLOGY)) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      expect(text, file).toMatch(/\bstart(Cluster|Single|Sentinel)\(/);
      // Imports, comments, and the admin client given a URL of its own servers, left out.
      const rest = text
        .replace(plainOnly, '')
        .replace(/^(import|\s*\/\/|\s*\/\*|\s*\*).*$/gm, '')
        .replace(/redisAdmin\((?!\))/g, '');
      expect(rest, `${file} reads TEST_REDIS_URL beyond a plain server`).not.toMatch(
        /TEST_REDIS_URL|REDIS_URL|redisAdmin|dropKeys|cleanRedis|watcher-rig|redis-admin/,
      );
    }
  });

  it('include the replica suites of the heavy project', () => {
    // The heavy run on each topology takes them from the same list.
    for (const file of ['replicas', 'replicas-balance', 'kill'])
      expect(files).toContain(`test/watcher/replicas/${file}.test.ts`);
  });

  it('come from the script, for both topologies', () => {
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/node scripts\/redis-test-files\.mjs/);
    expect(ci).toMatch(/for kind in cluster sentinel/);
    expect(ci).not.toMatch(/--project main test\/store test\/watcher/);
  });

  it('only the tests read TEST_REDIS_URL: the script looks for its doors under test/', () => {
    const readers = ['src', 'dev', 'bench'].flatMap((folder) =>
      readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.(ts|mts|mjs|js)$/.test(name))
        .filter((name) => readFileSync(path.join(ROOT, folder, name), 'utf8').includes('TEST_REDIS_URL'))
        .map((name) => `${folder}/${name}`),
    );
    expect(readers).toEqual([]);
  });
});

describe('the rule that chooses them', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'redis-test-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write(
    'test/harness/redis.ts',
    [
      '/** TEST_REDIS_URL in a comment opens nothing. */',
      "export const URL_OF_TESTS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';",
      'export function memoryRig() {',
      "  return 'memory://';",
      '}',
      'export async function openShared(prefix: string) {',
      '  return connect(URL_OF_TESTS, prefix);',
      '}',
    ].join('\n'),
  );
  write(
    'test/harness/hooked.ts',
    "import { openShared } from './redis.js';\nbeforeAll(() => openShared('x'));\n",
  );
  const tests: Record<string, string> = {
    'uses-door.test.ts': "import { openShared } from '../harness/redis.js';\nawait openShared('p');\n",
    'memory-only.test.ts': "import { memoryRig } from '../harness/redis.js';\nmemoryRig();\n",
    'comment-only.test.ts': '// runs on TEST_REDIS_URL one day\nexport {};\n',
    'door-module.test.ts': "import '../harness/hooked.js';\n",
    'computed-import.test.ts': "const name = './x.js';\nawait import(name);\n",
    // The folders are grouped by idea in subfolders: a file two levels down is chosen the same way.
    'replicas/deep-door.test.ts':
      "import { openShared } from '../../harness/redis.js';\nawait openShared('p');\n",
    'replicas/deep-memory.test.ts': "import { memoryRig } from '../../harness/redis.js';\nmemoryRig();\n",
  };
  for (const [name, text] of Object.entries(tests)) write(`test/store/${name}`, text);

  it('follows doors through helpers, hooks, subfolders and imports it cannot read, and not through comments', () => {
    const { files, doors } = choose(root, ['test/store']);
    expect(doors).toEqual(['TEST_REDIS_URL', 'URL_OF_TESTS', 'openShared']);
    expect(files).toEqual([
      'test/store/computed-import.test.ts',
      'test/store/door-module.test.ts',
      'test/store/replicas/deep-door.test.ts',
      'test/store/uses-door.test.ts',
    ]);
  });
});
