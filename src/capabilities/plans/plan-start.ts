import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import {
  bytesLeft,
  effectWords,
  type PassOutcome,
  recordsOf,
  sentences,
  startEffect,
} from './plan-effect.js';
import { drawCard, type PlansState, passPlan } from './plan-service.js';
import type { Plan } from './plan-types.js';
import { planView, type ResourceLine } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/**
 * The answer after a click that started or approved a plan: what its pass did (the waves opened,
 * what was resumed and handed to be created), what a rule held, and what comes later.
 */
export async function answerOf(
  s: PlansState,
  key: 'plan.approvedNow' | 'plan.startedNow',
  plan: Plan,
  did: PassOutcome,
  tr: Translator,
): Promise<string> {
  const now = (await s.store.get(plan.teamId, plan.id)) ?? plan;
  const later = startEffect(
    now,
    await recordsOf(s, now),
    s.core.clock.now(),
    now.approval?.state === 'approved',
  );
  const held = Object.entries(now.waves)
    .filter(([, m]) => m.held && m.pending?.length)
    .map(([n]) => Number(n));
  const head = tr.with(PLAN_WORDS).t(key, { name: `*${escapeMrkdwn(plan.name)}*`, status: now.status });
  return sentences([
    head,
    ...effectWords(
      { ...did, awaiting: later.awaiting, createLater: later.createLater, later: later.later },
      'did',
      tr,
    ),
    ...held.map((n) => tr.with(PLAN_WORDS).t('plan.did.held', { n })),
  ]);
}

/**
 * Start plan (the card's button, or `plan start`): the plan runs, and its gate pass runs at once,
 * so the answer says what opened and started rather than promising it for a later pass.
 */
export async function startPlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  tr: Translator,
): Promise<string> {
  await ctx.require('operate', channelScope(plan.channel), 'start a plan');
  if (plan.resources.length === 0)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.empty', { name: escapeMrkdwn(plan.name) });
  // Its paused migrations as the confirmation counted them (read before anything starts them).
  const as: Plan = { ...plan, status: 'running' };
  const lines = planView(as, await recordsOf(s, plan), ctx.deps.clock.now()).view.waves;
  const started = await ctx.audited('plan.start', plan.id, async () => {
    const changed = await s.store.change(ctx.teamId, plan.id, (p) =>
      p.status === 'draft' ? { ...p, status: 'running' } : SKIP,
    );
    if (!changed)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.started', { name: escapeMrkdwn(plan.name) });
    return changed;
  });
  await drawCard(s, started);
  const did = await passPlan(s, ctx.teamId, plan.id);
  const after = (await s.store.get(ctx.teamId, plan.id)) ?? started;
  return answerOf(s, 'plan.startedNow', started, sinceStart(started, after, lines, did), tr);
}

/**
 * What the start did, whichever pass did it. The watcher's gate pass may run between the status
 * change and the click's own pass (it passes every running plan), and then opens the waves and
 * resumes their migrations itself: this pass finds nothing left to do. The plan was a draft, so
 * every wave open now opened with this start; its paused migrations no longer pending were
 * resumed (the ones a rule holds stay pending).
 */
export function sinceStart(
  started: Plan,
  after: Plan,
  waves: readonly { n: number; resources: readonly ResourceLine[] }[],
  did: PassOutcome,
): PassOutcome {
  const opened = waves
    .map((w) => w.n)
    .filter((n) => started.waves[String(n)]?.openedAt === undefined)
    .filter((n) => after.waves[String(n)]?.openedAt !== undefined);
  if (opened.every((n) => did.opens.includes(n))) return did;
  const resumed = waves
    .filter((w) => opened.includes(w.n))
    .flatMap((w) =>
      w.resources.filter((l) => l.state === 'paused' && !after.waves[String(w.n)]?.pending?.includes(l.ref)),
    );
  return {
    opens: opened,
    resume: { n: resumed.length, bytes: resumed.reduce((t, l) => t + bytesLeft(l), 0) },
    create: did.create,
  };
}
