import { classifyCode } from '../../catalogue/code-classes.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import type { Connection } from '../../connections/connection.js';
import { asAppError, ErrorCode, ProviderError } from '../../errors.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { providerDefinition } from '../../providers/registry.js';
import { credentialBlock, notFoundBlock } from './connection-form.js';
import { authChoice, blockId } from './connection-form-fields.js';
import { fieldWhat } from './connection-form-parse.js';
import { own } from './words.js';

/** A catalogue fix longer than this does not fit under a field (Slack shows about 300 characters). */
const FIX_MAX = 150;

/**
 * The block a failed connection test points at, with what went wrong and what to do, in the
 * viewer's language. The provider's code is quoted with what it means from the catalogue; the
 * provider's own message is never shown: it can be a long internal dump (Huawei's gateway returns
 * its canonical request) that says nothing to the reader and spills past the modal's edge.
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
    return {
      [endpointBlock]: own(tr).t('connect.check.unreachable', { host, reason: `${e.message}${cause}` }),
    };
  }
  const status = e.httpStatus ? `HTTP ${e.httpStatus}` : own(tr).t('connect.check.noHttp');
  const explained = e.errorCode ? explainForDisplay(e.errorCode, e.httpStatus, tr.locale) : undefined;
  // "APIGW.0301: Incorrect IAM authentication information." → what the code means, in words.
  const meaning = explained?.known ? explained.title.replace(/^[^:]*:\s*/, '').replace(/[.。]$/, '') : '';
  const head = `${status}${e.errorCode ? ` ${e.errorCode}` : ''}${meaning ? `: ${meaning}` : ''}`;
  const solution = explained?.known ? explained.solution || explained.description : undefined;
  const fix = solution && solution.length <= FIX_MAX ? own(tr).t('connect.check.fix', { fix: solution }) : '';
  if (e.code === ErrorCode.ProviderAuth) {
    return {
      [credentialBlock(connection)]: own(tr).t('connect.check.rejected', {
        auth: connection.auth.type,
        head,
        fix: own(tr).t('connect.check.retype', { auth: connection.auth.type }),
      }),
    };
  }
  // The catalogue's class, not the status: OMS answers 401 S3M.0053 and 403 OMS.0206 when the keys were
  // accepted but their account may not do this (seed 002 §6.2), so the account's field says so.
  if (e.code === ErrorCode.ProviderRequest && classifyCode(e.errorCode) === 'permissions') {
    return {
      [principalBlock(connection)]: own(tr).t('connect.check.permission', {
        auth: connection.auth.type,
        head,
        fix: fix || own(tr).t('connect.check.grant'),
      }),
    };
  }
  if (e.code === ErrorCode.ProviderUnavailable) {
    return {
      [endpointBlock]: e.httpStatus
        ? own(tr).t('connect.check.notAnswering', { host, head })
        : own(tr).t('connect.check.noAnswer', { host, reason: own(tr).t('connect.check.noHttp') }),
    };
  }
  if (e.httpStatus === 404) {
    const { block, what } = notFoundBlock(connection);
    return {
      [block]: own(tr).t('connect.check.notFound', { what: fieldWhat(tr, provider, block, what), head, fix }),
    };
  }
  return { [endpointBlock]: own(tr).t('connect.check.refused', { head, fix }) };
}

/** The field naming whose permission is missing (the access key id, the IAM user), else the secret one. */
function principalBlock(connection: Connection): string {
  const auth = authChoice(providerDefinition(connection.provider), connection.auth.type);
  const named = auth.fields.find((f) => !f.secret && !f.optional && f.check?.type !== 'iam-endpoint');
  return named?.block ?? credentialBlock(connection);
}
