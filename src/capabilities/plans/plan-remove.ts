import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { RESOURCE_REF } from '../../slack/command-text.js';
import { watchKey } from '../../watcher/records/watch-keys.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import { CAPABILITY, drawCard, type PlansState } from './plan-service.js';
import { isOpen, type Plan, type PlannedCreate, type PlanResource, refOf } from './plan-types.js';
import { editPlan, toldWithdrawn } from './plan-withdraw.js';
import { PLAN_WORDS } from './words.js';

/**
 * The plan's resource a person typed: its id, or `connection:id` (no provider is asked); with
 * `prefix`, a unique prefix of its id too.
 */
function named(plan: Plan, typed: string, prefix: boolean): PlanResource | undefined {
  const m = RESOURCE_REF.exec(typed);
  if (!m) return undefined;
  const [, connection, id] = m;
  const here = plan.resources.filter((r) => !connection || r.connection === connection);
  const exact = here.filter((r) => r.id === id);
  if (exact.length === 1 || !prefix) return exact.length === 1 ? exact[0] : undefined;
  const prefixed = here.filter((r) => r.id.startsWith(id!));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** A planned migration a person typed: its key (`n1a2b3c`) or its name, optionally `connection:…`. */
function plannedNamed(plan: Plan, typed: string): PlannedCreate[] {
  const m = RESOURCE_REF.exec(typed);
  if (!m) return [];
  const [, connection, id] = m;
  const here = (plan.planned ?? []).filter((p) => !connection || p.connection === connection);
  const byKey = here.filter((p) => p.key === id);
  return byKey.length > 0 ? byKey : here.filter((p) => p.name === id);
}

/**
 * What `typed` takes out: a migration of the plan, else a planned one not yet handed over to be
 * created; refused with the reason (not in the plan, being created, a name two planned share).
 */
function taken(plan: Plan, typed: string): PlanResource | PlannedCreate {
  // An id first, then a planned migration's key or name, then a prefix of an id: a planned name
  // that begins another migration's id still names the planned one.
  const resource = named(plan, typed, false);
  if (resource) return resource;
  const said = code(typed.slice(0, 60));
  const planned = plannedNamed(plan, typed);
  const prefixed = planned.length === 0 ? named(plan, typed, true) : undefined;
  if (prefixed) return prefixed;
  if (planned.length > 1)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.plannedAmbiguous', {
      resource: said,
      n: planned.length,
      keys: planned.map((p) => code(p.key)).join(', '),
    });
  const [one] = planned;
  if (!one)
    throw NotFoundError.in(PLAN_WORDS, 'plan.error.notInPlan', {
      resource: said,
      name: escapeMrkdwn(plan.name),
    });
  // Handed to the scheduled start when its wave opened: it is being created, then adopted (one
  // whose creating failed holds its wave for good, and is taken out like a failed migration).
  if (one.approval && !one.failed)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.plannedCreating', { resource: said });
  return one;
}

const isPlanned = (x: PlanResource | PlannedCreate): x is PlannedCreate => 'request' in x;

/**
 * `plan remove <plan> <resource>…`: takes migrations out of a plan (what holds a wave for good, a
 * migration cancelled or deleted, is taken out so the waves go on), and planned ones (never
 * created: nothing but the plan knew of them). All or none: one that is not in the plan changes
 * nothing. The plan lets go of them, and of the watches it made for them; an edit of a submitted
 * plan withdraws its approval.
 */
export async function removeFromPlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  typed: readonly string[],
): Promise<void> {
  await ctx.require('operate', channelScope(plan.channel), 'remove migrations from a plan');
  if (!isOpen(plan))
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.closed', {
      name: escapeMrkdwn(plan.name),
      status: plan.status,
    });
  const found = typed.map((t) => taken(plan, t));
  const gone = found.filter((x): x is PlanResource => !isPlanned(x));
  const keys = new Set(found.filter(isPlanned).map((p) => p.key));
  const refs = new Set(gone.map(refOf));
  const n = refs.size + keys.size;
  const after = await ctx.audited(
    'plan.remove',
    `${plan.id}: ${[...refs, ...[...keys].map((k) => `planned/${k}`)].join(' ')}`.slice(0, 300),
    async () => {
      const edit = { by: ctx.userId, what: `removed ${n}` };
      const changed = await editPlan(s, ctx.teamId, plan.id, edit, (p) => {
        if (!isOpen(p))
          throw InvalidInputError.in(PLAN_WORDS, 'plan.error.closed', {
            name: escapeMrkdwn(p.name),
            status: p.status,
          });
        // Handed over meanwhile (its wave opened on another replica): refused, as above.
        const creating = p.planned?.find((x) => keys.has(x.key) && x.approval && !x.failed);
        if (creating)
          throw InvalidInputError.in(PLAN_WORDS, 'plan.error.plannedCreating', {
            resource: code(creating.name),
          });
        const waves = Object.fromEntries(
          Object.entries(p.waves).map(([w, m]) => [
            w,
            {
              ...m,
              ...(m.pending ? { pending: m.pending.filter((x) => !refs.has(x)) } : {}),
              ...(m.creates ? { creates: m.creates.filter((k) => !keys.has(k)) } : {}),
            },
          ]),
        );
        const planned = p.planned?.filter((x) => !keys.has(x.key));
        return {
          ...p,
          resources: p.resources.filter((r) => !refs.has(refOf(r))),
          waves,
          ...(planned ? { planned } : {}),
        };
      });
      if (!changed.plan) throw NotFoundError.in(PLAN_WORDS, 'plan.error.unknown', { plan: code(plan.id) });
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
  await ctx.reply({
    text: tr.with(PLAN_WORDS).t('plan.removed', { n, name: `*${escapeMrkdwn(plan.name)}*` }),
  });
}
