import type { ApprovalRecord } from '../shared/approval-record.js';

/**
 * What the audit says of a request besides its action: the API token it came through (its
 * requester is the token's maker) and the change ticket a rule required, so the log alone shows
 * what the request and its approvers' view showed.
 */
export function requestDetail(
  base: string | undefined,
  record: Pick<ApprovalRecord, 'viaToken' | 'needs' | 'ticket'>,
): string | undefined {
  const parts = [
    ...(base ? [base] : []),
    ...(record.viaToken ? [`through API token ${record.viaToken}`] : []),
    ...((record.ticket ?? record.needs?.ticket)
      ? [`change ticket ${record.ticket ?? record.needs?.ticket}`]
      : []),
  ];
  return parts.length > 0 ? parts.join('; ').slice(0, 500) : undefined;
}

/** `requestDetail` as an audit entry's field, absent when there is nothing to say. */
export function auditDetail(
  base: string | undefined,
  record: Pick<ApprovalRecord, 'viaToken' | 'needs' | 'ticket'>,
): { detail?: string } {
  const detail = requestDetail(base, record);
  return detail ? { detail } : {};
}
