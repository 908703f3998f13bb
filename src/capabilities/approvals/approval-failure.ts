import {
  asAppError,
  ErrorCode,
  ForbiddenError,
  type LocalizedMessage,
  NotFoundError,
  OutcomeUnknownError,
  ProviderError,
} from '../../errors.js';
import type { SecretRegistry } from '../../secrets.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { APPROVAL_WORDS } from './words.js';

/** A message key kept with the failure, its values scrubbed and bounded like the message. */
function shownKey(said: LocalizedMessage): LocalizedMessage {
  const values = Object.fromEntries(
    Object.entries(said.values ?? {}).map(([k, v]) => [
      k.slice(0, 40),
      typeof v === 'string' ? v.slice(0, 200) : v,
    ]),
  );
  return { key: said.key.slice(0, 100), ...(said.values ? { values } : {}) };
}

/** Network failures in which the request never left: nothing can have been created. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a create that failed may still have created something. A create is sent once (POST is
 * never retried), so when the request reached the provider and no answer refused it (the answer
 * timed out, the connection dropped after sending, a 5xx such as NCP's 504 Endpoint Timeout), the
 * resource may exist; asking again could make a second one (UpCloud job names are not unique).
 * A 4xx or 429 is a refusal, and a connection that never opened sent nothing.
 */
export function mayHaveCreated(error: unknown): boolean {
  if (error instanceof OutcomeUnknownError) return true;
  if (!(error instanceof ProviderError) || error.code !== ErrorCode.ProviderUnavailable) return false;
  if (error.httpStatus !== undefined) return error.httpStatus >= 500;
  const cause = error.cause as { code?: unknown } | undefined;
  return !(typeof cause?.code === 'string' && NEVER_SENT.has(cause.code));
}

/**
 * What the requester's workspace is shown of a failure: its own secrets and the bot's masked.
 * `creating`: the failure is the create call's, so one that may have created something says so.
 */
export function failureShown(
  secrets: SecretRegistry,
  error: unknown,
  team: string,
  creating = false,
): NonNullable<ApprovalRecord['failure']> {
  const masker = secrets.forTeam(team);
  const scrub = (text: string | undefined, max: number) =>
    text === undefined ? undefined : masker.text(text).slice(0, max);
  const e = asAppError(error);
  const message =
    e.code === ErrorCode.Internal
      ? 'Something went wrong on our side.'
      : (scrub(e.message, 1000) ?? 'unknown error');
  if (e instanceof OutcomeUnknownError)
    return { message, outcomeUnknown: true, ...(e.localized ? { localized: shownKey(e.localized) } : {}) };
  if (!(e instanceof ProviderError))
    return e.localized ? { message, localized: shownKey(e.localized) } : { message };
  return {
    message,
    ...(creating && mayHaveCreated(e) ? { outcomeUnknown: true } : {}),
    provider: e.provider,
    operation: scrub(e.operation, 200),
    httpStatus: e.httpStatus,
    errorCode: scrub(e.errorCode, 100),
    requestId: scrub(e.requestId, 200),
  };
}

/** A request that is no longer kept (an old button, or one decided over 30 days ago). */
export function approvalGone(id: string): NotFoundError {
  return NotFoundError.in(APPROVAL_WORDS, 'approval.error.gone', { id });
}

/** The requester pressed Approve on their own request. */
export function selfApproval(): ForbiddenError {
  return ForbiddenError.in(APPROVAL_WORDS, 'approval.error.self');
}
