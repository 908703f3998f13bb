import { channelScope } from '../../access/policy.js';
import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { StartedCapabilities } from '../../contract/started.js';
import { InvalidInputError } from '../../errors.js';
import type { NextRun } from '../../providers/types.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import type { ApprovalRecord } from '../approvals/approval-record.js';
import { approvalsOf } from '../approvals/approvals-state.js';
import type { SignOffTarget } from '../verification/sign-off-verification.js';
import { verificationOf } from '../verification/verification-fact.js';
import { DELTA_RUN_WORDS } from './words.js';

/** Which run it follows: the verification shown in a channel, as a sign-off names it. */
export type RerunTarget = SignOffTarget;

/** What a delta run needs besides the use case context: the providers and the approvals. */
export interface RerunDeps {
  connections: ConnectionRegistry;
  /** Where the approvals are (`approvalsOf`). */
  capabilities: StartedCapabilities;
}

/** A delta run as it would be asked for: its number in the chain, its name and the provider's request. */
export interface RerunPlan {
  record: WatchRecord;
  next: NextRun;
  n: number;
  name: string;
  /** The chain: the first run's `connection:kind:id`. */
  root: string;
}

/** The longest name a delta carries (OMS descriptions are at most 255 characters, Table 5-40). */
const NAME_MAX = 255;
const DELTA_SUFFIX = / · delta \d+$/;

/**
 * Plans the delta run of a run that succeeded: asks the policy (`create` in the watch's
 * channel, as for any new migration), refuses a run that did not succeed, and asks the provider for
 * the next run's request. Nothing changes: the requester sees the plan before asking.
 */
export async function planRerun(
  ctx: UseCaseContext,
  deps: RerunDeps,
  target: RerunTarget,
): Promise<RerunPlan> {
  await ctx.require('create', channelScope(target.channel), 'ask for a run of the changes since');
  const record = await ctx.deps.watcher.store.read<WatchRecord>(
    watchKey({ teamId: ctx.teamId, channelId: target.channel, ...target }),
  );
  const v = verificationOf(record);
  if (!record || !v || v.at !== target.at) throw InvalidInputError.in(DELTA_RUN_WORDS, 'rerun.gone');
  if (v.report.state !== 'succeeded' || record.snapshot.state !== 'succeeded') {
    const state = record.snapshot.state === 'succeeded' ? v.report.state : record.snapshot.state;
    throw InvalidInputError.in(DELTA_RUN_WORDS, 'rerun.refused.state', { state });
  }
  const provider = deps.connections.provider(
    deps.connections.get(ctx.teamId, target.connection),
    'interactive',
  );
  if (!provider.nextRun)
    throw InvalidInputError.in(DELTA_RUN_WORDS, 'rerun.refused.provider', { provider: provider.id });
  const parent = await parentRequest(ctx, deps, record);
  const root = parent?.rerun?.root ?? `${target.connection}:${target.kind}:${target.id}`;
  const n = (await approvalsOf(deps).records.reruns(ctx.teamId, root)) + 1;
  const name = deltaName(titleOf(record) ?? record.snapshot.name, n);
  const next = await provider.nextRun(target.kind, target.id, name);
  return { record, next, n, name, root };
}

/**
 * Asks for the delta run through the same two-person approval as any new migration: planned again
 * (nothing from the modal is trusted), its number taken from the chain once, audited.
 */
export async function requestRerun(
  ctx: UseCaseContext,
  deps: RerunDeps,
  target: RerunTarget,
  thread: { channel: string; ts: string; permalink?: string } | undefined,
): Promise<{ plan: RerunPlan; approval: ApprovalRecord }> {
  const planned = await planRerun(ctx, deps, target);
  return ctx.audited('create.rerun', `${target.connection}:${target.id}`, async () => {
    const n = await approvalsOf(deps).records.reserveRerun(ctx.teamId, planned.root);
    const plan = n === planned.n ? planned : await planAgain(ctx, deps, target, { ...planned, n });
    const approval = await approvalsOf(deps).request({
      team: ctx.teamId,
      requester: ctx.userId,
      channel: target.channel,
      connection: target.connection,
      kind: plan.next.kind,
      request: plan.next.request,
      op: ctx.opId,
      rerun: {
        mode: plan.next.mode,
        n: plan.n,
        of: {
          kind: target.kind,
          id: target.id,
          name: (titleOf(plan.record) ?? plan.record.snapshot.name).slice(0, 1024),
        },
        root: plan.root,
        ...(plan.next.since !== undefined ? { since: plan.next.since } : {}),
        ...(thread ? { thread } : {}),
      },
    });
    return { plan, approval };
  });
}

/** Someone else asked for a delta of the same chain meanwhile: this one is the next number. */
async function planAgain(
  ctx: UseCaseContext,
  deps: RerunDeps,
  target: RerunTarget,
  plan: RerunPlan,
): Promise<RerunPlan> {
  const name = deltaName(titleOf(plan.record) ?? plan.record.snapshot.name, plan.n);
  const provider = deps.connections.provider(
    deps.connections.get(ctx.teamId, target.connection),
    'interactive',
  );
  return { ...plan, name, next: await provider.nextRun!(target.kind, target.id, name) };
}

/** "<title> · delta n": a delta of a delta is named after the first run, not "· delta 1 · delta 2". */
export function deltaName(title: string, n: number): string {
  const suffix = ` · delta ${n}`;
  const base = title.replace(DELTA_SUFFIX, '').trim() || 'migration';
  return `${base.slice(0, NAME_MAX - suffix.length)}${suffix}`;
}

/** The approval that created the resource, when it is still kept (its chain, if it was a delta). */
export async function parentRequest(
  ctx: UseCaseContext,
  deps: RerunDeps,
  record: WatchRecord,
): Promise<ApprovalRecord | undefined> {
  const id = record.watch.origin?.request;
  if (!id) return undefined;
  return approvalsOf(deps)
    .records.get(ctx.teamId, id)
    .catch(() => undefined);
}
