import { ErrorCode, ProviderError } from '../../errors.js';
import type { HttpResponse, ParsedProviderError } from '../http/http-client.js';
import { ownClass } from '../provider-catalogue.js';
import { omsCatalogue } from './catalogue.js';
import { omsErrorBodySchema } from './schemas.js';

/**
 * API Gateway codes that say the IAM token itself is no good: APIGW.0307 "The token must be updated"
 * (an expired token, providers.md §3.3) and APIGW.0301 "Incorrect IAM authentication information"
 * (a token IAM revoked early: password, AK or permission changes invalidate tokens, §3.3). With any
 * other 401 (`isTokenRejection`) they make a token connection ask IAM for a new token, once.
 */
export const TOKEN_REFRESH_CODES: ReadonlySet<string> = new Set(['APIGW.0301', 'APIGW.0307']);

/**
 * Token failures seed 002 §6.2 files under 400, not 401: S3M.0068 "Token authentication failed"
 * ("Obtain a new token and try again"), OMS.0068 and S3M.1005 "Token authentication failed", and
 * CMM.0154 "Illegal token" ("Invalid token. Check the authorization information"). Like a 401 they
 * drop the token a token connection sent, once (`isTokenRejection`); a second one is the credentials.
 */
export const TOKEN_FAILURE_CODES: ReadonlySet<string> = new Set([
  'OMS.0068',
  'S3M.0068',
  'S3M.1005',
  'CMM.0154',
]);

/**
 * Codes that mean the connection's credentials were not accepted (rather than that OMS refused the
 * operation): the gateway's authentication codes and §6.2's token failures (`TOKEN_FAILURE_CODES`).
 * None may be filed otherwise by the catalogue (`classes.json`): APIGW.0303, which no seed documents,
 * is filed there under permissions (refused after the signature check), so it is not listed here.
 */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set([
  ...TOKEN_REFRESH_CODES,
  ...TOKEN_FAILURE_CODES,
  'APIGW.0305',
]);

/** Reads `{"error_code","error_msg","request_id"}` or the SDK's `{error:{code,message}}`. */
export function parseOmsError(response: HttpResponse): ParsedProviderError {
  const parsed = omsErrorBodySchema.safeParse(JSON.parse(response.text));
  const requestId = response.headers['x-request-id'];
  if (!parsed.success) return { requestId };
  const body = parsed.data;
  return {
    errorCode: body.error_code ?? body.error?.code ?? undefined,
    errorMessage: body.error_msg ?? body.error?.message ?? undefined,
    requestId: body.request_id ?? requestId,
  };
}

/**
 * An OMS error for the bot, from its body's code first, HTTP status second. OMS documents 403 as an
 * ordinary refusal of stop, delete and task-group operations (OMS.0095, S3M.0054 "invalid task ID"…; seed
 * 002 §6.2): a refused request, not bad credentials, unless its code is a gateway authentication code. A
 * 401 is an authentication failure (Table 6-1) unless §6.2 files its code elsewhere (`filedElsewhere`).
 */
export function classifyOmsError(httpStatus: number | undefined, errorCode: string | undefined): ErrorCode {
  if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500)
    return ErrorCode.ProviderUnavailable;
  const code = errorCode?.trim().toUpperCase();
  if (code && CREDENTIAL_CODES.has(code)) return ErrorCode.ProviderAuth;
  if (httpStatus === 401 && !filedElsewhere(code)) return ErrorCode.ProviderAuth;
  return ErrorCode.ProviderRequest;
}

/**
 * A code §6.2 lists under 401 but for something other than the credentials: S3M.0205 "Insufficient
 * permission. Read-only users do not have the permissions to create, modify, or delete resources",
 * S3M.0053 "invalid parameters or insufficient permissions". The catalogue's class decides; a code
 * it does not know, or none (a bare 401), stays a credentials failure as Table 6-1 reads 401.
 */
function filedElsewhere(code: string | undefined): boolean {
  const codeClass = ownClass(omsCatalogue, code);
  return codeClass !== 'credentials' && codeClass !== 'unknown';
}

/** The same error, classified by `classifyOmsError` (the shared HTTP layer knows only the status). */
export function reclassified(error: ProviderError): ProviderError {
  if (error.httpStatus === undefined) return error;
  const code = classifyOmsError(error.httpStatus, error.errorCode);
  if (code === error.code) return error;
  return new ProviderError(
    code,
    {
      provider: error.provider,
      operation: error.operation,
      httpStatus: error.httpStatus,
      errorCode: error.errorCode,
      errorMessage: error.errorMessage,
      requestId: error.requestId,
    },
    { cause: error.cause },
  );
}

/**
 * Whether this failure means the cached IAM token should be replaced (and the call tried once more):
 * the gateway's token codes, §6.2's 400 token failures (S3M.0068 "Obtain a new token and try again"),
 * and any 401 that is about the credentials (401 OMS.9999 "Authentication failed", a bare 401). IAM revokes tokens early (providers.md §3.3), so the cache's `expires_at`
 * cannot be trusted to say the token still works. A 401 filed as a permission (S3M.0205) keeps it.
 */
export function isTokenRejection(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  const code = error.errorCode?.trim().toUpperCase();
  if (code && (TOKEN_REFRESH_CODES.has(code) || TOKEN_FAILURE_CODES.has(code))) return true;
  return error.httpStatus === 401 && !filedElsewhere(code);
}
