import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { type ObjectEntry, type ObjectStore, ObjectStoreError } from '../../object-store/object-store.js';
import type { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { showCheck } from './check-post.js';
import { differs } from './compare.js';
import type { CheckPlan, PlannedSide } from './plan.js';
import type { Reconcile } from './reconcile-store.js';
import type { ReconcileView, RunRest } from './reconcile-view.js';
import { FIRST_FEW } from './report.js';
import { decodeListLine, FAILED_LIST_MAX_BYTES, problemOf } from './run-check.js';
import { RETRY_KEYS_MAX } from './state.js';

export interface ReconcileDeps {
  posts: CapabilityPosts;
  clock: Clock;
  logger: Logger;
  storeFor(side: Extract<PlannedSide, { ok: true }>): ObjectStore;
  signal: AbortSignal;
}

/** The reconciling check's post: one per retry request, so a second run of it edits the same post. */
export const reconcilePostId = (r: Pick<Reconcile, 'approval'>) => `reconcile-${r.approval}`;

/**
 * The retried objects checked again once the retry has ended: each key looked up on both sides
 * (one listing page under the key itself, as the bucket check lists), the source's against the
 * copy at the destination. A list retry's keys are read again from the run's failed-object list,
 * a prefix retry's are those kept when Retry these was pressed; at most `RETRY_KEYS_MAX` of them.
 */
export async function runReconcile(
  deps: ReconcileDeps,
  plan: CheckPlan,
  r: Reconcile,
  rest?: RunRest,
): Promise<ReconcileView> {
  const view: ReconcileView = {
    ...(rest ? { rest } : {}),
    kind: 'reconcile',
    retry: r.retry,
    ref: `${r.run.connection}:${r.run.id}`,
    status: 'running',
    total: r.keys?.length ?? r.objects,
    checked: 0,
    arrived: 0,
    still: 0,
    different: 0,
    firsts: [],
    problems: [],
  };
  const post = { teamId: r.team, channel: r.channel, id: reconcilePostId(r) };
  const draw = (final: boolean) => showCheck(deps, post, structuredClone(view), final);
  for (const [name, side] of [
    ['source', plan.source],
    ['destination', plan.destination],
  ] as const)
    if (!side.ok)
      view.problems.push({ side: name, why: side.why, cloud: side.cloud, credential: side.credential });
  if (!plan.source.ok || !plan.destination.ok) {
    view.status = 'done';
    await draw(true);
    return view;
  }
  await draw(false);
  const src = { store: deps.storeFor(plan.source), bucket: plan.source.bucket };
  const dst = { store: deps.storeFor(plan.destination), bucket: plan.destination.bucket };
  // What was being read when a store refused: the list file, or a side's listing.
  let side: 'list' | 'source' | 'destination' = 'list';
  try {
    const keys = await retriedKeys(r, plan, dst.store, dst.bucket, deps.signal);
    for await (const key of keys.keys) {
      if (view.checked >= RETRY_KEYS_MAX) continue;
      view.checked++;
      side = 'source';
      const from = await exactly(src.store, src.bucket, key, deps.signal);
      side = 'destination';
      const copy = await exactly(dst.store, dst.bucket, destinationKey(plan, key), deps.signal);
      const tally = {
        source: 0,
        destination: 0,
        matched: 0,
        missing: 0,
        different: 0,
        extra: 0,
        etagCompared: 0,
      };
      if (copy && (!from || !differs(from, copy, tally))) view.arrived++;
      else {
        view.still++;
        if (copy) view.different++;
        if (view.firsts.length < FIRST_FEW) view.firsts.push(key);
      }
      side = 'list';
    }
    view.total = Math.max(keys.count(), view.checked);
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    if (side === 'list') view.unread = error.failure;
    else view.problems.push(problemOf(side, error, side === 'source' ? src.bucket : dst.bucket));
  }
  view.status = 'done';
  await draw(true);
  return view;
}

/** The keys the retry was for, and (once read) how many there were in all. */
async function retriedKeys(
  r: Reconcile,
  plan: CheckPlan,
  store: ObjectStore,
  bucket: string,
  signal: AbortSignal,
): Promise<{ keys: AsyncIterable<string>; count(): number }> {
  if (r.what === 'prefix' || !plan.failedList) {
    const keys = r.keys ?? [];
    return {
      keys: (async function* () {
        yield* keys;
      })(),
      count: () => keys.length,
    };
  }
  const read = await store.readLines(bucket, plan.failedList, FAILED_LIST_MAX_BYTES, signal);
  let n = 0;
  async function* decoded() {
    for await (const line of read.lines) {
      const key = decodeListLine(line);
      if (key === undefined) continue;
      n++;
      yield key;
    }
  }
  return { keys: decoded(), count: () => n };
}

/** Where the check's pairs put a source key at the destination. */
function destinationKey(plan: CheckPlan, key: string): string {
  const pair = plan.pairs
    .filter((p) => key.startsWith(p.source))
    .sort((a, b) => b.source.length - a.source.length)[0];
  return pair ? pair.destination + key.slice(pair.source.length) : key;
}

/** The object of exactly `key`, if there is one: it sorts first under itself, on the first page. */
async function exactly(
  store: ObjectStore,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<ObjectEntry | undefined> {
  for await (const page of store.list(bucket, key, signal)) return page.find((e) => e.key === key);
  return undefined;
}
