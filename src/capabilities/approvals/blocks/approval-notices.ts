import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { summarizeCreateRequest } from '../../../providers/create-request.js';
import type { RenderedMessage } from '../../../slack/blocks/error-message.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { awaitingStart, startBeforeRestore, startedLate, startInterrupted } from '../scheduled-start.js';
import { APPROVAL_WORDS } from '../words.js';
import { APPROVE_ACTION, approvalButtons, REJECT_ACTION } from './approval-buttons.js';
import { preflightBrief } from './approval-preflight.js';
import { outcomeReason } from './approval-reason.js';
import {
  failureLines,
  lateLine,
  needsLines,
  outcomeLine,
  ref,
  requesterWords,
  targetLabel,
  when,
} from './approval-words.js';

/** The title the requester typed (the OMS description, the UpCloud or NCP name), when they typed one. */
export function requestTitle(record: ApprovalRecord): string | undefined {
  const name = summarizeCreateRequest(record.provider, record.kind, record.request).name?.trim();
  return name || undefined;
}

/**
 * The request by the name its requester gave it, linked to the request message when Slack gave its
 * link: `<https://…|“Q4 photo backfill”>`. Never the hex id, which nobody remembers.
 */
export function requestLink(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  const title = requestTitle(record);
  // A link's text cannot hold `|` (it ends the URL part) or raw `<>&`: escaped, and `|` as a look-alike.
  const text = title
    ? `“${escapeMrkdwn(truncate(title, 80)).replaceAll('|', '¦')}”`
    : tr.with(APPROVAL_WORDS).t('approval.notice.untitled');
  const url = record.message?.permalink;
  return url ? `<${url}|${text}>` : text;
}

/**
 * What the requester is told, in their own language: "sent for approval" where they asked, and the
 * decision as a direct message. The provider's message and every id stay as they are.
 */
export function renderRequesterNotice(
  record: ApprovalRecord,
  approvalsChannel?: string,
  tr: Translator = ENGLISH,
): RenderedMessage {
  const what = tr.with(APPROVAL_WORDS).t('approval.notice.what', {
    label: targetLabel(record, tr),
    connection: code(record.connection),
  });
  const request = requestLink(record, tr);
  const by = record.decidedBy ? `<@${record.decidedBy}>` : tr.with(APPROVAL_WORDS).t('approval.Someone');
  const lines: string[] = [];
  switch (record.status) {
    case 'pending':
      lines.push(
        approvalsChannel
          ? tr.with(APPROVAL_WORDS).t('approval.notice.pending', {
              request,
              what,
              channel: `<#${approvalsChannel}>`,
              at: when(record.expiresAt, tr),
            })
          : tr
              .with(APPROVAL_WORDS)
              .t('approval.notice.pendingNoChannel', { request, what, at: when(record.expiresAt, tr) }),
      );
      break;
    case 'approved':
      if (record.resourceId) {
        lines.push(
          tr.with(APPROVAL_WORDS).t('approval.notice.created', { by, request, what, ref: ref(record) }),
        );
        if (startedLate(record)) lines.push(lateLine(record, tr));
      } else if (awaitingStart(record) && record.startAt)
        lines.push(
          tr
            .with(APPROVAL_WORDS)
            .t('approval.notice.scheduled', { by, request, what, start: when(record.startAt, tr) }),
        );
      else lines.push(tr.with(APPROVAL_WORDS).t('approval.notice.creating', { by, request, what }));
      break;
    case 'cancelled':
      lines.push(
        tr.with(APPROVAL_WORDS).t('approval.notice.cancelled', {
          by: record.cancelledBy ? `<@${record.cancelledBy}>` : tr.with(APPROVAL_WORDS).t('approval.Someone'),
          request,
          what,
        }),
      );
      break;
    case 'failed':
      lines.push(
        startInterrupted(record)
          ? tr.with(APPROVAL_WORDS).t('approval.notice.interrupted', { by, request, what })
          : startBeforeRestore(record)
            ? tr.with(APPROVAL_WORDS).t('approval.notice.restored', { by, request, what })
            : record.failure?.outcomeUnknown
              ? tr.with(APPROVAL_WORDS).t('approval.notice.unknown', { by, request, what })
              : record.decidedBy
                ? tr.with(APPROVAL_WORDS).t('approval.notice.failed', { by, request, what })
                : tr.with(APPROVAL_WORDS).t('approval.notice.notPosted', { what }),
      );
      if (record.failure) lines.push(...failureLines(record.failure, tr));
      break;
    case 'rejected':
      lines.push(tr.with(APPROVAL_WORDS).t('approval.notice.rejected', { by, request, what }));
      break;
    case 'expired':
      lines.push(
        tr.with(APPROVAL_WORDS).t('approval.notice.expired', {
          request,
          what,
          at: record.decidedAt ? when(record.decidedAt, tr) : '',
        }),
      );
      break;
  }
  const decided = truncate(lines.join('\n'), 3000);
  const reason = outcomeReason(record, tr);
  if (!reason)
    return { text: decided, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: decided } }] };
  // "Their reason:" ends the decision's lines; the reason follows in a block of its own, as typed.
  return {
    text: truncate(`${decided}\n${reason.label}${reason.fallback}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${decided}\n${reason.label}`, 3000) } },
      reason.block,
    ],
  };
}

/**
 * The direct message an approver gets when a request is made (in their language): who asks for
 * what, by its title, with the link to the request and where else to decide (their Home tab), and
 * the request's own Approve and Reject, so it can be decided where they were told of it (the same
 * service and policy decide: `approvalScope`, never the conversation the button is in).
 */
export function renderApproverNotice(
  record: ApprovalRecord,
  tr: Translator = ENGLISH,
  viewer?: string,
): RenderedMessage {
  const pending = record.status === 'pending';
  // Once decided, what it asked in the past tense and how it ended, with no buttons.
  const asked = tr.with(APPROVAL_WORDS).t(pending ? 'approval.dm.ask' : 'approval.dm.asked', {
    requester: requesterWords(record, tr),
    request: requestLink(record, tr),
    what: tr.with(APPROVAL_WORDS).t('approval.notice.what', {
      label: targetLabel(record, tr),
      connection: code(record.connection),
    }),
    at: when(record.expiresAt, tr),
  });
  const reason = outcomeReason(record, tr);
  const ended = `${asked}\n${outcomeLine(record, tr)}`;
  const text = truncate(
    pending ? asked : `${ended}${reason ? `\n${reason.label}${reason.fallback}` : ''}`,
    3000,
  );
  if (!pending && reason) {
    const said = truncate(`${ended}\n${reason.label}`, 3000);
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: said } }, reason.block] };
  }
  if (!pending) return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  // What the pre-flight found, in one line: the full figures are on the request it links to.
  const brief = preflightBrief(record, tr);
  // Several approvers: how many, and whose are in, so nobody takes theirs for the decision.
  const needs = needsLines(record, tr);
  // Theirs is counted: no Approve that would only say so again; Reject stays theirs to press.
  const voted = viewer !== undefined && (record.votes ?? []).some((v) => v.by === viewer);
  const more = (record.needs?.approvers ?? 1) - (record.votes?.length ?? 0);
  const mine = voted ? tr.with(APPROVAL_WORDS).t('approval.dm.voted', { more }) : '';
  const shown = truncate([text, needs, mine, brief].filter(Boolean).join('\n'), 3000);
  const section: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: shown } };
  const buttons = approvalButtons(record, targetLabel(record, tr), tr, {
    approve: APPROVE_ACTION,
    reject: REJECT_ACTION,
  });
  if (voted)
    buttons.elements = buttons.elements.filter((e) => 'action_id' in e && e.action_id === REJECT_ACTION);
  return { text, blocks: [section, buttons] };
}

/** The line above the new resource's card (in the channel's language). */
export function createdNotice(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  return tr.with(APPROVAL_WORDS).t('approval.created', {
    id: code(record.id),
    requester: requesterWords(record, tr),
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
  const ping = tr.with(APPROVAL_WORDS).t('approval.ping', { group: `<!subteam^${group}>` });
  return {
    ...message,
    text: `${ping} ${message.text}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: ping }] }, ...(message.blocks ?? [])],
  };
}
