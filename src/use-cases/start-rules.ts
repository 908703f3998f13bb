import { refusedError } from '../approvals/request-gate.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import type { MigrationProvider, ResourceAction } from '../providers/types.js';
import type { UseCaseContext } from './context.js';

/** The actions that set an existing migration moving again: what a freeze forbids as a start. */
const STARTS: ReadonlySet<ResourceAction> = new Set(['resume', 'retry']);

/**
 * Asks every capability's rules (stage `resume`: when a migration may start, such as a freeze)
 * before a person's resume or retry, as a plan's wave asks before it starts what it holds; a
 * refusal names the rule and how to get an exception, and nothing is sent to the provider.
 */
export async function checkStartRules(
  ctx: UseCaseContext,
  provider: MigrationProvider,
  target: { connection: string; kind: ResourceKind; id: string },
  action: ResourceAction,
): Promise<void> {
  const gate = ctx.deps.capabilities;
  if (!STARTS.has(action) || !gate?.check) return;
  const outcome = await gate.check({
    stage: 'resume',
    team: ctx.teamId,
    requester: ctx.userId,
    channel: ctx.channelId ?? '',
    connection: target.connection,
    provider: provider.id,
    kind: target.kind,
    facts: {},
    resource: { kind: target.kind, id: target.id },
    now: ctx.deps.clock.now(),
  });
  // A start takes no share of a quota: nothing is kept whatever was decided.
  await outcome.release();
  if (outcome.refusal) throw refusedError(outcome.refusal);
}
