import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createStore } from '../../src/store/create-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

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
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.get(`${key}:short`)).toBeUndefined();
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

  // The adapter is this build's own (prepared statements); files stay those of @keyv/sqlite, which
  // earlier builds used, so an upgrade reads them and a rollback still can.
  it('reads a SQLite file @keyv/sqlite wrote, and writes one it reads', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mb-store-')), 'bot.sqlite');
    const earlier = new Keyv({
      store: new KeyvSqlite({ uri: `sqlite://${file}` }),
      namespace: 'migrate-bot',
    });
    await earlier.set('state:w:1', '{"watch":{"id":"1"}}');
    await earlier.set('approval:T1:r1', { status: 'pending', n: 3 });
    await earlier.set('health:gone', 'x', 1);
    await earlier.disconnect();
    await new Promise((r) => setTimeout(r, 10));

    const store = await createStore(`sqlite://${file}`, logger);
    expect(await store.get('state:w:1')).toBe('{"watch":{"id":"1"}}');
    expect(await store.get('approval:T1:r1')).toEqual({ status: 'pending', n: 3 });
    expect(await store.get('health:gone')).toBeUndefined();
    await store.set('state:w:2', 'two');
    expect(await store.delete('approval:T1:r1')).toBe(true);
    expect(await store.delete('approval:T1:r1')).toBe(false);
    await store.close();

    const rolledBack = new Keyv({
      store: new KeyvSqlite({ uri: `sqlite://${file}` }),
      namespace: 'migrate-bot',
    });
    expect(await rolledBack.get('state:w:2')).toBe('two');
    expect(await rolledBack.get('state:w:1')).toBe('{"watch":{"id":"1"}}');
    expect(await rolledBack.get('approval:T1:r1')).toBeUndefined();
    await rolledBack.disconnect();
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
