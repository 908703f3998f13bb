import type { KnownBlock, SectionBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { createTarget, summarizeCreateRequest } from '../../../providers/create-request.js';
import type { RenderedMessage } from '../../../slack/blocks/error-message.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import { FormWords } from '../../../slack/blocks/provider-words.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { awaitingStart } from '../scheduled-start.js';
import { APPROVAL_WORDS } from '../words.js';
import {
  APPROVE_ACTION,
  approvalButtons,
  CANCEL_START_ACTION,
  cancelStartButtons,
  REJECT_ACTION,
} from './approval-buttons.js';
import { preflightLines } from './approval-preflight.js';
import { outcomeReason } from './approval-reason.js';
import {
  failureLines,
  needsLines,
  outcomeLine,
  requesterWords,
  targetLabel,
  when,
} from './approval-words.js';
import { rerunLine } from './rerun-line.js';

export { APPROVE_ACTION, approvalButtons, CANCEL_START_ACTION, REJECT_ACTION } from './approval-buttons.js';
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
        text: truncate(
          tr
            .with(APPROVAL_WORDS)
            .t(pending ? 'approval.header.pending' : 'approval.header.decided', { label }),
          150,
        ),
      },
    },
  ];
  // English alone has articles ("an OMS task"): other languages get the kind as is.
  const bold = `*${escapeMrkdwn(label)}*`;
  const intro = tr.with(APPROVAL_WORDS).t('approval.intro', {
    requester: requesterWords(record, tr),
    what: tr.locale === 'en' ? `${article(label)} ${bold}` : bold,
    name: summary.name ? ` ${code(truncate(summary.name, 200))}` : '',
    connection: code(record.connection),
    provider: escapeMrkdwn(record.provider),
  });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(intro, 3000) } });
  // A delta run says which run it follows and what it takes from it.
  if (record.rerun)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(rerunLine(record.rerun, record.provider, tr), 3000) },
    });
  // A workflow's author chose what it asks for; the person running it is only the requester of record.
  if (record.workflowStep)
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            tr.with(APPROVAL_WORDS).t('approval.viaWorkflow', { requester: requesterWords(record, tr) }),
            3000,
          ),
        },
      ],
    });
  const field = (name: string, value: string) => ({
    type: 'mrkdwn' as const,
    text: truncate(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, 2000),
  });
  const fields: SectionBlock['fields'] = [
    field(tr.with(APPROVAL_WORDS).t('approval.source'), summary.source),
    field(tr.with(APPROVAL_WORDS).t('approval.destination'), summary.destination),
    ...summary.details
      .slice(0, 8)
      .map((d) => field(words.summaryLabel(d.label), words.summaryValue(d.value))),
  ];
  blocks.push({ type: 'section', fields });
  if (summary.objects) {
    const more =
      summary.objects.more > 0
        ? `\n${tr.with(APPROVAL_WORDS).t('approval.objects.more', { n: summary.objects.more })}`
        : '';
    const listed = summary.objects.shown.map((o) => `• ${code(truncate(o, 200))}`).join('\n');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`*${tr.with(APPROVAL_WORDS).t('approval.objects')}*\n${listed}${more}`, 3000),
      },
    });
  }
  const preflight = preflightLines(record, tr);
  if (preflight.length > 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`*${tr.with(APPROVAL_WORDS).t('approval.preflight')}*\n${preflight.join('\n')}`, 3000),
      },
    });
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: tr.with(APPROVAL_WORDS).t('approval.preflight.source', { at: when(record.createdAt, tr) }),
        },
      ],
    });
  }
  const context =
    tr.with(APPROVAL_WORDS).t('approval.context', {
      id: code(record.id),
      at: when(record.createdAt, tr),
      channel: `<#${record.channel}>`,
    }) +
    (pending
      ? tr.with(APPROVAL_WORDS).t('approval.context.expires', { at: when(record.expiresAt, tr) })
      : '') +
    (record.startAt
      ? tr.with(APPROVAL_WORDS).t('approval.context.start', { at: when(record.startAt, tr) })
      : '');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  const needs = needsLines(record, tr);
  if (needs) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(needs, 3000) } });
  if (pending)
    blocks.push(approvalButtons(record, label, tr, { approve: APPROVE_ACTION, reject: REJECT_ACTION }));
  else {
    const lines = [outcomeLine(record, tr)];
    if (record.status === 'failed' && record.failure) lines.push(...failureLines(record.failure, tr));
    // A rejection says why, as the approver typed it, where the channel sees who rejected it.
    const reason = outcomeReason(record, tr);
    if (reason) lines.push(reason.label);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
    if (reason) blocks.push(reason.block);
    // Approved to start later: its requester or an admin can still call it off here.
    if (awaitingStart(record)) blocks.push(cancelStartButtons(record, tr, CANCEL_START_ACTION));
  }
  const text = tr.with(APPROVAL_WORDS).t(pending ? 'approval.text.pending' : 'approval.text.decided', {
    label,
    connection: record.connection,
    requester: requesterWords(record, tr),
    outcome: outcomeLine(record, tr),
  });
  return { text: truncate(text, 3000), blocks };
}

function article(label: string): string {
  return /^[AEIOU]/i.test(label) ? 'an' : 'a';
}
