import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { ConfigError } from '../../src/errors.js';
import { openBotStore } from '../../src/store/open-bot-store.js';
import { STORE_SCHEMA } from '../../src/store/schema-version.js';
import { BotProcess } from '../harness/bot-process.js';
import { compileBot } from '../harness/compiled-bot.js';
import { redisAdmin } from '../harness/redis-admin.js';
import { type RedisTopology, startSingle } from '../harness/redis-topology.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../harness/test-bot.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * The store's schema marker (issue 50): a build refuses a store a newer build marked, with a
 * message, instead of misreading it or serving as if it were empty; a store without one (0.2.0's)
 * is read as before and marked.
 */
const { logger } = captureLogger('silent');
const dir = mkdtempSync(path.join(tmpdir(), 'mb-schema-'));
let redis: RedisTopology | undefined;
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sqliteFile(name: string, userVersion: number, rows: [string, string][]): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.exec(
    'CREATE TABLE migrate_bot_kv (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, boxed INTEGER NOT NULL, expires INTEGER)',
  );
  for (const [key, value] of rows)
    db.prepare('INSERT INTO migrate_bot_kv VALUES (?, ?, 0, NULL)').run(key, value);
  db.pragma(`user_version = ${userVersion}`);
  db.close();
  return file;
}

function inspect(file: string): { version: number; rows: number } {
  const db = new Database(file, { readonly: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const rows = (db.prepare('SELECT count(*) AS n FROM migrate_bot_kv').get() as { n: number }).n;
    return { version, rows };
  } finally {
    db.close();
  }
}

describe('the store schema marker on SQLite', () => {
  it('a 0.2.0 file (no marker) opens with its records and is marked as this build’s', async () => {
    const file = sqliteFile('from-0.2.0.sqlite', 0, [
      ['state:connections:T0OLD0001', '{"v":1,"connections":[]}'],
    ]);
    const bot = await openBotStore(`sqlite://${file}`, logger, 5_000);
    expect(await bot.state.get('connections:T0OLD0001')).toBe('{"v":1,"connections":[]}');
    await bot.close();
    expect(inspect(file)).toEqual({ version: STORE_SCHEMA, rows: 1 });
  });

  it('a file a newer build marked is refused, named, and left exactly as it was', async () => {
    const file = sqliteFile('from-the-future.sqlite', STORE_SCHEMA + 1, [['watch:w:1', '{}']]);
    const error = await openBotStore(`sqlite://${file}`, logger, 5_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      `the store at sqlite://${file} was written by a newer migrate-bot (store schema ${STORE_SCHEMA + 1}; this build reads up to ${STORE_SCHEMA})`,
    );
    expect((error as Error).message).toContain('Fix: run the newer build again, or restore a backup');
    expect(inspect(file)).toEqual({ version: STORE_SCHEMA + 1, rows: 1 });
    // Refused, the file is not held: the newer build can start on it.
    const again = await openBotStore(`sqlite://${file}`, logger, 5_000).catch((e: unknown) => e);
    expect((again as Error).message).toContain('written by a newer migrate-bot');
  });
});

describe('the store schema marker on Redis', () => {
  beforeAll(async () => {
    redis = await startSingle();
  }, 30_000);

  it('marks a store without one, and refuses one a newer build marked', async () => {
    const url = redis!.url;
    const admin = await redisAdmin(url);
    try {
      const bot = await openBotStore(url, logger, 5_000);
      await bot.close();
      expect(await admin.send(['GET', 'migrate-bot:state:store-schema'])).toBe(String(STORE_SCHEMA));
      await admin.send(['SET', 'migrate-bot:state:store-schema', String(STORE_SCHEMA + 1)]);
      const error = await openBotStore(url, logger, 5_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(
        `the store at STORE_URL=${url} was written by a newer migrate-bot`,
      );
      expect(await admin.send(['GET', 'migrate-bot:state:store-schema'])).toBe(String(STORE_SCHEMA + 1));
    } finally {
      await admin.close();
    }
  });
});

describe('the compiled bot on a store a newer build wrote', () => {
  let dist: string;
  let fakeSlack: FakeSlack;
  beforeAll(async () => {
    dist = compileBot();
    fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN }).start();
  }, 200_000);
  afterAll(async () => {
    await fakeSlack?.stop();
  });

  it('stops with the message and exit code 1, and never says it started', async () => {
    const file = sqliteFile('process-future.sqlite', STORE_SCHEMA + 1, [['watch:w:1', '{}']]);
    const bot = new BotProcess(
      dist,
      {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: fakeSlack.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        STORE_URL: `sqlite://${file}`,
      },
      { cwd: dir },
    );
    expect((await bot.exited()).code).toBe(1);
    expect(bot.stderr).toContain('was written by a newer migrate-bot');
    expect(bot.stderr).not.toMatch(/\n\s+at /);
    expect(bot.output).not.toContain('migrate-bot started');
  }, 30_000);

  it('`store backup` and `keys` run from the same build', () => {
    const file = sqliteFile('cli.sqlite', STORE_SCHEMA, [['state:x', 'y']]);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(dist, 'src', 'main.js'), ...args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STORE_URL: `sqlite://${file}` },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const copy = path.join(dir, 'cli-copy.sqlite');
    const backup = run('store', 'backup', copy);
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Backed up ${file} to ${copy}`);
    expect(inspect(copy).version).toBe(STORE_SCHEMA);
    const refused = run('store', 'backup', copy);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('exists already');
    const usage = run('keys');
    expect(usage.status).toBe(2);
    expect(usage.stdout).toContain('Usage: migrate-bot keys status|rotate');
  }, 30_000);
});
