import { channelScope } from '../../access/policy.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import type { NextRun } from '../../providers/types.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import { approvalsOf } from '../approvals/approvals-state.js';
import type { PreflightRecord } from '../preflight-record.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { DEFAULT_PREFLIGHT_DEADLINE_MS, runPreflight } from '../shared/preflight.js';
import { parentRequest, type RerunDeps } from './request-rerun.js';

/** OMS descriptions are at most 255 characters (Table 5-40). */
const NAME_MAX = 255;
const CHAIN_SUFFIX = / · (?:delta|retry) \d+$/;

/** What a retry is of and what it takes: the run (in the channel asked from) and what it moves. */
export interface RetryAsk {
  channel: string;
  run: { connection: string; kind: ResourceKind; id: string; name: string };
  retry: { what: 'list' | 'prefix'; objects: number; prefix?: string };
  /**
   * What the bucket check found of a list retry's objects at the source: the request's size (so
   * its size is the listed objects' bytes, not unknown). `unsized`: listed but not found there.
   */
  size?: { objects: number; bytes: number; unsized: number };
  /** The provider's request for the retry called `name` (throws `InvalidInputError` when it cannot). */
  build(name: string): Promise<NextRun>;
  /** The run's card, where the chain is told. */
  thread?: { channel: string; ts: string; permalink?: string };
}

/**
 * Asks for a retry of what a run did not bring over, in the run's chain beside its delta runs:
 * the chain's root is the first run (a retry of a delta or of a retry counts on in the same chain),
 * retries are numbered apart ("retry 1", "retry 2"), and the request goes through the same
 * two-person approval as any new migration, carrying its place in the chain (`rerun.retry`), which
 * the run's thread and the retry's card are told from, as for a delta.
 */
export async function requestRetry(
  ctx: UseCaseContext,
  deps: RerunDeps,
  ask: RetryAsk,
): Promise<{ name: string; approval: ApprovalRecord }> {
  await ctx.require('create', channelScope(ask.channel), 'retry the objects a run did not bring over');
  const { connection, kind, id } = ask.run;
  const record = await ctx.deps.watcher.store.read<WatchRecord>(
    watchKey({ teamId: ctx.teamId, channelId: ask.channel, connection, kind, id }),
  );
  const parent = record ? await parentRequest(ctx, deps, record) : undefined;
  const root = parent?.rerun?.root ?? `${connection}:${kind}:${id}`;
  const title = (record && titleOf(record)) ?? ask.run.name;
  // Planned first (a refusal changes nothing), numbered once, planned again if someone took the number.
  const planned = (await approvalsOf(deps).records.reruns(ctx.teamId, root, 'retry')) + 1;
  let next = await ask.build(retryName(title, planned));
  const preflight = ask.size && (await sizedPreflight(ctx, deps, connection, next, ask.size));
  return ctx.audited('create.retry', `${connection}:${id}`, async () => {
    const n = await approvalsOf(deps).records.reserveRerun(ctx.teamId, root, 'retry');
    if (n !== planned) next = await ask.build(retryName(title, n));
    const approval = await approvalsOf(deps).request({
      team: ctx.teamId,
      requester: ctx.userId,
      channel: ask.channel,
      connection,
      kind: next.kind,
      request: next.request,
      op: ctx.opId,
      ...(preflight ? { preflight } : {}),
      rerun: {
        mode: 'new',
        n,
        of: { kind, id, name: title.slice(0, 1024) },
        root,
        retry: {
          what: ask.retry.what,
          objects: ask.retry.objects,
          ...(ask.retry.prefix !== undefined ? { prefix: ask.retry.prefix } : {}),
        },
        ...(ask.thread ? { thread: ask.thread } : {}),
      },
    });
    return { name: retryName(title, n), approval };
  });
}

/** "<title> · retry n": named after the chain's run, not "· delta 1 · retry 1" or "· retry 1 · retry 2". */
export function retryName(title: string, n: number): string {
  const suffix = ` · retry ${n}`;
  let base = title.trim();
  for (let i = 0; i < 4 && CHAIN_SUFFIX.test(base); i++) base = base.replace(CHAIN_SUFFIX, '').trim();
  return `${(base || 'migration').slice(0, NAME_MAX - suffix.length)}${suffix}`;
}

/** The request's usual pre-flight, its size the one the bucket check read from the listed objects. */
async function sizedPreflight(
  ctx: UseCaseContext,
  deps: RerunDeps,
  name: string,
  next: NextRun,
  size: NonNullable<RetryAsk['size']>,
): Promise<PreflightRecord> {
  const connection = deps.connections.get(ctx.teamId, name);
  const record = await runPreflight(
    { connections: deps.connections, logger: ctx.logger },
    connection,
    next.kind,
    next.request,
    DEFAULT_PREFLIGHT_DEADLINE_MS,
  );
  const { sizeFailure: _, ...rest } = record;
  return {
    ...rest,
    size: {
      basis: 'listed',
      objects: size.objects,
      bytes: size.bytes,
      prefixes: 0,
      checked: true,
      ...(size.unsized > 0 ? { unsized: size.unsized } : {}),
    },
  };
}
