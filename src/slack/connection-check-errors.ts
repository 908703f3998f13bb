import { explainForDisplay } from '../catalogue/explain.js';
import type { Connection } from '../connections/connection.js';
import { asAppError, ErrorCode, ProviderError } from '../errors.js';
import { ENGLISH, type Translator } from '../i18n/translator.js';
import { credentialBlock, notFoundBlock } from './connection-form.js';
import { blockId } from './connection-form-fields.js';
import { fieldWhat } from './connection-form-parse.js';

/**
 * The block a failed connection test points at, with what the provider said and what to do, in the
 * viewer's language. The provider's code and message are quoted as they are; the catalogue's fix
 * is in the viewer's language where it has one.
 */
export function checkErrors(
  connection: Connection,
  error: unknown,
  tr: Translator = ENGLISH,
): Record<string, string> {
  const provider = connection.provider;
  const endpointBlock = blockId('endpoint', provider);
  const host = new URL(connection.endpoint).host;
  const e = asAppError(error);
  if (!(e instanceof ProviderError)) {
    const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
    return { [endpointBlock]: tr.t('connect.check.unreachable', { host, reason: `${e.message}${cause}` }) };
  }
  const status = e.httpStatus ? `HTTP ${e.httpStatus}` : tr.t('connect.check.noHttp');
  const providerCode = e.errorCode ? ` ${e.errorCode}` : '';
  const said = e.errorMessage ? `: ${e.errorMessage}` : '';
  const explained = e.errorCode ? explainForDisplay(e.errorCode, e.httpStatus, tr.locale) : undefined;
  const fix = explained?.known
    ? tr.t('connect.check.fix', { fix: explained.solution || explained.description || explained.title })
    : '';
  const head = `${status}${providerCode}${said}`;
  if (e.code === ErrorCode.ProviderAuth) {
    return {
      [credentialBlock(connection)]: tr.t('connect.check.rejected', {
        auth: connection.auth.type,
        head,
        fix,
      }),
    };
  }
  if (e.code === ErrorCode.ProviderUnavailable) {
    return {
      [endpointBlock]: e.httpStatus
        ? tr.t('connect.check.notAnswering', { host, head })
        : tr.t('connect.check.noAnswer', { host, reason: e.errorMessage ?? e.message }),
    };
  }
  if (e.httpStatus === 404) {
    const { block, what } = notFoundBlock(connection);
    return {
      [block]: tr.t('connect.check.notFound', { what: fieldWhat(tr, provider, block, what), head, fix }),
    };
  }
  return { [endpointBlock]: tr.t('connect.check.refused', { head, fix }) };
}
