import { asAppError, ErrorCode, OutcomeUnknownError, ProviderError } from '../errors.js';
import type { SecretRegistry } from '../secrets.js';
import type { ApprovalRecord } from './approval-record.js';

/** What the requester's workspace is shown of a failure: its own secrets and the bot's masked. */
export function failureShown(
  secrets: SecretRegistry,
  error: unknown,
  team: string,
): NonNullable<ApprovalRecord['failure']> {
  const masker = secrets.forTeam(team);
  const scrub = (text: string | undefined, max: number) =>
    text === undefined ? undefined : masker.text(text).slice(0, max);
  const e = asAppError(error);
  const message =
    e.code === ErrorCode.Internal
      ? 'Something went wrong on our side.'
      : (scrub(e.message, 1000) ?? 'unknown error');
  if (e instanceof OutcomeUnknownError) return { message, outcomeUnknown: true };
  if (!(e instanceof ProviderError)) return { message };
  return {
    message,
    provider: e.provider,
    operation: scrub(e.operation, 200),
    httpStatus: e.httpStatus,
    errorCode: scrub(e.errorCode, 100),
    requestId: scrub(e.requestId, 200),
  };
}
