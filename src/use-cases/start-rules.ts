import type { Refusal, RequestCheck, RequestGate } from '../contract/gate.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import type { MigrationProvider, ResourceAction } from '../providers/types.js';
import type { UseCaseContext } from './context.js';
import { refusedError } from './refused-error.js';

/** The actions that set an existing migration moving again: what a freeze forbids as a start. */
const STARTS: ReadonlySet<ResourceAction> = new Set(['resume', 'retry']);

/** Who starts which existing migration, where: what the rules are asked about at stage `resume`. */
export type StartAsked = Omit<RequestCheck, 'stage' | 'facts' | 'resource' | 'kind'> & {
  kind: ResourceKind;
  id: string;
};

/**
 * Every capability's rules about when a migration may start (a freeze, a start window), asked
 * before an existing migration is set moving (stage `resume`): their refusal, or undefined. A start
 * takes no share of a quota, so nothing is kept whatever was decided.
 */
export async function startRefusal(
  gate: Pick<RequestGate, 'check'>,
  { kind, id, ...asked }: StartAsked,
): Promise<Refusal | undefined> {
  const outcome = await gate.check({ ...asked, stage: 'resume', kind, facts: {}, resource: { kind, id } });
  await outcome.release();
  return outcome.refusal;
}

/**
 * The same before a person's resume or retry, as a plan's wave asks before it starts what it holds:
 * a refusal names the rule and how to get an exception, and nothing is sent to the provider.
 */
export async function checkStartRules(
  ctx: UseCaseContext,
  provider: MigrationProvider,
  target: { connection: string; kind: ResourceKind; id: string },
  action: ResourceAction,
): Promise<void> {
  const check = ctx.deps.capabilities?.check?.bind(ctx.deps.capabilities);
  if (!STARTS.has(action) || !check) return;
  const refusal = await startRefusal(
    { check },
    {
      team: ctx.teamId,
      requester: ctx.userId,
      channel: ctx.channelId ?? '',
      connection: target.connection,
      provider: provider.id,
      kind: target.kind,
      id: target.id,
      now: ctx.deps.clock.now(),
    },
  );
  if (refusal) throw refusedError(refusal);
}
