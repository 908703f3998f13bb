import type { KnownBlock } from '@slack/types';
import type { CreateFormPart } from '../../contract/create-form.js';
import type { Translator } from '../../i18n/translator.js';
import { plain } from '../../slack/blocks/create/modal-kit.js';
import { startFromForm, startInputs } from './start-at.js';
import { APPROVAL_WORDS } from './words.js';

/** The form's "Check against policy" button (a dry run of the rules on the values as typed). */
export const POLICY_CHECK_ACTION = 'migrate_create.policy_check';

/**
 * What the approvals add to every create form: the optional "Start at" (a scheduled start, read
 * with the provider's fields so every problem shows at once) and "Check against policy" under the
 * inputs (`listeners/policy-check.ts`). A filled form goes for approval; they take none themselves.
 */
export function approvalsForm(): CreateFormPart {
  return {
    fields: (tr, values, form) => startInputs(form.zone, values, tr),
    actions: (tr) => [policyCheckBlock(tr)],
    read: (values, form) => {
      const start = startFromForm(values, form.zone, form.now, form.tr);
      return { errors: start.errors, ...(start.startAt ? { request: { startAt: start.startAt } } : {}) };
    },
  };
}

function policyCheckBlock(tr: Translator): KnownBlock {
  return {
    type: 'actions',
    block_id: 'policy_check',
    elements: [
      {
        type: 'button',
        action_id: POLICY_CHECK_ACTION,
        text: plain(tr.with(APPROVAL_WORDS).t('approval.policyCheck.button'), 75),
      },
    ],
  };
}
