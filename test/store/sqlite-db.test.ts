import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { SqliteDb } from '../../src/store/sqlite-db.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type WatchRecord, WatchStore, watchKey } from '../../src/watcher/records/watch-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mb-sqlite-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the kept SQLite connection', () => {
  it('answers a statement that cannot be prepared with its error, every time, and still closes', async () => {
    const db = await SqliteDb.open(':memory:', 100);
    // A statement that failed to prepare is not kept: the same call fails again, then works once
    // the table exists.
    await expect(db.all('SELECT * FROM missing WHERE a = ?', [1])).rejects.toThrow(/no such table/);
    await expect(db.all('SELECT * FROM missing WHERE a = ?', [1])).rejects.toThrow(/no such table/);
    // Prepared again once the table exists.
    await db.exec('CREATE TABLE missing (a INTEGER)');
    expect(await db.run('INSERT INTO missing VALUES (?)', [1])).toBe(1);
    expect(await db.all('SELECT * FROM missing WHERE a = ?', [1])).toEqual([{ a: 1 }]);
    await db.close();
    await expect(db.all('SELECT * FROM missing WHERE a = ?', [1])).rejects.toThrow(/closed/);
  });

  it('runs the same statement from many callers at once', async () => {
    const db = await SqliteDb.open(':memory:', 100);
    await db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const changed = await Promise.all(
      Array.from({ length: 200 }, (_, i) => db.run('INSERT OR IGNORE INTO t VALUES (?)', [`k${i % 100}`])),
    );
    expect(changed.filter((c) => c === 1)).toHaveLength(100);
    expect(await db.all('SELECT count(*) AS n FROM t', [])).toEqual([{ n: 100 }]);
    await db.close();
  });

  // What makes adding 10,000 watches take well under a second instead of several (issue #15): no
  // statement waits for a thread-pool round trip. Through the asynchronous `sqlite3` package each
  // of a watch's three statements needed a turn of the event loop, so the add below outlived it.
  it('adds a watch to a file store within one turn of the event loop', async () => {
    const store = await createStore(
      `sqlite://${path.join(dir, 'turn.sqlite')}`,
      captureLogger('silent').logger,
    );
    const watches = new WatchStore(new LocalAtomicKv(store, 'w:'));
    const target = { teamId: 'T0', channelId: 'C0', connection: 'hw', kind: 'task' as const, id: '1' };
    const record = {
      watch: { ...target, by: 'U0', createdAt: 1 },
      outbox: [],
      sent: [],
    } as unknown as WatchRecord;
    await watches.loadAll(); // the index's one-off check for earlier formats, out of the way
    let turnEnded = false;
    const nextTurn = new Promise<void>((resolve) =>
      setImmediate(() => {
        turnEnded = true;
        resolve();
      }),
    );
    await watches.create(watchKey(target), record);
    expect(turnEnded).toBe(false);
    await nextTurn;
    expect((await watches.loadAll()).map((w) => w.record.watch.id)).toEqual(['1']);
    await store.close();
  });

  // Statements run on this thread now: a read of every watch must still let the loop turn (acks).
  it('reads many records in chunks, letting the event loop turn between them', async () => {
    const store = await createStore(
      `sqlite://${path.join(dir, 'chunks.sqlite')}`,
      captureLogger('silent').logger,
    );
    const kv = new LocalAtomicKv(store, 'r:');
    const keys = Array.from({ length: 2_000 }, (_, i) => `k${i}`);
    for (const key of keys.filter((_, i) => i % 3 === 0)) await kv.update(key, () => `"${key}"`);
    let turns = 0;
    let counting = true;
    const count = () => {
      if (!counting) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    const values = await kv.getMany(keys);
    counting = false;
    expect(turns).toBeGreaterThan(0);
    expect(values).toEqual(keys.map((key, i) => (i % 3 === 0 ? `"${key}"` : undefined)));
    await store.close();
  });

  // better-sqlite3 builds SQLite with a 16 MB page cache per connection; the watcher reads every
  // record each cycle, so it filled with the whole file (about 10 MB more RSS at 10,000 watches,
  // issue #15). The store's connection keeps SQLite's own 2 MB, on top of WAL and NORMAL sync.
  it('opens a file store with WAL, NORMAL sync and a 2 MB page cache', async () => {
    const store = await createStore(
      `sqlite://${path.join(dir, 'settings.sqlite')}`,
      captureLogger('silent').logger,
    );
    expect(store).toBeInstanceOf(SqliteStore);
    expect(await (store as SqliteStore).settings()).toEqual({
      journalMode: 'wal',
      synchronous: 1,
      cacheSize: -2000,
    });
    // A connection opened without the store's settings has the larger cache: the setting is the store's.
    const bare = await SqliteDb.open(path.join(dir, 'settings.sqlite'), 100);
    expect(await bare.all('PRAGMA cache_size', [])).toEqual([{ cache_size: -16000 }]);
    await bare.close();
    await store.close();
  });
});
