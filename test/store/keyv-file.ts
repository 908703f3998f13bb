import { defaultSerialize } from '@keyv/serialize';
import Database from 'better-sqlite3';

/** One row as an earlier build set it: `keyv.set(key, value, ttl)`. */
export type KeyvEntry = [key: string, value: unknown, ttlMs?: number];

/**
 * Writes a SQLite file as earlier builds did through Keyv 5 over `@keyv/sqlite` 4 (no longer a
 * dependency: it brought `sqlite3`, a second native build of SQLite on every `npm ci`). Byte for
 * byte what those two wrote: @keyv/sqlite's table, `<namespace>:<key>` keys, and Keyv's envelope
 * `{"value":…,"expires":…}` through Keyv's own serializer (a string starting with ':' escaped as
 * '::', no `expires` without a TTL, `expires` = the time of the write + TTL). `now` is the time of
 * the write, so a test makes an expired row without waiting.
 */
export function writeKeyvFile(
  file: string,
  entries: KeyvEntry[],
  options: { namespace?: string; now?: number } = {},
): void {
  const namespace = options.namespace ?? 'migrate-bot';
  const now = options.now ?? Date.now();
  const db = new Database(file);
  try {
    // @keyv/sqlite's statement as it ran it (the space before the closing parenthesis included).
    db.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    const upsert = db.prepare(
      'INSERT INTO keyv (key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value;',
    );
    for (const [key, value, ttl] of entries) {
      const expires = typeof ttl === 'number' && ttl !== 0 ? now + ttl : undefined;
      upsert.run(`${namespace}:${key}`, defaultSerialize({ value, expires }));
    }
  } finally {
    db.close();
  }
}
