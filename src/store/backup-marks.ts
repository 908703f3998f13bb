import type { Store } from './create-store.js';

/**
 * What a store restored from a backup says, so the watcher does not repost what it posted between
 * the backup and the restore. `store-backup:taken-at` (ISO time): written by `store backup` into the
 * copy, or by `store restored <time>`; `store-backup:restored-at`: by the first watcher started on it.
 * For `RESTORE_LOOKUP_MS` after that start, each post is first looked up in its channel from the
 * backup's time on (the message metadata carries its key): found, it is recorded as sent.
 */
export const BACKUP_TAKEN_AT = 'store-backup:taken-at';
export const BACKUP_RESTORED_AT = 'store-backup:restored-at';
export const RESTORE_LOOKUP_MS = 60 * 60_000;

export interface RestoredFrom {
  /** When the backup was taken (epoch ms): lookups search from there. */
  takenAt: number;
  /** The first start on the restored store (epoch ms): the bot before it ran until then at most. */
  restoredAt: number;
  /** Posts made before this (epoch ms) are looked up first. */
  until: number;
}

/** The restore this store came from, if any (marking its first start now); undefined otherwise. */
export async function restoredFrom(store: Store, now: number): Promise<RestoredFrom | undefined> {
  const takenAt = Date.parse((await store.get<string>(BACKUP_TAKEN_AT)) ?? '');
  if (!Number.isFinite(takenAt)) return undefined;
  let restoredAt = Date.parse((await store.get<string>(BACKUP_RESTORED_AT)) ?? '');
  if (!Number.isFinite(restoredAt)) {
    restoredAt = now;
    await store.set(BACKUP_RESTORED_AT, new Date(now).toISOString());
  }
  return { takenAt, restoredAt, until: restoredAt + RESTORE_LOOKUP_MS };
}

/** Marks `store` as restored from a backup taken at `takenAt` (its next start looks posts up first). */
export async function markRestored(store: Store, takenAt: Date): Promise<void> {
  await store.set(BACKUP_TAKEN_AT, takenAt.toISOString());
  await store.delete(BACKUP_RESTORED_AT);
}

/**
 * From when to look for a post not yet recorded as made, created at `createdAt`: after a restore,
 * a post due before `until` may have been made since the backup; otherwise none is looked for.
 */
export function restoreLookupSince(
  restored: RestoredFrom | undefined,
  createdAt: number,
): number | undefined {
  return restored && createdAt < restored.until ? Math.min(restored.takenAt, createdAt) : undefined;
}
