import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createStore } from '../../src/store/create-store.js';
import { until } from '../harness/until.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { writeKeyvFile } from './keyv-file.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { logger } = captureLogger('fatal');

const backends = [
  ['memory', () => 'memory://'],
  [
    'sqlite',
    () => `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'nested', 'bot.sqlite')}`,
  ],
  ['redis', () => REDIS_URL],
] as const;

describe.each(backends)('%s store', (_name, url) => {
  it('stores, reads, expires and deletes values', async () => {
    const store = await createStore(url(), logger);
    try {
      const key = `test:${Math.random().toString(36).slice(2)}`;
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, { a: 1, when: 'now' });
      expect(await store.get(key)).toEqual({ a: 1, when: 'now' });
      await store.set(`${key}:short`, 'x', 30);
      const gone = async () => (await store.get(`${key}:short`)) === undefined;
      await until(gone, { what: 'the 30 ms value gone', everyMs: 10 });
      expect(await store.delete(key)).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.healthy()).toBe(true);
    } finally {
      await store.close();
    }
  });
  it('answers reads made all at once right after it is opened (a cycle’s first reads run in parallel)', async () => {
    const store = await createStore(url(), logger);
    try {
      const reads = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.get(`race:${i}`)));
      expect(reads.filter((r) => r.status === 'rejected')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('store outage', () => {
  it('reports an unreachable Redis as an error, never as "not found"', async () => {
    const store = await createStore('redis://127.0.0.1:1', logger);
    try {
      await expect(store.get('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.set('anything', 1)).rejects.toThrow(/redis store failed during set/);
      expect(await store.healthy()).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('persists SQLite data across reopen', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'bot.sqlite');
    const first = await createStore(`sqlite://${file}`, logger);
    await first.set('k', 'kept');
    await first.close();
    const second = await createStore(`sqlite://${file}`, logger);
    expect(await second.get('k')).toBe('kept');
    await second.close();
  });

  // Earlier builds kept everything in Keyv's `keyv` table (through @keyv/sqlite, then an adapter of
  // the same format; `writeKeyvFile` writes it as they did). On open those rows move into the
  // store's own table, once, and read the same.
  it('moves a SQLite file of earlier builds into its own table, values and expiries as Keyv read them', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'bot.sqlite');
    writeKeyvFile(file, [
      ['state:w:1', '{"watch":{"id":"1"}}'],
      ['approval:T1:r1', { status: 'pending', n: 3 }],
      ['colon', ':starts with a colon'], // Keyv stores it as "::…"
      ['ticket', 'short-lived', 60_000],
    ]);
    // Written a minute ago with a TTL of one second: expired, without waiting for it.
    writeKeyvFile(file, [['health:gone', 'x', 1_000]], { now: Date.now() - 60_000 });
    const before = new Database(file, { readonly: true });
    expect(before.prepare(`SELECT value FROM keyv WHERE key = 'migrate-bot:colon'`).get()).toEqual({
      value: '{"value":"::starts with a colon"}',
    });
    before.close();

    const store = await createStore(`sqlite://${file}`, logger);
    // The expired row is dropped by the move itself, before anything reads it.
    const moved = new Database(file, { readonly: true });
    expect(moved.prepare(`SELECT key FROM migrate_bot_kv WHERE key = 'health:gone'`).all()).toEqual([]);
    moved.close();
    expect(await store.get('state:w:1')).toBe('{"watch":{"id":"1"}}');
    expect(await store.get('approval:T1:r1')).toEqual({ status: 'pending', n: 3 });
    expect(await store.get('colon')).toBe(':starts with a colon');
    expect(await store.get('ticket')).toBe('short-lived');
    expect(await store.get('health:gone')).toBeUndefined();
    expect(await store.getMany!(['colon', 'missing', 'state:w:1'])).toEqual([
      ':starts with a colon',
      undefined,
      '{"watch":{"id":"1"}}',
    ]);
    expect(await store.delete('approval:T1:r1')).toBe(true);
    expect(await store.delete('approval:T1:r1')).toBe(false);
    await store.close();

    // Moved, not copied: Keyv's table is gone, and a string without expiry is kept as it is
    // (not escaped inside `{"value":…}`, which every read had to parse twice).
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare(`SELECT name FROM sqlite_master WHERE name = 'keyv'`).all()).toEqual([]);
    const rows = raw.prepare('SELECT key, value, boxed FROM migrate_bot_kv ORDER BY key').all();
    raw.close();
    expect(rows).toEqual([
      { key: 'colon', value: ':starts with a colon', boxed: 0 },
      { key: 'state:w:1', value: '{"watch":{"id":"1"}}', boxed: 0 },
      { key: 'ticket', value: expect.stringContaining('short-lived'), boxed: 1 },
    ]);

    const reopened = await createStore(`sqlite://${file}`, logger);
    expect(await reopened.get('state:w:1')).toBe('{"watch":{"id":"1"}}');
    expect(await reopened.get('ticket')).toBe('short-lived');
    await reopened.close();
  });

  it('keeps on SQLite what Keyv kept: strings as they are, other values as copies, TTLs', async () => {
    const store = await createStore(
      `sqlite://${path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'b.sqlite')}`,
      logger,
    );
    try {
      await store.set('text', ':colon and "quotes"');
      await store.set('object', { at: new Date(0), bytes: Buffer.from('hi'), list: [1, null] });
      await store.set('nothing', null);
      await store.set('zero-ttl', 'kept', 0);
      await store.set('short', { gone: true }, 20);
      await store.set('text', 'replaced');
      await until(async () => (await store.get('short')) === undefined, {
        what: 'the 20 ms value gone',
        everyMs: 10,
      });
      expect(await store.get('text')).toBe('replaced');
      expect(await store.get('object')).toEqual({
        at: '1970-01-01T00:00:00.000Z',
        bytes: Buffer.from('hi'),
        list: [1, null],
      });
      expect(await store.get('nothing')).toBeNull();
      expect(await store.get('zero-ttl')).toBe('kept');
      expect(await store.getMany!(['short', 'text', 'text', 'object'])).toEqual([
        undefined,
        'replaced',
        'replaced',
        expect.objectContaining({ list: [1, null] }),
      ]);
      // A boxed value replaced by a plain string (and back) reads as what was written last.
      await store.set('object', 'now a string');
      expect(await store.get('object')).toBe('now a string');
      await store.set('object', { again: 1 }, 60_000);
      expect(await store.get('object')).toEqual({ again: 1 });
    } finally {
      await store.close();
    }
  });

  it('reports a closed SQLite store as unavailable, not as "not found"', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'bot.sqlite');
    const store = await createStore(`sqlite://${file}`, logger);
    await store.set('k', 'v');
    await store.close();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.sets!.members('index')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
