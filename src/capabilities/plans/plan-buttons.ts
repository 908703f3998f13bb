import type { BlockAction, ButtonAction } from '@slack/bolt';
import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { SKIP } from '../../store/atomic-kv.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import { PLAN_ACTIONS, pauseTargets } from './plan-card.js';
import { findPlan } from './plan-command.js';
import { cancelWords, sentences } from './plan-effect.js';
import { drawCard, type PlansState, recordsOf, viewOf } from './plan-service.js';
import { startPlan } from './plan-start.js';
import { type Plan, refOf } from './plan-types.js';
import type { ResourceLine } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

type StateOf = (ctx: HandlerContext) => PlansState;

const list = (lines: readonly { name: string }[]) => lines.map((l) => `*${escapeMrkdwn(l.name)}*`).join(', ');

async function act(
  ctx: HandlerContext,
  l: ResourceLine,
  plan: Plan,
  action: 'pause' | 'resume',
): Promise<boolean> {
  const r = plan.resources.find((x) => refOf(x) === l.ref);
  if (!r) return false;
  try {
    await actOnResource(ctx, { exact: { connection: r.connection, kind: r.kind, id: r.id } }, action);
    return true;
  } catch (error) {
    ctx.logger.warn({ err: error, plan: plan.id, ref: l.ref }, `plan ${action}: one migration refused`);
    return false;
  }
}

/**
 * Pause plan: no wave opens while it is paused, and what runs (and can pause: UpCloud jobs cannot)
 * is paused as the presser's own pause; the plan remembers exactly what it paused.
 */
async function pause(ctx: HandlerContext, s: PlansState, plan: Plan, tr: Translator): Promise<string> {
  await ctx.require('operate', channelScope(plan.channel), 'pause a plan');
  const from = ctx.deps.clock.now();
  const paused = await ctx.audited('plan.pause', plan.id, async () => {
    const changed = await s.store.change(ctx.teamId, plan.id, (p) =>
      p.status === 'running'
        ? { ...p, status: 'paused', paused: { refs: [], by: ctx.userId, from, to: from } }
        : SKIP,
    );
    if (!changed)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notRunning', { name: escapeMrkdwn(plan.name) });
    return changed;
  });
  const { touch, cannot } = pauseTargets(await viewOf(s, paused));
  const done: ResourceLine[] = [];
  for (const l of touch) if (await act(ctx, l, paused, 'pause')) done.push(l);
  const to = ctx.deps.clock.now();
  const after = await s.store.change(ctx.teamId, plan.id, (p) =>
    p.status === 'paused'
      ? { ...p, paused: { refs: done.map((l) => l.ref), by: ctx.userId, from, to } }
      : SKIP,
  );
  await drawCard(s, after ?? paused);
  return [
    tr
      .with(PLAN_WORDS)
      .t('plan.pausedNow', { name: `*${escapeMrkdwn(plan.name)}*`, n: done.length, list: list(done) }),
    ...(cannot.length > 0 ? [tr.with(PLAN_WORDS).t('plan.confirm.cannotPause', { list: list(cannot) })] : []),
  ].join('\n');
}

/**
 * Resume plan: only what the plan paused and is still paused by that pause (not paused again since
 * by a person or a window) is resumed; the waves go on.
 */
async function resume(ctx: HandlerContext, s: PlansState, plan: Plan, tr: Translator): Promise<string> {
  await ctx.require('operate', channelScope(plan.channel), 'resume a plan');
  if (plan.status !== 'paused')
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPaused', { name: escapeMrkdwn(plan.name) });
  const records = await recordsOf(s, plan);
  const mine = plan.paused;
  const ours = (ref: string) => {
    const rec = records.get(ref);
    const q = rec?.requested;
    return (
      rec?.snapshot.state === 'paused' &&
      q?.action === 'pause' &&
      !q.via &&
      mine !== undefined &&
      q.at >= mine.from &&
      q.at <= mine.to
    );
  };
  const view = await viewOf(s, plan);
  const lines = view.waves.flatMap((w) => w.resources);
  const take = lines.filter((l) => mine?.refs.includes(l.ref) && ours(l.ref));
  const left = lines.filter((l) => mine?.refs.includes(l.ref) && !ours(l.ref));
  const resumed = await ctx.audited('plan.resume', plan.id, async () => {
    const changed = await s.store.change(ctx.teamId, plan.id, (p) => {
      if (p.status !== 'paused') return SKIP;
      const { paused: _gone, ...rest } = p;
      return { ...rest, status: 'running' };
    });
    if (!changed)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPaused', { name: escapeMrkdwn(plan.name) });
    return changed;
  });
  const done: ResourceLine[] = [];
  for (const l of take) if (await act(ctx, l, resumed, 'resume')) done.push(l);
  await drawCard(s, resumed);
  return [
    tr
      .with(PLAN_WORDS)
      .t('plan.resumedNow', { name: `*${escapeMrkdwn(plan.name)}*`, n: done.length, list: list(done) }),
    ...(left.length > 0 ? [tr.with(PLAN_WORDS).t('plan.resumeLeft', { list: list(left) })] : []),
  ].join('\n');
}

/** Cancel plan (its owner, or an admin): no later wave opens; what runs is left running. */
async function cancel(ctx: HandlerContext, s: PlansState, plan: Plan, tr: Translator): Promise<string> {
  if (ctx.userId === plan.owner) await ctx.require('operate', channelScope(plan.channel), 'cancel a plan');
  else await ctx.require('manage', channelScope(plan.channel), 'cancel a plan someone else owns');
  const at = ctx.deps.clock.now();
  // What the confirmation said, from the same view: the answer says it again, now done.
  const before = await viewOf(s, plan);
  const cancelled = await ctx.audited('plan.cancel', plan.id, async () => {
    const changed = await s.store.change(ctx.teamId, plan.id, (p) =>
      p.status === 'draft' || p.status === 'running' || p.status === 'paused'
        ? { ...p, status: 'cancelled', closed: { by: ctx.userId, at } }
        : SKIP,
    );
    if (!changed)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.closed', {
        name: escapeMrkdwn(plan.name),
        status: plan.status,
      });
    return changed;
  });
  await s.store.release(ctx.teamId, plan.id, cancelled.resources.map(refOf));
  await drawCard(s, cancelled);
  return sentences([
    tr.with(PLAN_WORDS).t('plan.cancelledNow', { name: `*${escapeMrkdwn(plan.name)}*` }),
    ...cancelWords(before, tr, list),
  ]);
}

const HANDLERS = { pause, resume, cancel, start: startPlan } as const;

/** The card's buttons; each answers only the presser, and the card is redrawn by the one editor path. */
export function planButtons(routes: ListenerRoutes, stateOf: StateOf): void {
  for (const [name, handle] of Object.entries(HANDLERS))
    routes.action<BlockAction<ButtonAction>>(
      PLAN_ACTIONS[name as keyof typeof HANDLERS],
      buttonHandler(async (ctx, args) => {
        const s = stateOf(ctx);
        const plan = await findPlan(ctx, s, String(args.action.value ?? '').slice(0, 20));
        const text = await handle(ctx, s, plan, await ctx.translator('person'));
        await ctx.reply({ text, replaceOriginal: false });
      }),
    );
}
