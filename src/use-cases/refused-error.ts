import type { Refusal } from '../contract/gate.js';
import { ForbiddenError } from '../errors.js';
import type { MessageKey } from '../i18n/english.js';
import { english } from '../i18n/english.js';

/** The refusal as the error the requester (or approver) is shown, in their language. */
export function refusedError(refusal: Refusal): ForbiddenError {
  const error = new ForbiddenError(english(refusal.key as MessageKey, refusal.values));
  error.localized = { key: refusal.key, values: refusal.values };
  return error;
}
