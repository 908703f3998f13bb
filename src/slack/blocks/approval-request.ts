import type { KnownBlock, SectionBlock } from '@slack/types';
import type { ApprovalRecord } from '../../approvals/approval-record.js';
import { createTarget, summarizeCreateRequest } from '../../approvals/create-request.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { APPROVE_ACTION, approvalButtons, REJECT_ACTION } from './approval-buttons.js';
import { failureLines, outcomeLine, targetLabel, when } from './approval-words.js';
import type { RenderedMessage } from './error-message.js';
import { aboutDuration, formatBytes, formatCount } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { FormWords } from './provider-words.js';

export { APPROVE_ACTION, approvalButtons, REJECT_ACTION } from './approval-buttons.js';
export { createdNotice, renderRequesterNotice, withApproversPing } from './approval-notices.js';
export { failureLines, outcomeLine, slackDate } from './approval-words.js';

/**
 * The approval request, in the approvals channel's language: what will be created (provider,
 * connection, kind, source → destination, key options), by whom, when it expires, and Approve /
 * Reject behind confirmations while it is pending. Once decided, the buttons are gone and the
 * message says who decided, when, and the outcome. Names, buckets and ids are never translated.
 */
export function renderApprovalRequest(record: ApprovalRecord, tr: Translator = ENGLISH): RenderedMessage {
  const words = new FormWords(tr, createTarget(record.provider, record.kind));
  const label = targetLabel(record, tr);
  const summary = summarizeCreateRequest(record.provider, record.kind, record.request);
  const pending = record.status === 'pending';
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(tr.t(pending ? 'approval.header.pending' : 'approval.header.decided', { label }), 150),
      },
    },
  ];
  // English alone has articles ("an OMS task"): other languages get the kind as is.
  const bold = `*${escapeMrkdwn(label)}*`;
  const intro = tr.t('approval.intro', {
    requester: `<@${record.requester}>`,
    what: tr.locale === 'en' ? `${article(label)} ${bold}` : bold,
    name: summary.name ? ` ${code(truncate(summary.name, 200))}` : '',
    connection: code(record.connection),
    provider: escapeMrkdwn(record.provider),
  });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(intro, 3000) } });
  // A workflow's author chose what it asks for; the person running it is only the requester of record.
  if (record.workflowStep)
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(tr.t('approval.viaWorkflow', { requester: `<@${record.requester}>` }), 3000),
        },
      ],
    });
  const field = (name: string, value: string) => ({
    type: 'mrkdwn' as const,
    text: truncate(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, 2000),
  });
  const fields: SectionBlock['fields'] = [
    field(tr.t('approval.source'), summary.source),
    field(tr.t('approval.destination'), summary.destination),
    ...summary.details
      .slice(0, 8)
      .map((d) => field(words.summaryLabel(d.label), words.summaryValue(d.value))),
  ];
  blocks.push({ type: 'section', fields });
  if (summary.objects) {
    const more =
      summary.objects.more > 0 ? `\n${tr.t('approval.objects.more', { n: summary.objects.more })}` : '';
    const listed = summary.objects.shown.map((o) => `• ${code(truncate(o, 200))}`).join('\n');
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*${tr.t('approval.objects')}*\n${listed}${more}`, 3000) },
    });
  }
  const impact = impactLines(record.impact, tr);
  if (impact)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*${tr.t('approval.impact')}*\n${impact}`, 3000) },
    });
  const context =
    tr.t('approval.context', {
      id: code(record.id),
      at: when(record.createdAt, tr),
      channel: `<#${record.channel}>`,
    }) + (pending ? tr.t('approval.context.expires', { at: when(record.expiresAt, tr) }) : '');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  if (pending)
    blocks.push(approvalButtons(record, label, tr, { approve: APPROVE_ACTION, reject: REJECT_ACTION }));
  else {
    const lines = [outcomeLine(record, tr)];
    if (record.status === 'failed' && record.failure) lines.push(...failureLines(record.failure, tr));
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
  }
  const text = tr.t(pending ? 'approval.text.pending' : 'approval.text.decided', {
    label,
    connection: record.connection,
    requester: `<@${record.requester}>`,
    outcome: outcomeLine(record, tr),
  });
  return { text: truncate(text, 3000), blocks };
}

function article(label: string): string {
  return /^[AEIOU]/i.test(label) ? 'an' : 'a';
}

/** "About 4 objects, 6.5 MiB under the 1 prefix" and the transfer time at the bandwidth limit. */
function impactLines(impact: ApprovalRecord['impact'], tr: Translator): string | undefined {
  if (!impact) return undefined;
  // English keeps its historical figures ("about 1 days" included); others use their translator's.
  const en = tr.locale === 'en';
  const under = tr.t(impact.prefixes === 1 ? 'approval.impact.prefix' : 'approval.impact.prefixes', {
    n: String(impact.prefixes),
  });
  const lines = [
    tr.t(impact.complete ? 'approval.impact.about' : 'approval.impact.atLeast', {
      objects: en ? formatCount(impact.objects) : tr.count(impact.objects),
      bytes: formatBytes(impact.bytes),
      under,
    }),
  ];
  if (impact.bandwidth && impact.bytes > 0) {
    const seconds = impact.bytes / impact.bandwidth;
    lines.push(
      tr.t(impact.complete ? 'approval.impact.transfer' : 'approval.impact.transferAtLeast', {
        rate: formatBytes(impact.bandwidth),
        duration: en ? aboutDuration(seconds) : tr.about(seconds),
      }),
    );
  }
  return lines.join('\n');
}
