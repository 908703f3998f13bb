import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { ApprovalRecord } from '../../approvals/approval-record.js';
import { createTarget, summarizeCreateRequest } from '../../approvals/create-request.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import type { RenderedMessage } from './error-message.js';
import { aboutDuration, formatBytes, formatCount } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

export const APPROVE_ACTION = 'approval.approve';
export const REJECT_ACTION = 'approval.reject';

/** `<!date^…>` shows each reader their own time zone; the fallback is UTC. */
export function slackDate(iso: string): string {
  const date = new Date(iso);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

function ref(record: ApprovalRecord): string {
  return code(`${record.connection}:${record.resourceId ?? ''}`);
}

/** One line saying how the request ended (or that it is still open). */
export function outcomeLine(record: ApprovalRecord): string {
  const by = record.decidedBy ? `<@${record.decidedBy}>` : 'someone';
  const at = record.decidedAt ? slackDate(record.decidedAt) : '';
  switch (record.status) {
    case 'pending':
      return `:hourglass_flowing_sand: Waiting for an approver · expires ${slackDate(record.expiresAt)}`;
    case 'approved':
      return record.resourceId
        ? `:white_check_mark: Approved by ${by} ${at} · created ${ref(record)}`
        : `:gear: Approved by ${by} ${at} · creating…`;
    case 'failed':
      if (record.failure?.outcomeUnknown) {
        return `:grey_question: Approved by ${by} ${at}; the provider took the request but did not say what it created. It may have been created: check before asking again.`;
      }
      return record.decidedBy
        ? `:x: Approved by ${by} ${at}, but creating failed. Nothing was created.`
        : ':x: This request could not be posted for approval. Nothing was created.';
    case 'rejected':
      return `:no_entry_sign: Rejected by ${by} ${at}. Nothing was created.`;
    case 'expired':
      return `:hourglass: Expired ${at} without a decision. Nothing was created.`;
  }
}

/** The provider's error, explained with the catalogue when it has a code. */
export function failureLines(failure: NonNullable<ApprovalRecord['failure']>): string[] {
  const lines = [`> ${escapeMrkdwn(truncate(failure.message, 500))}`];
  if (failure.errorCode) {
    const explained = explainForDisplay(failure.errorCode, failure.httpStatus);
    if (explained.known) {
      lines.push(`*What it means:* ${escapeMrkdwn(truncate(explained.description ?? explained.title, 600))}`);
      if (explained.solution) lines.push(`*Fix:* ${escapeMrkdwn(truncate(explained.solution, 600))}`);
    } else lines.push(escapeMrkdwn(explained.title));
  }
  if (failure.requestId) lines.push(`Provider request id ${code(failure.requestId)}`);
  return lines;
}

/**
 * The approval request: what will be created (provider, connection, kind, source → destination, key
 * options), by whom, when it expires, and Approve / Reject behind confirmations while it is pending.
 * Once decided, the buttons are gone and the message says who decided, when, and the outcome.
 */
export function renderApprovalRequest(record: ApprovalRecord): RenderedMessage {
  const target = createTarget(record.provider, record.kind);
  const summary = summarizeCreateRequest(record.provider, record.kind, record.request);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${record.status === 'pending' ? 'Approve' : 'Request'}: new ${target.label}`, 150),
      },
    },
  ];
  const intro = `<@${record.requester}> asks to create ${article(target.label)} *${escapeMrkdwn(target.label)}*${
    summary.name ? ` ${code(truncate(summary.name, 200))}` : ''
  } on ${code(record.connection)} (${escapeMrkdwn(record.provider)}).`;
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(intro, 3000) } });
  const fields: SectionBlock['fields'] = [
    { type: 'mrkdwn', text: truncate(`*Source*\n${escapeMrkdwn(summary.source)}`, 2000) },
    { type: 'mrkdwn', text: truncate(`*Destination*\n${escapeMrkdwn(summary.destination)}`, 2000) },
    ...summary.details.slice(0, 8).map((d) => ({
      type: 'mrkdwn' as const,
      text: truncate(`*${escapeMrkdwn(d.label)}*\n${escapeMrkdwn(d.value)}`, 2000),
    })),
  ];
  blocks.push({ type: 'section', fields });
  if (summary.objects) {
    const more = summary.objects.more > 0 ? `\n…and ${summary.objects.more} more` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*Objects and prefixes*\n${summary.objects.shown.map((o) => `• ${code(truncate(o, 200))}`).join('\n')}${more}`,
          3000,
        ),
      },
    });
  }
  const impact = impactLines(record.impact);
  if (impact)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Impact*\n${impact}`, 3000) } });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Request ${code(record.id)} · asked ${slackDate(record.createdAt)} in <#${record.channel}>${record.status === 'pending' ? ` · expires ${slackDate(record.expiresAt)}` : ''}`,
      },
    ],
  });
  if (record.status === 'pending') blocks.push(approvalButtons(record, target.label));
  else {
    const lines = [outcomeLine(record)];
    if (record.status === 'failed' && record.failure) lines.push(...failureLines(record.failure));
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
  }
  const text = `${record.status === 'pending' ? 'Approval needed' : 'Approval request'}: new ${target.label} on ${record.connection} asked by <@${record.requester}>. ${outcomeLine(record)}`;
  return { text: truncate(text, 3000), blocks };
}

function approvalButtons(record: ApprovalRecord, label: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: `approval:${record.id}`,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: record.id,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this migration?' },
          text: {
            type: 'plain_text',
            text: truncate(
              `The ${label} is created on ${record.connection} right away, with the connection's storage keys.`,
              300,
            ),
          },
          confirm: { type: 'plain_text', text: 'Approve and create' },
          deny: { type: 'plain_text', text: 'Back' },
        },
      },
      {
        type: 'button',
        action_id: REJECT_ACTION,
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: record.id,
        confirm: {
          title: { type: 'plain_text', text: 'Reject this request?' },
          text: { type: 'plain_text', text: 'Nothing is created, and the requester is told.' },
          confirm: { type: 'plain_text', text: 'Reject' },
          deny: { type: 'plain_text', text: 'Back' },
          style: 'danger',
        },
      },
    ],
  };
}

/** What the requester is told (ephemeral, in the channel where they asked). */
export function renderRequesterNotice(record: ApprovalRecord, approvalsChannel?: string): RenderedMessage {
  const target = createTarget(record.provider, record.kind);
  const what = `${target.label} on ${code(record.connection)}`;
  const id = code(record.id);
  const by = record.decidedBy ? `<@${record.decidedBy}>` : 'Someone';
  const lines: string[] = [];
  switch (record.status) {
    case 'pending':
      lines.push(
        `:inbox_tray: Your request ${id} for a new ${what} is waiting for an approver${
          approvalsChannel ? ` in <#${approvalsChannel}>` : ''
        }. It expires ${slackDate(record.expiresAt)}.`,
      );
      break;
    case 'approved':
      lines.push(
        record.resourceId
          ? `:white_check_mark: ${by} approved your request ${id}: the ${what} was created as ${ref(record)}.`
          : `:gear: ${by} approved your request ${id}; the ${what} is being created.`,
      );
      break;
    case 'failed':
      lines.push(
        record.failure?.outcomeUnknown
          ? `:grey_question: ${by} approved your request ${id}; the provider took it but did not say what it created. The ${what} may have been created: check before asking again.`
          : record.decidedBy
            ? `:x: ${by} approved your request ${id}, but creating the ${what} failed. Nothing was created.`
            : `:x: Your request for a new ${what} could not be posted for approval. Nothing was created.`,
      );
      if (record.failure) lines.push(...failureLines(record.failure));
      break;
    case 'rejected':
      lines.push(`:no_entry_sign: ${by} rejected your request ${id} for a new ${what}. Nothing was created.`);
      break;
    case 'expired':
      lines.push(
        `:hourglass: Your request ${id} for a new ${what} expired ${record.decidedAt ? slackDate(record.decidedAt) : ''} without a decision. Nothing was created; run \`/migrate create\` to ask again.`,
      );
      break;
  }
  const text = truncate(lines.join('\n'), 3000);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The line above the new resource's card. */
export function createdNotice(record: ApprovalRecord): string {
  return `:sparkles: Created from request ${code(record.id)} by <@${record.requester}>, approved by <@${record.decidedBy ?? 'unknown'}>`;
}

function article(label: string): string {
  return /^[AEIOU]/i.test(label) ? 'an' : 'a';
}

/** The request with the approvers' group mentioned first (a mention in the text is what notifies). */
export function withApproversPing<M extends { text: string; blocks?: KnownBlock[] }>(
  message: M,
  group?: string,
): M {
  if (!group) return message;
  const ping = `<!subteam^${group}> a migration waits for your approval.`;
  return {
    ...message,
    text: `${ping} ${message.text}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: ping }] }, ...(message.blocks ?? [])],
  };
}

/** "About 4 objects, 6.5 MiB under the 1 prefix" and the transfer time at the bandwidth limit. */
function impactLines(impact: ApprovalRecord['impact']): string | undefined {
  if (!impact) return undefined;
  const about = impact.complete ? 'About' : 'At least';
  const under = `${impact.prefixes} prefix${impact.prefixes === 1 ? '' : 'es'}`;
  const lines = [
    `${about} ${formatCount(impact.objects)} objects, ${formatBytes(impact.bytes)} under the ${under}${impact.complete ? '' : ' (the listing stopped early)'}.`,
  ];
  if (impact.bandwidth && impact.bytes > 0)
    lines.push(
      `Transfer time at its ${formatBytes(impact.bandwidth)}/s bandwidth limit: ${aboutDuration(impact.bytes / impact.bandwidth)}${impact.complete ? '' : ' or more'}.`,
    );
  return lines.join('\n');
}
