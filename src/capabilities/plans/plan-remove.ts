import { channelScope } from '../../access/policy.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { RESOURCE_REF } from '../../slack/command-text.js';
import type { HandlerContext } from '../../slack/context.js';
import { watchKey } from '../../watcher/records/watch-keys.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import { CAPABILITY, drawCard, type PlansState } from './plan-service.js';
import { isOpen, type Plan, type PlanResource, refOf } from './plan-types.js';
import { editPlan, toldWithdrawn } from './plan-withdraw.js';

/** The plan's resource a person typed: its id, or `connection:id` (no provider is asked). */
function named(plan: Plan, typed: string): PlanResource | undefined {
  const m = RESOURCE_REF.exec(typed);
  if (!m) return undefined;
  const [, connection, id] = m;
  const exact = plan.resources.filter((r) => r.id === id && (!connection || r.connection === connection));
  if (exact.length === 1) return exact[0];
  const prefixed = plan.resources.filter(
    (r) => r.id.startsWith(id!) && (!connection || r.connection === connection),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/**
 * `plan remove <plan> <resource>…`: takes migrations out of a plan (what holds a wave for good, a
 * migration cancelled or deleted, is taken out so the waves go on). All or none: one that is not
 * in the plan changes nothing. The plan lets go of them, and of the watches it made for them.
 */
export async function removeFromPlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  typed: readonly string[],
): Promise<void> {
  await ctx.require('operate', channelScope(plan.channel), 'remove migrations from a plan');
  if (!isOpen(plan))
    throw InvalidInputError.of('plan.error.closed', { name: escapeMrkdwn(plan.name), status: plan.status });
  const gone: PlanResource[] = [];
  for (const t of typed) {
    const r = named(plan, t);
    if (!r)
      throw NotFoundError.of('plan.error.notInPlan', {
        resource: code(t.slice(0, 60)),
        name: escapeMrkdwn(plan.name),
      });
    gone.push(r);
  }
  const refs = new Set(gone.map(refOf));
  const after = await ctx.audited(
    'plan.remove',
    `${plan.id}: ${[...refs].join(' ')}`.slice(0, 300),
    async () => {
      const edit = { by: ctx.userId, what: `removed ${refs.size}` };
      const changed = await editPlan(s, ctx.teamId, plan.id, edit, (p) => {
        if (!isOpen(p))
          throw InvalidInputError.of('plan.error.closed', { name: escapeMrkdwn(p.name), status: p.status });
        const waves = Object.fromEntries(
          Object.entries(p.waves).map(([n, m]) => [
            n,
            m.pending ? { ...m, pending: m.pending.filter((x) => !refs.has(x)) } : m,
          ]),
        );
        return { ...p, resources: p.resources.filter((r) => !refs.has(refOf(r))), waves };
      });
      if (!changed.plan) throw NotFoundError.of('plan.error.unknown', { plan: code(plan.id) });
      return changed;
    },
  );
  await s.store.release(ctx.teamId, plan.id, [...refs]);
  for (const r of gone) {
    await ctx.deps.watcher.notes.fact(ctx.teamId, r, CAPABILITY, undefined);
    // The watch the plan made (no card, no subscription's) goes; one a person asked for stays.
    const target = { ...r, teamId: ctx.teamId, channelId: plan.channel };
    const [loaded] = await ctx.deps.watcher.store.loadMany([watchKey(target)]);
    const record: WatchRecord | undefined = loaded?.record;
    if (record?.follow && !record.explicit && !record.via?.length) await ctx.deps.watcher.unwatch(target);
  }
  if (after.withdrew) await toldWithdrawn(s, after.plan!);
  else await drawCard(s, after.plan!);
  const tr = await ctx.translator('person');
  await ctx.reply({ text: tr.t('plan.removed', { n: gone.length, name: `*${escapeMrkdwn(plan.name)}*` }) });
}
