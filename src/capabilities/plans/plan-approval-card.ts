import type { Translator } from '../../i18n/translator.js';
import { escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { PlanView } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/** The plan card's line about its approval: waiting, approved, rejected, or withdrawn by an edit. */
export function approvalContext(view: PlanView, tr: Translator): string[] {
  const a = view.approval;
  if (!a)
    return view.planned > 0 ? [tr.with(PLAN_WORDS).t('plan.card.approval.none', { n: view.planned })] : [];
  switch (a.state) {
    case 'approved':
      return [tr.with(PLAN_WORDS).t('plan.card.approval.approved', { user: `<@${a.decidedBy ?? '?'}>` })];
    case 'rejected':
      return [tr.with(PLAN_WORDS).t('plan.card.approval.rejected', { user: `<@${a.decidedBy ?? '?'}>` })];
    case 'withdrawn':
      return [
        tr.with(PLAN_WORDS).t('plan.card.approval.withdrawn', {
          user: `<@${a.withdrawn?.by ?? '?'}>`,
          what: escapeMrkdwn(truncate(a.withdrawn?.what ?? '', 100)),
        }),
      ];
    default:
      return [tr.with(PLAN_WORDS).t('plan.card.approval.pending', { user: `<@${a.by}>` })];
  }
}

/** New migration in this plan; and Submit for approval, while it has planned migrations and no approval standing (the owner's, checked when pressed). */
export function approvalButtons(view: PlanView, tr: Translator): unknown[] {
  if (view.status === 'cancelled' || view.status === 'ended') return [];
  const planNew = {
    type: 'button',
    action_id: 'plan.newMigration',
    value: view.id,
    text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.newMigration') },
  };
  if (view.planned === 0) return [planNew];
  if (view.approval?.state === 'pending' || view.approval?.state === 'approved') return [planNew];
  return [
    planNew,
    {
      type: 'button',
      action_id: 'plan.submit',
      value: view.id,
      style: 'primary',
      text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.submit') },
    },
  ];
}
