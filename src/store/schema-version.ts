import { ConfigError } from '../errors.js';

/**
 * The store layout this build reads and writes, marked in the store (SQLite `PRAGMA user_version`;
 * Redis `migrate-bot:state:store-schema`). A store marked newer is refused, so a rollback stops with
 * a message instead of misreading it or starting empty. 1: 0.2.0 (no marker); 2: this build (the
 * 0.2.0 records plus the marker). A layout this build could not read raises the number.
 */
export const STORE_SCHEMA = 2;

/** The state key of the marker on Redis (under the state prefix). */
export const SCHEMA_KEY = 'store-schema';

/** The error a store marked newer than this build stops the start-up with. */
export function newerStoreError(where: string, found: number): ConfigError {
  return new ConfigError(
    `migrate-bot cannot start: the store at ${where} was written by a newer migrate-bot (store schema ${found}; this build reads up to ${STORE_SCHEMA}). ` +
      'Starting would misread its records or serve as if it were empty.\n' +
      'Fix: run the newer build again, or restore a backup taken before the upgrade onto a new store (docs/operations.md, Backup and restore).',
  );
}

/** A marker as stored (a number, or its text); 1 for a store without one (0.2.0's). */
export function schemaOf(stored: unknown): number {
  const value = Number(stored);
  return Number.isInteger(value) && value > 0 ? value : 1;
}
