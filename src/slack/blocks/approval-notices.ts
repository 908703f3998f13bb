import type { KnownBlock } from '@slack/types';
import type { ApprovalRecord } from '../../approvals/approval-record.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { failureLines, ref, targetLabel, when } from './approval-words.js';
import type { RenderedMessage } from './error-message.js';
import { code, truncate } from './mrkdwn.js';

/**
 * What the requester is told, in their own language: "sent for approval" where they asked, and the
 * decision as a direct message. The provider's message and every id stay as they are.
 */
export function renderRequesterNotice(
  record: ApprovalRecord,
  approvalsChannel?: string,
  tr: Translator = ENGLISH,
): RenderedMessage {
  const what = tr.t('approval.notice.what', {
    label: targetLabel(record, tr),
    connection: code(record.connection),
  });
  const id = code(record.id);
  const by = record.decidedBy ? `<@${record.decidedBy}>` : tr.t('approval.Someone');
  const lines: string[] = [];
  switch (record.status) {
    case 'pending':
      lines.push(
        approvalsChannel
          ? tr.t('approval.notice.pending', {
              id,
              what,
              channel: `<#${approvalsChannel}>`,
              at: when(record.expiresAt, tr),
            })
          : tr.t('approval.notice.pendingNoChannel', { id, what, at: when(record.expiresAt, tr) }),
      );
      break;
    case 'approved':
      lines.push(
        record.resourceId
          ? tr.t('approval.notice.created', { by, id, what, ref: ref(record) })
          : tr.t('approval.notice.creating', { by, id, what }),
      );
      break;
    case 'failed':
      lines.push(
        record.failure?.outcomeUnknown
          ? tr.t('approval.notice.unknown', { by, id, what })
          : record.decidedBy
            ? tr.t('approval.notice.failed', { by, id, what })
            : tr.t('approval.notice.notPosted', { what }),
      );
      if (record.failure) lines.push(...failureLines(record.failure, tr));
      break;
    case 'rejected':
      lines.push(tr.t('approval.notice.rejected', { by, id, what }));
      break;
    case 'expired':
      lines.push(
        tr.t('approval.notice.expired', {
          id,
          what,
          at: record.decidedAt ? when(record.decidedAt, tr) : '',
        }),
      );
      break;
  }
  const text = truncate(lines.join('\n'), 3000);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The line above the new resource's card (in the channel's language). */
export function createdNotice(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  return tr.t('approval.created', {
    id: code(record.id),
    requester: `<@${record.requester}>`,
    approver: `<@${record.decidedBy ?? 'unknown'}>`,
  });
}

/** The request with the approvers' group mentioned first (a mention in the text is what notifies). */
export function withApproversPing<M extends { text: string; blocks?: KnownBlock[] }>(
  message: M,
  group?: string,
  tr: Translator = ENGLISH,
): M {
  if (!group) return message;
  const ping = tr.t('approval.ping', { group: `<!subteam^${group}>` });
  return {
    ...message,
    text: `${ping} ${message.text}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: ping }] }, ...(message.blocks ?? [])],
  };
}
