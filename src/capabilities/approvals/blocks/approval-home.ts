import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { code, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { awaitingStart } from '../scheduled-start.js';
import { APPROVAL_WORDS } from '../words.js';
import { cancelStartButtons } from './approval-buttons.js';
import { requestLink } from './approval-notices.js';
import { preflightBrief } from './approval-preflight.js';
import { approvalButtons } from './approval-request.js';
import { outcomeLine, requesterWords, targetLabel, when } from './approval-words.js';

export const HOME_APPROVE_ACTION = 'approval.home.approve';
export const HOME_REJECT_ACTION = 'approval.home.reject';
export const HOME_CANCEL_START_ACTION = 'approval.home.cancelStart';

/** Requests shown with buttons on one Home tab (two blocks each: the tab holds at most 100). */
export const HOME_APPROVAL_ROWS = 5;

/** A pending request as one viewer's Home tab shows it. */
export interface PendingApprovalRow {
  record: ApprovalRecord;
  /** The viewer asked for it: shown as theirs, without buttons (nobody approves their own). */
  mine: boolean;
}

/**
 * "Waiting for your approval": each request the viewer may decide, by its title and linked to its
 * message, with Approve and Reject (the same service and checks as the message's buttons); then
 * the viewer's own requests still waiting. Nothing at all when neither has any.
 */
export function pendingApprovalBlocks(
  rows: readonly PendingApprovalRow[],
  tr: Translator = ENGLISH,
): KnownBlock[] {
  // Approved to start later: listed apart, each with its state and Cancel start.
  const later = rows.filter((r) => awaitingStart(r.record));
  const theirs = rows.filter((r) => !r.mine && !awaitingStart(r.record));
  const mine = rows.filter((r) => r.mine && !awaitingStart(r.record));
  const blocks: KnownBlock[] = [];
  if (theirs.length > 0) {
    blocks.push(
      { type: 'divider' },
      heading(`:inbox_tray: *${tr.with(APPROVAL_WORDS).t('approval.home.waitingYou')}* (${theirs.length})`),
    );
    for (const { record } of theirs.slice(0, HOME_APPROVAL_ROWS)) {
      blocks.push(requestRow(record, tr), {
        ...approvalButtons(record, targetLabel(record, tr), tr, {
          approve: HOME_APPROVE_ACTION,
          reject: HOME_REJECT_ACTION,
        }),
        block_id: `home-approval:${record.id}`,
      });
    }
    const more = theirs.length - HOME_APPROVAL_ROWS;
    if (more > 0)
      blocks.push({
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: tr.with(APPROVAL_WORDS).t('approval.home.waitingMore', { n: more }) },
        ],
      });
  }
  if (mine.length > 0) {
    blocks.push(
      { type: 'divider' },
      heading(`*${tr.with(APPROVAL_WORDS).t('approval.home.waitingMine')}* (${mine.length})`),
    );
    blocks.push(...mine.slice(0, HOME_APPROVAL_ROWS).map((r) => requestRow(r.record, tr)));
  }
  if (later.length > 0) {
    blocks.push(
      { type: 'divider' },
      heading(
        `:alarm_clock: *${tr.with(APPROVAL_WORDS).t('approval.home.startingLater')}* (${later.length})`,
      ),
    );
    for (const { record } of later.slice(0, HOME_APPROVAL_ROWS)) {
      blocks.push(startingRow(record, tr), {
        ...cancelStartButtons(record, tr, HOME_CANCEL_START_ACTION),
        block_id: `home-approval-start:${record.id}`,
      });
    }
  }
  return blocks;
}

function heading(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

/** Title (linked) on the first line; what, where, who and until when on the second: short lines for a phone. */
function requestRow(record: ApprovalRecord, tr: Translator): KnownBlock {
  const what = tr.with(APPROVAL_WORDS).t('approval.notice.what', {
    label: targetLabel(record, tr),
    connection: code(record.connection),
  });
  const detail = tr.with(APPROVAL_WORDS).t('approval.home.approvalRow', {
    what,
    requester: requesterWords(record, tr),
    at: when(record.expiresAt, tr),
  });
  const brief = preflightBrief(record, tr);
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: truncate(`*${requestLink(record, tr)}*\n${detail}${brief ? `\n${brief}` : ''}`, 3000),
    },
  };
}

/** A request approved to start later: its title, what and where, and the state the renderer says. */
function startingRow(record: ApprovalRecord, tr: Translator): KnownBlock {
  const what = tr.with(APPROVAL_WORDS).t('approval.notice.what', {
    label: targetLabel(record, tr),
    connection: code(record.connection),
  });
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: truncate(`*${requestLink(record, tr)}* · ${what}\n${outcomeLine(record, tr)}`, 3000),
    },
  };
}
