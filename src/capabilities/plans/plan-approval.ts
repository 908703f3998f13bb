import { channelScope } from '../../access/policy.js';
import type { GateOutcome, RequestCheck } from '../../contract/gate.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { ForbiddenError, InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { summarizeCreateRequest } from '../../providers/create-request.js';
import { createTarget } from '../../providers/registry.js';
import { escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import { refusedError } from '../../use-cases/refused-error.js';
import { drawApproval } from './plan-approval-post.js';
import { drawCard, type PlansState, passPlan } from './plan-service.js';
import { answerOf } from './plan-start.js';
import type { Plan, PlannedCreate } from './plan-types.js';
import { PLAN_WORDS } from './words.js';

function checkOf(plan: Plan, p: PlannedCreate, stage: 'request' | 'approval', now: number, by?: string) {
  const provider = p.provider as RequestCheck['provider'];
  const facts = createTarget(provider, p.kind).facts?.(p.request);
  const summary = summarizeCreateRequest(provider, p.kind, p.request);
  const check: RequestCheck = {
    stage,
    team: plan.teamId,
    requester: plan.approval?.by ?? plan.owner,
    channel: plan.channel,
    connection: p.connection,
    provider,
    kind: p.kind,
    facts: { ...facts, ...(summary.name ? { name: summary.name } : {}) },
    ...(p.preflight ? { preflight: p.preflight } : {}),
    ...(by ? { by } : {}),
    now,
  };
  return check;
}

/**
 * The guardrails (every capability's `gate.check`) on each planned create: the first refusal is
 * thrown (what the others took given back); else the most approvers any rule asks for.
 */
async function checkAll(
  ctx: HandlerContext,
  plan: Plan,
  stage: 'request' | 'approval',
): Promise<{ needs: number; release(): Promise<void> }> {
  const taken: GateOutcome[] = [];
  const release = async () => {
    for (const o of taken) await o.release().catch(() => undefined);
  };
  let needs = 1;
  const now = ctx.deps.clock.now();
  for (const p of plan.planned ?? []) {
    const outcome = await ctx.deps.capabilities.check(
      checkOf(plan, p, stage, now, stage === 'approval' ? ctx.userId : undefined),
    );
    taken.push(outcome);
    if (outcome.refusal) {
      await release();
      throw refusedError(outcome.refusal);
    }
    needs = Math.max(needs, outcome.needs?.approvers ?? 1);
  }
  return { needs, release };
}

/**
 * Submit for approval (the plan's owner): one request for all its planned migrations, with their
 * pre-flight summed per wave and in total, in the approvals channel; the guardrails are asked of
 * each first, and a refusal changes nothing.
 */
export async function submitPlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  tr: Translator,
): Promise<string> {
  await ctx.require('operate', channelScope(plan.channel), 'submit a plan for approval');
  if (ctx.userId !== plan.owner)
    throw ForbiddenError.in(PLAN_WORDS, 'plan.error.notOwner', { user: `<@${plan.owner}>` });
  if (plan.status === 'cancelled' || plan.status === 'ended')
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.closed', {
      name: escapeMrkdwn(plan.name),
      status: plan.status,
    });
  if (!plan.planned?.length)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.nothingPlanned', { name: escapeMrkdwn(plan.name) });
  if (plan.approval?.state === 'pending' || plan.approval?.state === 'approved')
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.submitted', { name: escapeMrkdwn(plan.name) });
  const { needs } = await checkAll(ctx, plan, 'request');
  const channel = (await ctx.deps.settings.get(ctx.teamId)).approvalsChannel ?? plan.channel;
  const at = ctx.deps.clock.now();
  const submitted = await ctx.audited('plan.submit', plan.id, async () => {
    const changed = await s.store.change(ctx.teamId, plan.id, (p) => {
      if (p.approval?.state === 'pending' || p.approval?.state === 'approved') return SKIP;
      const round = (p.approval?.round ?? 0) + 1;
      return { ...p, approval: { state: 'pending', by: ctx.userId, at, round, needs, votes: [], channel } };
    });
    if (!changed)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.submitted', { name: escapeMrkdwn(plan.name) });
    return changed;
  });
  await drawApproval(s, submitted);
  await drawCard(s, submitted);
  return tr
    .with(PLAN_WORDS)
    .t('plan.submittedNow', { name: `*${escapeMrkdwn(plan.name)}*`, channel: `<#${channel}>` });
}

/**
 * Approve (approver role, never the one who submitted it: two-person rule): the guardrails asked
 * again, the vote counted by compare-and-set on the plan; once enough, the plan is approved (and
 * running) and its gate pass runs at once: the waves it opens resume what is paused in them and
 * hand their planned migrations to the scheduled start. The answer says what that pass did, as the
 * button's confirmation (drawn from the same steps) said it would.
 */
export async function approvePlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  round: number,
  tr: Translator,
): Promise<string> {
  // The policy first: whether the plan waits for a decision is not told to someone who cannot decide.
  await ctx.require('approve', channelScope(plan.channel), 'approve a plan');
  const a = plan.approval;
  if (a?.state !== 'pending' || a.round !== round)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPending', { name: escapeMrkdwn(plan.name) });
  if (ctx.userId === a.by) {
    await ctx.audited('plan.approve', plan.id, async () => {
      throw ForbiddenError.in(PLAN_WORDS, 'plan.error.selfApprove');
    });
  }
  const checked = await checkAll(ctx, plan, 'approval');
  const at = ctx.deps.clock.now();
  let approved = false;
  const after = await ctx.audited('plan.approve', plan.id, async () =>
    s.store.change(ctx.teamId, plan.id, (p) => {
      approved = false;
      const q = p.approval;
      if (q?.state !== 'pending' || q.round !== round || q.votes?.includes(ctx.userId)) return SKIP;
      const votes = [...(q.votes ?? []), ctx.userId];
      if (votes.length < (q.needs ?? 1)) return { ...p, approval: { ...q, votes } };
      approved = true;
      const status = p.status === 'draft' ? 'running' : p.status;
      return {
        ...p,
        status,
        approval: { ...q, votes, state: 'approved', decidedBy: ctx.userId, decidedAt: at },
      };
    }),
  );
  if (!after || !approved) await checked.release();
  if (!after)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPending', { name: escapeMrkdwn(plan.name) });
  await drawApproval(s, after);
  if (!approved) {
    await drawCard(s, after);
    return tr.with(PLAN_WORDS).t('plan.countedNow', {
      votes: after.approval?.votes?.length ?? 0,
      n: after.approval?.needs ?? 1,
    });
  }
  // Wave 1 at once (or at its gate's time): the gate pass opens it and hands its creates over.
  const did = await passPlan(s, ctx.teamId, plan.id);
  return answerOf(s, 'plan.approvedNow', plan, did, tr);
}

/** Reject (approver role): the plan stays as it is, its planned migrations uncreated, to be submitted again. */
export async function rejectPlan(
  ctx: HandlerContext,
  s: PlansState,
  plan: Plan,
  round: number,
  tr: Translator,
): Promise<string> {
  // The policy first: whether the plan waits for a decision is not told to someone who cannot decide.
  await ctx.require('approve', channelScope(plan.channel), 'reject a plan');
  const a = plan.approval;
  if (a?.state !== 'pending' || a.round !== round)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPending', { name: escapeMrkdwn(plan.name) });
  const at = ctx.deps.clock.now();
  const after = await ctx.audited('plan.reject', plan.id, async () =>
    s.store.change(ctx.teamId, plan.id, (p) =>
      p.approval?.state === 'pending' && p.approval.round === round
        ? { ...p, approval: { ...p.approval, state: 'rejected', decidedBy: ctx.userId, decidedAt: at } }
        : SKIP,
    ),
  );
  if (!after)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notPending', { name: escapeMrkdwn(plan.name) });
  await drawApproval(s, after);
  await drawCard(s, after);
  return tr.with(PLAN_WORDS).t('plan.rejectedNow', { name: `*${escapeMrkdwn(plan.name)}*` });
}
