import type { Clock } from '../../clock.js';
import type { Translator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { type ObjectEntry, type ObjectStore, ObjectStoreError } from '../../object-store/object-store.js';
import { csvLine } from '../../reports/csv-cell.js';
import { truncate } from '../../slack/blocks/mrkdwn.js';
import type { AppDeps } from '../../slack/context.js';
import type { TeamSender } from '../../slack/sender.js';
import type { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { type CheckPost, showCheck } from './check-post.js';
import { compareListings, type Difference } from './compare.js';
import type { RunValue } from './content/confirm.js';
import { ContentTier } from './content/content-tier.js';
import { emptyContent } from './content/outcome.js';
import type { CheckPlan, PlannedSide } from './plan.js';
import { type CheckOutcome, FIRST_FEW, type SideName, type SideProblem } from './report.js';
import { type RetryRun, retryPrefix, want } from './retry-view.js';
import { RETRY_KEYS_MAX, type RetryOffer } from './state.js';
import { OBJECTS_WORDS } from './words.js';

/** Objects read per side before a check stops and says where (`deep`: the larger bound). */
export const CHECK_CAP = 100_000;
export const DEEP_CHECK_CAP = 1_000_000;
/** Rows of the CSV (one per difference or failed object); past it the post says the CSV is cut. */
export const CSV_MAX_ROWS = 100_000;
/** Bytes of a provider's failed-object list read at most (the rest is said, not read). */
export const FAILED_LIST_MAX_BYTES = 8 * 1024 * 1024;
/** Keys of the failed-object list kept to tell them apart from the other wanting objects. */
const LISTED_KEYS_MAX = 100_000;
/** A running check's post is redrawn at most this often (Slack's pace for edits). */
const PROGRESS_EVERY_MS = 3_000;

export interface RunDeps {
  /** The watcher's one editor, which draws and sends the check's post (ADR 0017's seam). */
  posts: CapabilityPosts;
  /** Only the CSV's upload into the post's thread: the post itself is the editor's. */
  files: CsvFiles;
  tr: Translator;
  clock: Clock;
  logger: Logger;
  storeFor(side: Extract<PlannedSide, { ok: true }>): ObjectStore;
  /** Asked after each page: a user id when someone cancelled the check (on any replica). */
  cancelledBy(): Promise<string | undefined>;
  /** Says the check still moves (a replica that finds it still is leaves it be). */
  beat(): Promise<void>;
  signal: AbortSignal;
  /** Keeps what a finished check found wanting, for its Retry these button. */
  offer?(offer: RetryOffer): Promise<void>;
  /** Keeps the ended check and its CSV's first rows, for the run's evidence (`shared/kept-checks.ts`). */
  keep?(outcome: CheckOutcome, csv: readonly string[]): Promise<void>;
}

/** Uploads a file into a thread; nothing else of Slack. */
export type CsvFiles = Pick<TeamSender, 'uploadFile'>;

/** The workspace's file uploads, in the background (a check's CSV). */
export function csvFiles(deps: Pick<AppDeps, 'slack'>, teamId: string): CsvFiles {
  const to = deps.slack.sender.to(teamId, { purpose: 'background' });
  return { uploadFile: (file) => to.uploadFile(file) };
}

export interface RunTarget {
  /** The check's post, shown first by the caller before the run starts. */
  post: CheckPost;
  name: string;
  ref: string;
  deep: boolean;
  /** The run, named on the post's Check the content button. */
  run?: RunValue;
  /** The content depth (issue 78): checksums, then a downloaded sample; `seed` replays its draw. */
  content?: { seed?: number };
  /** The run and what its provider can retry: the post offers Retry these (or says why not). */
  retry?: RetryRun;
}

class Cancelled extends Error {
  constructor(readonly by: string) {
    super('check cancelled');
  }
}

class SideFailed extends Error {
  constructor(
    readonly side: SideName,
    readonly failure: ObjectStoreError,
  ) {
    super(`${side}: ${failure.message}`);
  }
}

/**
 * One bucket check, on its own (never inside a person's request): the provider's failed-object list
 * when there is one, then each migrated prefix listed on both sides and compared, the post redrawn
 * as it goes, a CSV of every difference in its thread at the end. Holds one page per side and the
 * CSV (bounded by `CSV_MAX_ROWS`).
 */
export async function runCheck(deps: RunDeps, plan: CheckPlan, target: RunTarget): Promise<CheckOutcome> {
  const cap = target.deep ? DEEP_CHECK_CAP : CHECK_CAP;
  const outcome: CheckOutcome = {
    status: 'running',
    name: target.name,
    ref: target.ref,
    deep: target.deep,
    cap,
    tally: { source: 0, destination: 0, matched: 0, missing: 0, different: 0, extra: 0, etagCompared: 0 },
    firsts: { missing: [], different: [], extra: [] },
    problems: [],
    csvRows: 0,
    csvCut: false,
  };
  const csv: string[] = [
    csvLine([
      'difference',
      'source_key',
      'destination_key',
      'source_size',
      'destination_size',
      'source_etag',
      'destination_etag',
      ...(target.content ? ['source_checksum', 'destination_checksum'] : []),
    ]),
  ];
  if (target.content) outcome.content = emptyContent();
  const tier = outcome.content && new ContentTier(outcome.content, target.content?.seed);
  const row = (cells: (string | number | undefined)[]) => {
    if (outcome.csvRows >= CSV_MAX_ROWS) outcome.csvCut = true;
    else {
      outcome.csvRows++;
      csv.push(csvLine(cells));
    }
  };
  // The source keys a retry would move, kept (bounded) for the retry's own check of them.
  const wanted: string[] = [];
  let drawnAt = deps.clock.now();
  const redraw = async (force = false) => {
    const now = deps.clock.now();
    if (!force && now - drawnAt < PROGRESS_EVERY_MS) return;
    drawnAt = now;
    await deps.beat().catch(() => undefined);
    await draw(deps, target, outcome, false);
  };
  const checkCancel = async () => {
    const by = await deps.cancelledBy();
    if (by) throw new Cancelled(by);
    deps.signal.throwIfAborted();
  };
  for (const [name, side] of [
    ['source', plan.source],
    ['destination', plan.destination],
  ] as const)
    if (!side.ok)
      outcome.problems.push({ side: name, why: side.why, cloud: side.cloud, credential: side.credential });
  // The keys the provider's failed-object list names (bounded), to tell the wanting it names apart.
  const listed = new Set<string>();
  // The listed objects the check found at the source, and their bytes: what a list retry moves.
  const sized = { objects: 0, bytes: 0 };
  // A difference noted, counted for Retry these (and whether the provider's list names it).
  const wanting = (d: Difference, sums?: (string | undefined)[]) => {
    note(d, outcome, row, sums);
    if (d.kind !== 'extra' && d.sourceKey !== undefined && !listed.has(d.sourceKey))
      outcome.unlisted = (outcome.unlisted ?? 0) + 1;
    else if (d.kind !== 'extra' && d.sourceKey !== undefined && d.sourceSize !== undefined) {
      sized.objects++;
      sized.bytes += d.sourceSize;
    }
    if (d.kind !== 'extra' && d.sourceKey !== undefined && wanted.length < RETRY_KEYS_MAX)
      wanted.push(d.sourceKey);
  };
  try {
    if (plan.failedList && plan.destination.ok)
      await readFailedList(deps, plan.destination, plan.failedList, outcome, row, listed);
    if (plan.source.ok && plan.destination.ok) {
      const src = deps.storeFor(plan.source);
      const dst = deps.storeFor(plan.destination);
      for (const pair of plan.pairs) {
        const left = cap - Math.max(outcome.tally.source, outcome.tally.destination);
        if (left <= 0) break;
        const before = { ...outcome.tally };
        const result = await compareListings(
          {
            pages: tagged('source', src.list(plan.source.bucket, pair.source, deps.signal)),
            prefix: pair.source,
          },
          {
            pages: withoutKey(
              tagged('destination', dst.list(plan.destination.bucket, pair.destination, deps.signal)),
              plan.failedList,
            ),
            prefix: pair.destination,
          },
          {
            cap: left,
            onDifference: (d) => wanting(d),
            ...(tier ? { onMatched: (a: ObjectEntry, b: ObjectEntry) => tier.matched(a, b) } : {}),
            onPage: async (t) => {
              for (const k of Object.keys(t) as (keyof typeof t)[]) outcome.tally[k] = before[k] + t[k];
              await checkCancel();
              await redraw();
            },
          },
        );
        for (const k of Object.keys(result.tally) as (keyof typeof result.tally)[])
          outcome.tally[k] = before[k] + result.tally[k];
        if (result.checkedThrough !== undefined) {
          outcome.checkedThrough = pair.source + result.checkedThrough;
          break;
        }
      }
      if (tier)
        await tier.run({
          source: { store: src, bucket: plan.source.bucket },
          destination: { store: dst, bucket: plan.destination.bucket },
          signal: deps.signal,
          onDifference: (d) => {
            outcome.tally.matched--;
            outcome.tally.different++;
            const { sourceKey, destinationKey, size, by } = d;
            const etags = { sourceEtag: d.sourceEtag, destinationEtag: d.destinationEtag };
            const same = { sourceSize: size, destinationSize: size };
            const found = { kind: 'different' as const, by, sourceKey, destinationKey, ...same, ...etags };
            wanting(found, [d.sourceSum, d.destinationSum]);
          },
          progress: async () => {
            await checkCancel();
            await redraw();
          },
        });
    }
    outcome.status = 'done';
  } catch (error) {
    if (error instanceof Cancelled) {
      outcome.status = 'cancelled';
      outcome.cancelledBy = error.by;
    } else if (error instanceof SideFailed) {
      const bucket = error.side === 'source' ? bucketOf(plan.source) : bucketOf(plan.destination);
      outcome.problems.push(problemOf(error.side, error.failure, bucket));
      outcome.status = 'done';
    } else if (deps.signal.aborted) outcome.status = 'stopped';
    else throw error;
  }
  const narrower = target.retry?.prefix && retryPrefix(outcome.wanting, target.retry.prefix.from);
  if (outcome.status === 'done' && narrower && outcome.wanting)
    await deps
      .offer?.({ prefix: narrower, objects: outcome.wanting.n, keys: wanted })
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'bucket check retry not kept');
        target.retry = undefined;
      });
  const failed = outcome.failedList;
  if (outcome.status === 'done' && target.retry?.list && failed && !failed.problem && failed.count > 0)
    await deps
      .offer?.({ prefix: '', objects: failed.count, list: { count: failed.count, ...sized } })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'bucket check retry sizes not kept'));
  const ts = await draw(deps, target, outcome, true);
  if (outcome.csvRows > 0 && ts) await uploadCsv(deps, target, ts, csv);
  if (outcome.status !== 'stopped')
    await deps.keep?.(structuredClone(outcome), csv).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'bucket check not kept for the evidence');
    });
  return outcome;
}

function bucketOf(side: PlannedSide): string | undefined {
  return side.ok ? side.bucket : undefined;
}

export function problemOf(
  side: SideName,
  failure: ObjectStoreError,
  bucket: string | undefined,
): SideProblem {
  const why = failure.failure === 'no-object' ? 'refused' : failure.failure;
  return {
    side,
    why,
    ...(bucket ? { bucket } : {}),
    ...(failure.storeCode ? { storeCode: failure.storeCode } : {}),
  };
}

async function* tagged(side: SideName, pages: AsyncIterable<ObjectEntry[]>): AsyncIterable<ObjectEntry[]> {
  try {
    yield* pages;
  } catch (error) {
    throw error instanceof ObjectStoreError ? new SideFailed(side, error) : error;
  }
}

function note(
  d: Difference,
  outcome: CheckOutcome,
  row: (cells: (string | number | undefined)[]) => void,
  sums: (string | undefined)[] = [],
): void {
  if (d.kind !== 'extra' && d.sourceKey !== undefined) outcome.wanting = want(outcome.wanting, d.sourceKey);
  const firsts = outcome.firsts[d.kind];
  if (firsts.length < FIRST_FEW) firsts.push((d.sourceKey ?? d.destinationKey)!);
  row([
    d.kind,
    d.sourceKey,
    d.destinationKey,
    d.sourceSize,
    d.destinationSize,
    d.sourceEtag,
    d.destinationEtag,
    ...sums,
  ]);
}

/** The provider's list of failed objects (OMS: one URL-encoded key a line), read up to its bound. */
async function readFailedList(
  deps: RunDeps,
  destination: Extract<PlannedSide, { ok: true }>,
  key: string,
  outcome: CheckOutcome,
  row: (cells: (string | number | undefined)[]) => void,
  listed: Set<string>,
): Promise<void> {
  const list = { count: 0, firsts: [] as string[], truncated: false };
  try {
    const read = await deps
      .storeFor(destination)
      .readLines(destination.bucket, key, FAILED_LIST_MAX_BYTES, deps.signal);
    for await (const line of read.lines) {
      const objectKey = decodeListLine(line);
      if (objectKey === undefined) continue;
      list.count++;
      if (listed.size < LISTED_KEYS_MAX) listed.add(objectKey);
      if (list.firsts.length < FIRST_FEW) list.firsts.push(objectKey);
      row(['failed', objectKey, undefined, undefined, undefined, undefined, undefined]);
    }
    list.truncated = read.truncated();
    outcome.failedList = list;
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    outcome.failedList = { ...list, problem: error.failure };
  }
}

/** A list file's line: the key URL-encoded, then optionally a tab and what failed. */
export function decodeListLine(line: string): string | undefined {
  const encoded = line.split('\t')[0]!.trim();
  if (encoded === '') return undefined;
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return encoded;
  }
}

/** Hands the check as it stands to the one editor; the post's ts once it is in Slack. */
async function draw(
  deps: RunDeps,
  target: RunTarget,
  outcome: CheckOutcome,
  final: boolean,
): Promise<string | undefined> {
  const view = {
    kind: 'check' as const,
    outcome,
    ...(target.retry ? { retry: target.retry } : {}),
    ...(target.run ? { run: target.run } : {}),
  };
  return showCheck(deps, target.post, structuredClone(view), final && outcome.status !== 'stopped');
}

async function uploadCsv(deps: RunDeps, target: RunTarget, ts: string, csv: string[]): Promise<void> {
  const safe = target.ref.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  await deps.files
    .uploadFile({
      channel: target.post.channel,
      threadTs: ts,
      bytes: Buffer.from(`${csv.join('\r\n')}\r\n`, 'utf8'),
      filename: `bucket-check-${safe}.csv`,
      title: truncate(deps.tr.with(OBJECTS_WORDS).t('objects.csv.title', { name: target.name }), 200),
    })
    .catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'bucket check CSV not uploaded; the counts were posted'),
    );
}

/** The pages without the provider's own file (its failed-object list in the destination bucket). */
async function* withoutKey<T extends { key: string }>(
  pages: AsyncIterable<T[]>,
  key: string | undefined,
): AsyncIterable<T[]> {
  for await (const page of pages) yield key === undefined ? page : page.filter((o) => o.key !== key);
}
