import type { ActionsBlock } from '@slack/types';
import type { Translator } from '../../../i18n/translator.js';
import { truncate } from '../../../slack/blocks/mrkdwn.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { APPROVAL_WORDS } from '../words.js';

/** The request message's (and the approver's direct message's) decision buttons. */
export const APPROVE_ACTION = 'approval.approve';
export const REJECT_ACTION = 'approval.reject';
/** Calls off the start of a request approved to start later (its requester or an admin). */
export const CANCEL_START_ACTION = 'approval.cancelStart';

/**
 * Approve (behind a confirmation) and Reject (which opens a modal asking why: the confirmation and
 * the reason in one step), on the request message, the approver's direct message and the Home tab alike.
 */
export function approvalButtons(
  record: ApprovalRecord,
  label: string,
  tr: Translator,
  actions: { approve: string; reject: string },
): ActionsBlock {
  const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: truncate(text, max) });
  const words = tr.with(APPROVAL_WORDS);
  // Several approvers and this click not the last: it counts one vote and creates nothing yet.
  const needed = record.needs?.approvers ?? 1;
  const count = (record.votes?.length ?? 0) + 1;
  const vote = count < needed;
  const confirmText = vote
    ? words.t('approval.approve.textVote', {
        count,
        n: needed,
        more: needed - count,
        label,
        connection: record.connection,
      })
    : words.t(record.startAt ? 'approval.approve.textLater' : 'approval.approve.text', {
        label,
        connection: record.connection,
      });
  return {
    type: 'actions',
    block_id: `approval:${record.id}`,
    elements: [
      {
        type: 'button',
        action_id: actions.approve,
        text: plain(tr.with(APPROVAL_WORDS).t('approval.approve')),
        style: 'primary',
        value: record.id,
        confirm: {
          title: plain(tr.with(APPROVAL_WORDS).t('approval.approve.title'), 100),
          // With a start time, or another approval still needed, it creates nothing yet: said here.
          text: plain(confirmText, 300),
          confirm: plain(
            vote
              ? words.t('approval.approve.confirmVote', { count, n: needed })
              : words.t('approval.approve.confirm'),
            30,
          ),
          deny: plain(tr.with(APPROVAL_WORDS).t('approval.back'), 30),
        },
      },
      {
        type: 'button',
        action_id: actions.reject,
        text: plain(tr.with(APPROVAL_WORDS).t('approval.reject')),
        style: 'danger',
        value: record.id,
      },
    ],
  };
}

/** "Cancel start" (behind a confirmation) on a request approved to start later. */
export function cancelStartButtons(record: ApprovalRecord, tr: Translator, action: string): ActionsBlock {
  const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: truncate(text, max) });
  return {
    type: 'actions',
    block_id: `approval-start:${record.id}`,
    elements: [
      {
        type: 'button',
        action_id: action,
        text: plain(tr.with(APPROVAL_WORDS).t('approval.cancelStart')),
        value: record.id,
        confirm: {
          title: plain(tr.with(APPROVAL_WORDS).t('approval.cancelStart.title'), 100),
          text: plain(
            tr.with(APPROVAL_WORDS).t('approval.cancelStart.text', { connection: record.connection }),
            300,
          ),
          confirm: plain(tr.with(APPROVAL_WORDS).t('approval.cancelStart.confirm'), 30),
          deny: plain(tr.with(APPROVAL_WORDS).t('approval.back'), 30),
        },
      },
    ],
  };
}
