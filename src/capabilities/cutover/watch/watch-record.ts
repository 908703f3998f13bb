import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RESOURCE_KINDS } from '../../../domain/migration-resource.js';
import { type AtomicKv, SKIP } from '../../../store/atomic-kv.js';

const DAY = 24 * 3_600_000;
/** The longest watch: 90 days, as a keep-in-sync's end date (a watch left longer is forgotten). */
export const MAX_WATCH_DAYS = 90;
/** The watch a cut-over starts when none is said (issue 76). */
export const DEFAULT_WATCH_DAYS = 7;
/**
 * What one pass lists at most: 20 pages of 1,000 keys (20 `ListObjectsV2` calls, 20,000 keys)
 * over all the migration's prefixes. A longer source is swept over several passes, each resuming
 * after the last key the one before read: a write is seen within ⌈keys / 20,000⌉ + 1 passes.
 */
export const PASS_PAGES = 20;
/** Keys remembered as reported (the newest writes kept; older ones are covered by `toldUpTo`). */
export const REMEMBERED_KEYS = 2_000;

const endpoint = z.strictObject({
  cloud: z.string().max(200).optional(),
  region: z.string().max(100).optional(),
  bucket: z.string().max(255).optional(),
  prefix: z.string().max(4096).optional(),
});

const cursor = z.strictObject({ prefix: z.number().int().min(0), after: z.string().max(2048) });

export const oldBucketWatchSchema = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{16}$/),
  team: z.string().min(1).max(40),
  connection: z.string().min(1).max(40),
  resourceId: z.string().min(1).max(200),
  kind: z.enum(RESOURCE_KINDS).optional(),
  /** Where the migration read and wrote, kept when the watch starts: a pass asks the provider nothing. */
  source: endpoint,
  destination: endpoint,
  channel: z.string().min(1).max(40),
  threadTs: z.string().max(40),
  /** Keys modified after this instant (the cut-over) are the old bucket's stray writes. */
  since: z.number(),
  days: z.number().int().min(1).max(MAX_WATCH_DAYS),
  until: z.number(),
  status: z.enum(['active', 'ended', 'unlistable']),
  /** Reported keys with their modification time (`key\u0000ms`), newest last. */
  reported: z.array(z.string().max(2200)).max(REMEMBERED_KEYS),
  /** Writes at or before this instant were told, their keys no longer remembered (ms). */
  toldUpTo: z.number().optional(),
  /** Batches told so far: a batch's number names its line in the thread (told once). */
  batches: z.number().int().min(0),
  passes: z.number().int().min(0),
  /** Where the next pass resumes when the last one was cut at its bound. */
  cursor: cursor.optional(),
});
export type OldBucketWatch = z.infer<typeof oldBucketWatchSchema>;

/** One record per migration (its team, connection and id). */
export function watchIdOf(team: string, connection: string, resourceId: string): string {
  return createHash('sha256')
    .update(`${team}\u0000${connection}\u0000${resourceId}`)
    .digest('hex')
    .slice(0, 16);
}

export const oldBucketKey = (id: string) => `cutover:old-bucket:${id}`;
/** Every watch not ended yet (ids): what the watcher pass reads. */
export const OLD_BUCKET_ACTIVE = 'cutover:old-bucket:active';
/** The watches of a workspace (ids): what an uninstall deletes. */
export const oldBucketTeamSet = (team: string) => `cutover:old-bucket-team:${team}`;

export const watchEnd = (since: number, days: number) => since + days * DAY;

export async function readWatch(kv: AtomicKv, id: string): Promise<OldBucketWatch | undefined> {
  const raw = await kv.get(oldBucketKey(id));
  if (!raw) return undefined;
  const parsed = oldBucketWatchSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

/** One compare-and-set on the watch: `change` returns the next one, or undefined to leave it. */
export async function changeWatch(
  kv: AtomicKv,
  id: string,
  change: (w: OldBucketWatch | undefined) => OldBucketWatch | undefined,
): Promise<OldBucketWatch | undefined> {
  let written: OldBucketWatch | undefined;
  await kv.update(oldBucketKey(id), (current) => {
    written = undefined;
    const parsed = current ? oldBucketWatchSchema.safeParse(JSON.parse(current)) : undefined;
    const next = change(parsed?.success ? parsed.data : undefined);
    if (!next) return SKIP;
    written = oldBucketWatchSchema.parse(next);
    return JSON.stringify(written);
  });
  return written;
}

/** Deletes every old-bucket watch of a workspace that uninstalled the app (idempotent). */
export async function forgetWatches(kv: AtomicKv, team: string): Promise<void> {
  for (const id of await kv.setMembers(oldBucketTeamSet(team))) {
    await kv.update(oldBucketKey(id), () => undefined);
    await kv.setRemove(OLD_BUCKET_ACTIVE, id);
    await kv.setRemove(oldBucketTeamSet(team), id);
  }
}
