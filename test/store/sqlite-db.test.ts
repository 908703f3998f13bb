import { describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/store/sqlite-db.js';

describe('the kept SQLite connection', () => {
  it('answers a statement that cannot be prepared with its error, every time, and still closes', async () => {
    const db = await SqliteDb.open(':memory:', 100);
    // node-sqlite3 never calls back runs queued on a statement that failed to prepare: they must
    // not wait for ever.
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
});
