import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { planReportCsv } from './plan-csv.js';
import type { PlanView, ResourceLine } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/** The plan report: posted once when a plan ends, from the same view its card was drawn from. */
export interface PlanReport {
  kind: 'report';
  view: PlanView;
  /** Who signed the plan off; until then the report carries Sign off plan. */
  signedBy?: string;
  /** What they wrote when signing it off. */
  note?: string;
}

export const SIGN_OFF_PLAN = 'plan.signoff';

const sum = (lines: readonly ResourceLine[], pick: (l: ResourceLine) => number | undefined) =>
  lines.reduce((t, l) => t + (pick(l) ?? 0), 0);

/** The wave's verification results, when any of its migrations was verified. */
function verified(lines: readonly ResourceLine[], tr: Translator): string {
  const checked = lines.filter((l) => l.verification !== undefined);
  if (checked.length === 0) return '';
  return ` · ${tr.with(PLAN_WORDS).t('plan.report.verified', {
    matching: checked.filter((l) => l.verification === 'matches').length,
    mismatch: checked.filter((l) => l.verification === 'mismatch').length,
    unchecked: checked.filter((l) => l.verification === 'unchecked').length,
  })}`;
}

/** Per wave: how long it ran, what it moved, its failures, who signed it off; then the totals. */
export function renderPlanReport(report: PlanReport, tr: Translator): CapabilityRendered {
  const v = report.view;
  const title = tr
    .with(PLAN_WORDS)
    .t('plan.report.title', { name: escapeMrkdwn(truncate(v.name, 80)), id: code(v.id) });
  const waves = v.waves.map((w) => {
    // Each migration's own sign-off, and the plan's, which signs off every wave of it.
    const signers = [
      ...new Set(w.resources.flatMap((l) => (l.signedBy ? [`<@${l.signedBy}>`] : []))),
      ...(report.signedBy
        ? [tr.with(PLAN_WORDS).t('plan.report.planSigner', { user: `<@${report.signedBy}>` })]
        : []),
    ];
    const line = tr.with(PLAN_WORDS).t('plan.report.wave', {
      n: w.n,
      duration:
        w.openedAt !== undefined && w.doneAt !== undefined
          ? tr.duration((w.doneAt - w.openedAt) / 1000)
          : '—',
      succeeded: w.resources.filter((l) => l.state === 'succeeded').length,
      total: w.resources.length,
      failed: w.resources.filter((l) => l.state === 'failed').length,
      bytes: tr.bytes(sum(w.resources, (l) => l.bytes?.done)),
      objects: tr.count(sum(w.resources, (l) => l.objects?.done)),
      signed: signers.length > 0 ? signers.join(', ') : tr.with(PLAN_WORDS).t('plan.report.unsigned'),
    });
    return `${line}${verified(w.resources, tr)}`;
  });
  const t = v.totals;
  const totals = tr.with(PLAN_WORDS).t('plan.card.totals', {
    moved: tr.bytes(t.bytesDone),
    left: tr.bytes(t.bytesLeft),
    objectsMoved: tr.count(t.objectsDone),
    objectsLeft: tr.count(t.objectsLeft),
  });
  const safe = v.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  return {
    text: truncate(`${title} — ${totals}`, 3000),
    file: {
      filename: `plan-${v.id}-${safe}.csv`,
      title: tr.with(PLAN_WORDS).t('plan.report.csvTitle', { name: truncate(v.name, 80) }),
      text: planReportCsv(v),
    },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${title}\n${totals}`, 3000) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(waves.join('\n'), 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: tr.with(PLAN_WORDS).t('plan.report.csvNote') }] },
      report.signedBy
        ? {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: `${tr.with(PLAN_WORDS).t('plan.report.signed', { user: `<@${report.signedBy}>` })}${
                  report.note
                    ? tr
                        .with(PLAN_WORDS)
                        .t('plan.report.note', { note: escapeMrkdwn(truncate(report.note, 500)) })
                    : ''
                }`,
              },
            ],
          }
        : {
            type: 'actions',
            block_id: `plan-report:${v.id}`,
            elements: [
              {
                type: 'button',
                action_id: SIGN_OFF_PLAN,
                value: v.id,
                style: 'primary',
                text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.signoff') },
              },
            ],
          },
    ],
  };
}
