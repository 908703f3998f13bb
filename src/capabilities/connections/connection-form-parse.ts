import type { Connection, ConnectionAuth } from '../../connections/connection.js';
import { checkEndpoint } from '../../connections/endpoint-policy.js';
import { CONNECTION_NAME } from '../../connections/load-connections-file.js';
import type { LocalizedMessage } from '../../errors.js';
import { ENGLISH, type MessageValues, type Translator } from '../../i18n/translator.js';
import type { ConnectField } from '../../providers/definition.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { providerDefinition } from '../../providers/registry.js';
import { providerText } from '../../slack/blocks/provider-words.js';
import { readForm } from '../../slack/create-forms/view-state.js';
import {
  authChoice,
  BLOCK,
  blockId,
  choiceOf,
  NO_SPACE,
  type StateValues,
} from './connection-form-fields.js';
import { storageCredentials } from './connection-storage.js';
import { own } from './words.js';

/**
 * The parser of a `/migrate connect` submission: every problem at once, each on its block and in
 * the viewer's language (what the provider calls a field, in the catalogue's words where it has
 * them). Nothing is stored or tested here.
 */

export type ParsedForm =
  | { ok: true; connection: Connection; prefill: Record<string, string> }
  | { ok: false; errors: Record<string, string> };

/** What a provider calls a field ("access key id"), in the reader's words where known. */
export function fieldWhat(tr: Translator, provider: ProviderId, block: string, english: string): string {
  if (block === blockId('endpoint', provider)) return own(tr).t('connect.what.endpoint');
  return providerText(tr, `connect.${provider}.what.${block}`, english);
}

/** A message by key in the reader's language; a key the catalogue lacks gives the English. */
export function saying(tr: Translator, message: LocalizedMessage | undefined, english: string): string {
  return message && tr.has(message.key) ? tr.t(message.key, message.values as MessageValues) : english;
}

/**
 * Validates a submitted form into a connection, or into inline errors keyed by block id (every
 * problem at once, each saying what is expected). Nothing is stored or tested here.
 */
export function parseConnectForm(
  values: StateValues,
  teamId: string,
  allowList: readonly string[],
  tr: Translator = ENGLISH,
): ParsedForm {
  const { byBlock } = readForm(values);
  const choice = choiceOf(byBlock);
  const { provider } = choice;
  const definition = providerDefinition(provider);
  const auth = authChoice(definition, choice.auth);
  const errors: Record<string, string> = {};
  const prefill: Record<string, string> = {};
  const fail = (block: string, message: string) => {
    errors[block] ??= message;
  };
  const get = (block: string, secret = false): string => {
    const value = byBlock[block] ?? '';
    if (value && !secret) prefill[block.split('.')[0]!] = value;
    return value;
  };
  const endpointField = (block: string, kind: 'api' | 'iam', what: string): string => {
    const text = get(block);
    if (!text) fail(block, own(tr).t('connect.error.enter', { what: fieldWhat(tr, provider, block, what) }));
    else {
      const verdict = checkEndpoint(provider, kind, text, allowList);
      if (verdict.ok) return verdict.url;
      fail(block, saying(tr, verdict.localized, verdict.message));
    }
    return text;
  };
  const read = (f: ConnectField): string => {
    if (f.check?.type === 'iam-endpoint') return endpointField(f.block, 'iam', f.what);
    const value = get(f.block, f.secret || f.noPrefill);
    const what = fieldWhat(tr, provider, f.block, f.what);
    if (!value) {
      if (!f.optional) fail(f.block, own(tr).t('connect.error.enter', { what }));
      return value;
    }
    const check = f.check;
    if (check?.type === 'pattern' && !check.pattern.test(value))
      fail(f.block, providerText(tr, `connect.${provider}.check.${f.block}`, check.message));
    if (check?.type === 'secret' && (!NO_SPACE.test(value) || value.length < check.min))
      fail(f.block, own(tr).t('connect.error.secret', { what, min: check.min }));
    if (check?.type === 'access-key-id' && !/^[A-Za-z0-9]{8,128}$/.test(value))
      fail(f.block, own(tr).t('connect.error.accessKeyId', { what }));
    return value;
  };

  const name = get(BLOCK.name);
  if (!name) fail(BLOCK.name, own(tr).t('connect.error.name'));
  else if (!CONNECTION_NAME.test(name)) fail(BLOCK.name, own(tr).t('connect.error.nameRule'));
  const endpoint = endpointField(blockId('endpoint', provider), 'api', 'endpoint');
  const connectionFields: Record<string, string> = {};
  for (const f of definition.connect.fields) {
    const value = read(f);
    if (value) connectionFields[f.key] = value;
  }
  const authValues: Record<string, string> = {};
  for (const f of auth.fields) {
    const value = read(f);
    if (value || !f.optional) authValues[f.key] = value;
  }
  const storage = storageCredentials(definition.connect.storage, get, fail, tr);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    prefill,
    connection: {
      name,
      team: teamId,
      provider,
      endpoint,
      ...connectionFields,
      auth: { type: auth.type, ...authValues } as ConnectionAuth,
      storage,
    },
  };
}
