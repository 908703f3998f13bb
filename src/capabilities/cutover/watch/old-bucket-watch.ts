import type { Endpoint } from '../../../domain/migration-resource.js';
import { InvalidInputError } from '../../../errors.js';
import { ObjectStoreError } from '../../../object-store/object-store.js';
import { slackDate } from '../../../slack/blocks/format.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { bucketStore } from '../../objects/bucket-store.js';
import type { CutoverState } from '../state.js';
import { CUTOVER_WORDS } from '../words.js';
import { listOldBucket } from './watch-list.js';
import { KEYS_SHOWN, type WatchNote, watchNote } from './watch-note.js';
import {
  changeWatch,
  MAX_WATCH_DAYS,
  OLD_BUCKET_ACTIVE,
  type OldBucketWatch,
  oldBucketTeamSet,
  PASS_PAGES,
  REMEMBERED_KEYS,
  readWatch,
  watchEnd,
  watchIdOf,
} from './watch-record.js';

export interface OldBucketWatchInput {
  teamId: string;
  connectionId: string;
  resourceId: string;
  channel: string;
  threadTs: string;
  /** The cut-over's instant: keys modified after it are stray writes. */
  since: number;
  days: number;
}

/**
 * Watches the old bucket of a migration after its cut-over for `days`: records the watch (one per
 * migration, by compare-and-set; a second start moves its window and keeps what was reported)
 * and says it once in the migration's thread. The cut-over job's watcher pass does the listing.
 */
export async function startOldBucketWatch(state: CutoverState, input: OldBucketWatchInput): Promise<void> {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_WATCH_DAYS)
    throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.error.days', { max: MAX_WATCH_DAYS });
  const kv = state.core.state;
  const { resource } = await state.core.resources.resolver.resolve(input.teamId, {
    connection: input.connectionId,
    id: input.resourceId,
  });
  const id = watchIdOf(input.teamId, input.connectionId, input.resourceId);
  const watch = await changeWatch(kv, id, (current) => ({
    id,
    team: input.teamId,
    connection: input.connectionId,
    resourceId: input.resourceId,
    kind: resource.kind,
    source: endpointOf(resource.source),
    destination: endpointOf(resource.destination),
    channel: input.channel,
    threadTs: input.threadTs.slice(0, 40),
    since: input.since,
    days: input.days,
    until: watchEnd(input.since, input.days),
    status: 'active',
    reported: current?.reported ?? [],
    batches: current?.batches ?? 0,
    passes: current?.passes ?? 0,
  }));
  if (!watch) return;
  await kv.setAdd(oldBucketTeamSet(input.teamId), id);
  await kv.setAdd(OLD_BUCKET_ACTIVE, id);
  await say(state, watch, `started-${watch.since}-${watch.days}`, {
    key: 'cutover.watch.started',
    values: {
      ref: refOf(watch),
      days: watch.days,
      until: when(watch.until),
      pages: PASS_PAGES,
      limit: PASS_PAGES * 1000,
    },
  });
}

/**
 * The watcher pass (a job of the cut-over, one replica at a time under its lease): for each watch,
 * ends it once past its days, else lists its source prefixes (bounded: `PASS_PAGES` pages) and
 * tells the keys written since the cut-over that were not told before, once per batch (the batch
 * is claimed by compare-and-set on the watch, so two replicas never tell it twice).
 */
export async function oldBucketPass(s: CutoverState, now: number, signal?: AbortSignal): Promise<void> {
  for (const id of await s.core.state.setMembers(OLD_BUCKET_ACTIVE)) {
    if (signal?.aborted) return;
    try {
      await passOne(s, id, now, signal);
    } catch (error) {
      s.core.logger.warn({ err: error, watch: id }, 'could not watch an old bucket');
    }
  }
}

/** The pass under way per bot, and how to call it off when the bot stops. */
const running = new WeakMap<CutoverState, { abort: AbortController; work: Promise<void> }>();

/**
 * The job's run: starts a pass in the background and returns, so a slow bucket (each request may
 * take 120 s) never holds up the watcher's cycle; a pass still under way is not started twice.
 */
export function startOldBucketPass(s: CutoverState, now: number): void {
  if (running.has(s)) return;
  const abort = new AbortController();
  const work = oldBucketPass(s, now, abort.signal).finally(() => running.delete(s));
  running.set(s, { abort, work });
}

/** Resolves when the pass under way (if any) ended: what a test awaits after a tick. */
export async function oldBucketPassSettled(s: CutoverState): Promise<void> {
  await running.get(s)?.work;
}

/** Calls off the pass under way when the bot stops (its listing is aborted; nothing is half told). */
export async function stopOldBucketPass(s: CutoverState): Promise<void> {
  const pass = running.get(s);
  pass?.abort.abort();
  await pass?.work.catch(() => undefined);
}

async function passOne(s: CutoverState, id: string, now: number, signal?: AbortSignal): Promise<void> {
  const watch = await readWatch(s.core.state, id);
  if (watch?.status !== 'active') {
    await s.core.state.setRemove(OLD_BUCKET_ACTIVE, id);
    return;
  }
  if (now >= watch.until) return end(s, watch, 'ended', 'cutover.watch.ended');
  const connection = s.core.connections.get(watch.team, watch.connection);
  let listing: Awaited<ReturnType<typeof listOldBucket>>;
  try {
    listing = await listOldBucket(watch, connection, bucketStore(s.core.config, s.core.clock), signal);
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    // Said once per kind of failure: a pass that could not list is never a pass that found nothing.
    const why = error.storeCode ? `${error.failure} (${error.storeCode})` : error.failure;
    await say(s, watch, `failed-${error.failure}`, {
      key: 'cutover.watch.failed',
      values: { ref: refOf(watch), why: code(why) },
    });
    return;
  }
  if (!listing.ok) {
    const cloud = listing.cloud ? code(listing.cloud) : '';
    return end(s, watch, 'unlistable', `cutover.watch.unlistable.${listing.why}`, { cloud });
  }
  let batch: { n: number; keys: string[] } | undefined;
  await changeWatch(s.core.state, id, (current) => {
    batch = undefined;
    if (current?.status !== 'active') return undefined;
    const told = new Set(current.reported);
    const fresh = listing.fresh.filter(
      (e) => (e.lastModified ?? 0) > (current.toldUpTo ?? 0) && !told.has(mark(e.key, e.lastModified)),
    );
    // A cut pass leaves where the next resumes; a whole one starts the next from the first key.
    const { cursor: _, ...rest } = current;
    const next: OldBucketWatch = {
      ...rest,
      passes: current.passes + 1,
      ...(listing.cursor ? { cursor: listing.cursor } : {}),
    };
    if (fresh.length === 0) return next;
    batch = { n: current.batches + 1, keys: fresh.map((e) => e.key) };
    return { ...next, batches: batch.n, ...remember(current, fresh) };
  });
  if (listing.cursor)
    await say(s, watch, 'cut', {
      key: 'cutover.watch.cut',
      values: { ref: refOf(watch), limit: PASS_PAGES * 1000, pages: PASS_PAGES },
    });
  if (!batch) return;
  await say(s, watch, `batch-${batch.n}`, {
    key: 'cutover.watch.batch',
    values: { ref: refOf(watch), count: batch.keys.length, since: when(watch.since) },
    keys: batch.keys.slice(0, KEYS_SHOWN),
    watch: watch.id,
  });
}

/** Ends the watch once across replicas (active → `status`), said once in the thread. */
async function end(
  s: CutoverState,
  watch: OldBucketWatch,
  status: 'ended' | 'unlistable',
  key: WatchNote['key'],
  values: Record<string, string | number> = {},
): Promise<void> {
  let won = false;
  await changeWatch(s.core.state, watch.id, (c) => {
    won = c?.status === 'active';
    return won && c ? { ...c, status } : undefined;
  });
  await s.core.state.setRemove(OLD_BUCKET_ACTIVE, watch.id);
  if (!won) return;
  await say(s, watch, status, {
    key,
    values: { ref: refOf(watch), days: watch.days, batches: watch.batches, ...values },
  });
}

/** An endpoint as kept on the watch (bounded: what the provider said is cut, never refused). */
function endpointOf(e: Endpoint): OldBucketWatch['source'] {
  return {
    ...(e.cloud !== undefined ? { cloud: e.cloud.slice(0, 200) } : {}),
    ...(e.region !== undefined ? { region: e.region.slice(0, 100) } : {}),
    ...(e.bucket !== undefined ? { bucket: e.bucket.slice(0, 255) } : {}),
    ...(e.prefix !== undefined ? { prefix: e.prefix.slice(0, 4096) } : {}),
  };
}

/**
 * The reported keys with this batch's, the newest `REMEMBERED_KEYS` by write time; the writes
 * forgotten are covered by `toldUpTo` (the newest of them), so a later sweep does not tell them again.
 */
function remember(
  current: OldBucketWatch,
  fresh: readonly { key: string; lastModified?: number }[],
): Pick<OldBucketWatch, 'reported' | 'toldUpTo'> {
  const all = [...current.reported, ...fresh.map((e) => mark(e.key, e.lastModified))];
  if (all.length <= REMEMBERED_KEYS)
    return { reported: all, ...(current.toldUpTo ? { toldUpTo: current.toldUpTo } : {}) };
  const byTime = all
    .map((m) => ({ m, at: Number(m.slice(m.lastIndexOf('\u0000') + 1)) }))
    .sort((x, y) => x.at - y.at);
  const dropped = byTime.slice(0, byTime.length - REMEMBERED_KEYS);
  const toldUpTo = dropped.reduce((max, d) => Math.max(max, d.at), current.toldUpTo ?? 0);
  return { reported: byTime.slice(-REMEMBERED_KEYS).map((d) => d.m), toldUpTo };
}

/** A key as reported, with the write it was (the same key written again later is a new write). */
const mark = (key: string, at: number | undefined) => `${key}\u0000${at ?? 0}`;
const refOf = (w: OldBucketWatch) => code(`${w.connection}:${w.resourceId}`);
/** An instant in each reader's own time zone (Slack's date token, UTC for a client that cannot draw it). */
const when = (ms: number) => slackDate(new Date(ms));

/** Said once in the migration's thread in the watch's channel (the dedup key is the watch's, per line). */
async function say(
  s: CutoverState,
  watch: OldBucketWatch,
  what: string,
  note: Omit<WatchNote, 'kind'>,
): Promise<void> {
  const target = { connection: watch.connection, kind: watch.kind ?? 'task', id: watch.resourceId };
  await s.core.watcher.notes
    .say(watch.team, target, `old-bucket-${watch.id}-${what}`, watchNote(note), s.core.clock.now(), {
      channel: watch.channel,
      deliver: true,
    })
    .then((told) => {
      if (told === 0)
        s.core.logger.info({ watch: watch.id }, 'the migration of an old-bucket watch has no card');
    })
    .catch((error: unknown) =>
      s.core.logger.warn({ err: error }, 'could not tell the thread of an old-bucket watch'),
    );
}
