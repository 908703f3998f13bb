import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { code, truncate } from '../../../slack/blocks/mrkdwn.js';
import { type ApprovalRecord, REASON_MAX } from '../../shared/approval-record.js';
import { APPROVAL_WORDS } from '../words.js';
import { requestLink } from './approval-notices.js';
import { requesterWords, targetLabel } from './approval-words.js';

export const REJECT_REASON_VIEW = 'approval.reject.reason';
export const REASON_BLOCK = 'reason';
export const REASON_ACTION = 'reason';

/**
 * What the reject modal carries to its submission: the request, the channel whose approvers decide
 * it, and where the click came from (the request message is answered with an ephemeral there; the
 * Home tab is redrawn).
 */
const metadataSchema = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{10}$/),
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,30}$/),
  from: z.enum(['message', 'home']),
});
export type RejectMetadata = z.infer<typeof metadataSchema>;

export function decodeRejectMetadata(raw: string | undefined): RejectMetadata {
  return metadataSchema.parse(JSON.parse(raw ?? ''));
}

/** The modal Reject opens: what is rejected, and a reason the requester will read (required). */
export function renderRejectModal(
  record: ApprovalRecord,
  meta: RejectMetadata,
  tr: Translator = ENGLISH,
): ModalView {
  const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: truncate(text, max) });
  const what = tr.with(APPROVAL_WORDS).t('approval.notice.what', {
    label: targetLabel(record, tr),
    connection: code(record.connection),
  });
  return {
    type: 'modal',
    callback_id: REJECT_REASON_VIEW,
    private_metadata: JSON.stringify(meta),
    title: plain(tr.with(APPROVAL_WORDS).t('approval.rejectModal.title'), 24),
    submit: plain(tr.with(APPROVAL_WORDS).t('approval.reject'), 24),
    close: plain(tr.with(APPROVAL_WORDS).t('approval.back'), 24),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            tr.with(APPROVAL_WORDS).t('approval.rejectModal.intro', {
              request: requestLink(record, tr),
              what,
              requester: requesterWords(record, tr),
            }),
            3000,
          ),
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain(tr.with(APPROVAL_WORDS).t('approval.rejectModal.label'), 2000),
        hint: plain(tr.with(APPROVAL_WORDS).t('approval.rejectModal.hint'), 2000),
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: plain(tr.with(APPROVAL_WORDS).t('approval.rejectModal.placeholder'), 150),
        },
      },
    ],
  };
}
