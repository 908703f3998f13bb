import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { effectWords, recordsOf, type StartEffect, sentences, startEffect } from './plan-effect.js';
import type { PlansState } from './plan-service.js';
import { type PlanSums, type PreflightSum, sumPlanned } from './plan-sum.js';
import { CAPABILITY, type Plan, type PlanApproval, type PlanStatus } from './plan-types.js';
import { PLAN_WORDS } from './words.js';

export const APPROVAL_ACTIONS = { approve: 'plan.approve', reject: 'plan.reject' } as const;

/** The plan's approval request as its post shows it (data; drawn at send time in the channel's language). */
export interface ApprovalPostView {
  kind: 'approval';
  id: string;
  name: string;
  channel: string;
  approval: PlanApproval;
  sums: PlanSums;
  /** Planned migrations by wave (names as typed, escaped when drawn). */
  lines: { wave: number; connection: string; name: string }[];
  /** What the approval that completes it does at once (Approve plan's confirmation says it). */
  effect?: StartEffect;
  /** The plan's status when drawn: a plan not started is started by the approval. */
  status?: PlanStatus;
}

/** A direct message to an approver: the plan they approved was changed, so their approval is withdrawn. */
export interface WithdrawnView {
  kind: 'withdrawn';
  id: string;
  name: string;
  channel: string;
  by: string;
  what: string;
}

export function approvalPostView(plan: Plan, effect?: StartEffect): ApprovalPostView | undefined {
  if (!plan.approval) return undefined;
  const planned = plan.planned ?? [];
  return {
    ...(effect && plan.approval.state === 'pending' ? { effect, status: plan.status } : {}),
    kind: 'approval',
    id: plan.id,
    name: plan.name,
    channel: plan.channel,
    approval: plan.approval,
    sums: sumPlanned(planned),
    lines: planned.map((p) => ({ wave: p.wave, connection: p.connection, name: p.name })),
  };
}

/** Shows the approval request as it is now, through the watcher's one outbox (post, then edits). */
export async function drawApproval(s: PlansState, plan: Plan): Promise<void> {
  if (!plan.approval?.channel) return;
  try {
    // The same steps the gate pass takes once it is approved, from the same records.
    const effect =
      plan.approval.state === 'pending'
        ? startEffect(plan, await recordsOf(s, plan), s.core.clock.now(), true)
        : undefined;
    const view = approvalPostView(plan, effect);
    if (!view) return;
    await s.posts.show(
      plan.teamId,
      {
        capability: CAPABILITY,
        id: `${plan.id}-approval-${plan.approval.round}`,
        channel: plan.approval.channel,
      },
      view,
    );
  } catch (error) {
    s.core.logger.warn({ err: error, plan: plan.id }, 'plan approval request not drawn');
  }
}

function hours(seconds: number): string {
  return (Math.ceil(seconds / 360) / 10).toString();
}

function sumLine(head: string, sum: PreflightSum, tr: Translator): string {
  const parts = [
    tr.with(PLAN_WORDS).t('plan.approval.count', { n: sum.count }),
    tr
      .with(PLAN_WORDS)
      .t('plan.approval.size', { objects: tr.count(sum.objects), bytes: tr.bytes(sum.bytes) }),
    sum.seconds !== undefined
      ? tr.with(PLAN_WORDS).t('plan.approval.time', { h: hours(sum.seconds) })
      : tr.with(PLAN_WORDS).t('plan.approval.noTime'),
    ...(sum.cost !== undefined
      ? [tr.with(PLAN_WORDS).t('plan.approval.cost', { cost: `$${sum.cost.toFixed(2)}` })]
      : []),
    ...(sum.unsized > 0 ? [tr.with(PLAN_WORDS).t('plan.approval.unsized', { n: sum.unsized })] : []),
  ];
  return `${head} · ${parts.join(' · ')}`;
}

/** Approve plan's confirmation: the vote it counts, or everything the last approval does at once. */
function approveConfirm(view: ApprovalPostView, tr: Translator) {
  const a = view.approval;
  const votes = (a.votes?.length ?? 0) + 1;
  const needs = a.needs ?? 1;
  const name = truncate(view.name, 40);
  const w = tr.with(PLAN_WORDS);
  let text: string;
  if (votes < needs) text = w.t('plan.confirm.approveVote', { votes, n: needs });
  else {
    const head = w.t('plan.confirm.approveHead', { name, status: view.status ?? 'running' });
    text = sentences([head, ...(view.effect ? effectWords(view.effect, 'will', tr) : [])]);
  }
  return {
    title: { type: 'plain_text', text: truncate(w.t('plan.button.approve'), 100) },
    text: { type: 'plain_text', text: truncate(text, 300) },
    confirm: { type: 'plain_text', text: w.t('plan.confirm.go') },
    deny: { type: 'plain_text', text: w.t('plan.confirm.back') },
  };
}

function stateLine(a: PlanApproval, tr: Translator): string {
  if (a.state === 'approved')
    return tr.with(PLAN_WORDS).t('plan.approval.approved', { user: `<@${a.decidedBy ?? '?'}>` });
  if (a.state === 'rejected')
    return tr.with(PLAN_WORDS).t('plan.approval.rejected', { user: `<@${a.decidedBy ?? '?'}>` });
  if (a.state === 'withdrawn')
    return tr.with(PLAN_WORDS).t('plan.approval.withdrawn', {
      user: `<@${a.withdrawn?.by ?? '?'}>`,
      what: escapeMrkdwn(truncate(a.withdrawn?.what ?? '', 100)),
    });
  return (a.needs ?? 1) > 1
    ? tr.with(PLAN_WORDS).t('plan.approval.needs', { n: a.needs ?? 1, votes: a.votes?.length ?? 0 })
    : tr.with(PLAN_WORDS).t('plan.approval.waiting');
}

export function renderApprovalPost(view: ApprovalPostView, tr: Translator): CapabilityRendered {
  const a = view.approval;
  const title = tr.with(PLAN_WORDS).t('plan.approval.title', {
    name: escapeMrkdwn(truncate(view.name, 80)),
    id: code(view.id),
    user: `<@${a.by}>`,
    channel: `<#${view.channel}>`,
  });
  const figures = [
    ...view.sums.waves.map((w) => sumLine(`*${tr.with(PLAN_WORDS).t('plan.card.wave', { n: w.n })}*`, w, tr)),
    sumLine(`*${tr.with(PLAN_WORDS).t('plan.approval.total')}*`, view.sums.total, tr),
  ];
  const names = view.lines
    .slice(0, 20)
    .map(
      (l) =>
        `• ${tr.with(PLAN_WORDS).t('plan.card.wave', { n: l.wave })} · ${code(l.connection)} ${escapeMrkdwn(truncate(l.name, 60))}`,
    );
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(figures.join('\n'), 2900) } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(names.join('\n') || '—', 2900) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: stateLine(a, tr) }] },
  ];
  if (a.state === 'pending') {
    const value = `${view.id}:${a.round}`;
    blocks.push({
      type: 'actions',
      block_id: `plan-approval:${view.id}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVAL_ACTIONS.approve,
          value,
          style: 'primary',
          text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.approve') },
          confirm: approveConfirm(view, tr),
        },
        {
          type: 'button',
          action_id: APPROVAL_ACTIONS.reject,
          value,
          style: 'danger',
          text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.reject') },
        },
      ],
    });
  }
  return { text: `${title} — ${figures.at(-1)}`, blocks };
}

export function renderWithdrawn(view: WithdrawnView, tr: Translator): CapabilityRendered {
  const text = tr.with(PLAN_WORDS).t('plan.withdrawnNotice', {
    name: escapeMrkdwn(truncate(view.name, 80)),
    id: code(view.id),
    channel: `<#${view.channel}>`,
    user: `<@${view.by}>`,
    what: escapeMrkdwn(truncate(view.what, 100)),
  });
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
