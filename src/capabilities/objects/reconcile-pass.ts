import type { CapabilityCore } from '../../contract/capability.js';
import { type NormalizedState, TERMINAL_STATES } from '../../domain/migration-resource.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import type { ApprovalRecord } from '../approvals/approval-record.js';
import { bucketStore } from './bucket-store.js';
import { CAPABILITY } from './check-post.js';
import { planCheck } from './plan.js';
import { dropReconcile, type Reconcile, reconcileKey, waitingReconciles } from './reconcile-store.js';
import { restOf } from './reconcile-view.js';
import { reconcilePostId, runReconcile } from './run-reconcile.js';
import type { ObjectsState } from './state.js';

/** Requests that will never make a run: their reconcile is dropped. */
const NEVER_RUNS = new Set<ApprovalRecord['status']>(['rejected', 'expired', 'failed', 'cancelled']);
/**
 * One replica runs a retry's reconciling check: it claims it for this long (far longer than a
 * check of at most 1,000 keys takes). A replica that died meanwhile leaves the reconcile waiting,
 * and another runs it once the claim has lapsed, editing the same post.
 */
export const RECONCILE_CLAIM_MS = 10 * 60_000;

/**
 * A job on the bot's one scheduler, on every replica: each retry asked for with Retry these whose
 * run has ended (as its watch last saw it, else as the provider says) gets its reconciling check,
 * started in the background by the one replica that claims it.
 */
export async function reconcilePass(s: ObjectsState, core: CapabilityCore): Promise<void> {
  const approvals = core.approvals;
  if (!approvals) return;
  for (const r of await waitingReconciles(s.kv)) {
    try {
      const request = await approvals.find(r.team, r.approval);
      if (!request || NEVER_RUNS.has(request.status)) {
        await dropReconcile(s.kv, r.team, r.approval);
        continue;
      }
      if (!request.resourceId) continue;
      const state = await retryState(core, request, request.resourceId);
      if (!state || !TERMINAL_STATES.has(state)) continue;
      const key = reconcileKey(r.team, r.approval);
      if (s.running.has(key) || !(await s.kv.claim(`${key}:claim`, RECONCILE_CLAIM_MS))) continue;
      start(s, core, r, key);
    } catch (error) {
      s.logger.warn({ err: error, approval: r.approval }, 'could not look at a retry to reconcile');
    }
  }
}

/** The retry's state: its watch's last observation, else the provider's answer. */
async function retryState(
  core: CapabilityCore,
  request: ApprovalRecord,
  id: string,
): Promise<NormalizedState | undefined> {
  const where = { connection: request.connection, kind: request.kind, id };
  const record = await core.watcher.store
    .read<WatchRecord>(watchKey({ teamId: request.team, channelId: request.channel, ...where }))
    .catch(() => undefined);
  if (record) return record.snapshot.state;
  const provider = core.connections.provider(
    core.connections.get(request.team, request.connection),
    'background',
  );
  return (await provider.get(request.kind, id)).state;
}

function start(s: ObjectsState, core: CapabilityCore, r: Reconcile, key: string): void {
  const abort = new AbortController();
  const work = (async () => {
    const connection = core.connections.get(r.team, r.run.connection);
    const provider = core.connections.provider(connection, 'background');
    const run = await provider.get(r.run.kind, r.run.id);
    await runReconcile(
      {
        posts: s.posts,
        clock: s.clock,
        logger: s.logger,
        signal: abort.signal,
        storeFor: bucketStore(core.config, s.clock),
      },
      planCheck(run, connection),
      r,
      // A list retry is of the run's failed objects only: what the run never moved is said too.
      r.what === 'list' ? restOf(run, provider.actionsFor(run)) : undefined,
    );
    if (abort.signal.aborted) return;
    await dropReconcile(s.kv, r.team, r.approval);
    await s.posts.forget(r.team, CAPABILITY, reconcilePostId(r));
  })()
    .catch((error: unknown) =>
      s.logger.error({ err: error, approval: r.approval }, 'reconciling check failed'),
    )
    .finally(() => s.running.delete(key));
  s.running.set(key, { abort, work });
}
