import type { ServerResponse } from 'node:http';
import { asAppError, ErrorCode, RateLimitedError } from '../../errors.js';
import { errorText } from '../../slack/blocks/create/flow-modals.js';
import { sendJson } from '../shared/send-json.js';

const STATUS: Record<string, number> = {
  [ErrorCode.InvalidInput]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Ambiguous]: 409,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotOffered]: 404,
  [ErrorCode.ProviderRequest]: 502,
  [ErrorCode.ProviderAuth]: 502,
  [ErrorCode.ProviderUnavailable]: 503,
  [ErrorCode.ProviderResponse]: 502,
  [ErrorCode.Store]: 503,
  [ErrorCode.OutcomeUnknown]: 504,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Config]: 500,
  [ErrorCode.Internal]: 500,
};

/**
 * An RFC 9457 problem: `code` is the bot's error code and `detail` the same words Slack says for
 * it (the en catalogue's). An internal error says only that it failed, with the operation id.
 */
export function sendProblem(res: ServerResponse, thrown: unknown, opId: string): void {
  const error = asAppError(thrown);
  const status = STATUS[error.code] ?? 500;
  if (error instanceof RateLimitedError)
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  // Slack's words, as plain text (the catalogue escapes what it puts in for mrkdwn).
  const detail =
    status === 500
      ? `Something went wrong (${opId}).`
      : errorText(error).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  sendJson(
    res,
    status,
    {
      type: `https://migrate-bot.dev/problems/${error.code}`,
      title: error.code,
      status,
      code: error.code,
      detail,
      instance: opId,
    },
    'application/problem+json',
  );
}

export function sendUnauthorized(res: ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer');
  sendJson(
    res,
    401,
    {
      type: 'https://migrate-bot.dev/problems/unauthorized',
      title: 'unauthorized',
      status: 401,
      code: 'unauthorized',
      detail: 'Send an API token as `Authorization: Bearer mbt_…` (`/migrate token add` makes one).',
    },
    'application/problem+json',
  );
}
