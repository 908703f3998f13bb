import type { Connection } from '../../../connections/connection.js';
import type { ObjectEntry, ObjectStore } from '../../../object-store/object-store.js';
import { type PlannedSide, planCheck } from '../../objects/plan.js';
import { type OldBucketWatch, PASS_PAGES } from './watch-record.js';

/** What one bounded pass over the old bucket found. */
export type WatchListing =
  | {
      ok: true;
      /** Objects under the migrated prefixes written after the cut-over, in key order. */
      fresh: ObjectEntry[];
      /** `ListObjectsV2` pages asked (one call each) and keys read. */
      pages: number;
      keys: number;
      /** Set when the pass stopped at its bound: where the next pass resumes. */
      cursor?: OldBucketWatch['cursor'];
    }
  | { ok: false; why: UnlistableWhy; cloud?: string };

/** Why the old bucket cannot be watched: not S3, no keys, no bucket or endpoint, or no dates. */
export type UnlistableWhy = Extract<PlannedSide, { ok: false }>['why'] | 'no-dates';

/**
 * Lists the migration's source prefixes for keys modified after the watch's `since`, at most
 * `PASS_PAGES` pages in all, resuming where the last cut pass stopped. The source side is planned
 * as a bucket check plans it (the connection's storage credential, the cloud's S3 endpoint); a
 * source that cannot be listed is said, never counted as 0 writes.
 */
export async function listOldBucket(
  watch: OldBucketWatch,
  connection: Connection,
  storeFor: (side: Extract<PlannedSide, { ok: true }>) => ObjectStore,
  signal?: AbortSignal,
): Promise<WatchListing> {
  const plan = planCheck({ source: watch.source, destination: watch.destination }, connection);
  const side = plan.source;
  if (!side.ok) return { ok: false, why: side.why, ...(side.cloud ? { cloud: side.cloud } : {}) };
  const store = storeFor(side);
  const prefixes = plan.pairs.map((p) => p.source);
  const fresh: ObjectEntry[] = [];
  let pages = 0;
  let keys = 0;
  let dated = false;
  const start = watch.cursor && watch.cursor.prefix < prefixes.length ? watch.cursor : undefined;
  for (let i = start?.prefix ?? 0; i < prefixes.length; i++) {
    const after = i === start?.prefix ? start.after : undefined;
    let last: string | undefined;
    for await (const page of store.list(side.bucket, prefixes[i]!, signal, after)) {
      pages++;
      keys += page.length;
      for (const entry of page) {
        if (entry.lastModified !== undefined) dated = true;
        if ((entry.lastModified ?? 0) > watch.since) fresh.push(entry);
      }
      last = page.at(-1)?.key ?? last;
      // At the bound with more to read: the next pass resumes after the last key read.
      if (pages >= PASS_PAGES && last !== undefined)
        return { ok: true, fresh, pages, keys, cursor: { prefix: i, after: last } };
    }
  }
  // Keys listed without a date cannot be told old from new: said, not reported as none.
  if (keys > 0 && !dated) return { ok: false, why: 'no-dates' };
  return { ok: true, fresh, pages, keys };
}
