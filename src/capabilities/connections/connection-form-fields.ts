import type { KnownBlock } from '@slack/types';
import type { ConnectionAuth } from '../../connections/connection.js';
import type { AuthChoiceDefinition, ConnectField, ProviderDefinition } from '../../providers/definition.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { isProviderId, PROVIDER_IDS, providerDefinition } from '../../providers/registry.js';
import { textInput } from '../../slack/blocks/create/modal-kit.js';
import { readForm } from '../../slack/create-forms/view-state.js';

/**
 * What every part of the `/migrate connect` form shares: its block ids, its text input and the
 * provider and auth method read back from a submission. A leaf module, so that the modal
 * (connection-form), the parser (connection-form-parse) and the storage part (connection-storage)
 * can each use it without importing one another.
 */

/** Every text input of the connect form has this action id. */
const VALUE_ACTION = 'value';

export type AuthChoice = ConnectionAuth['type'];

/** Block ids every provider's form has; provider fields declare their own. */
export const BLOCK = {
  name: 'name',
  provider: 'provider',
  endpoint: 'endpoint',
  authType: 'auth_type',
} as const;

/** `endpoint.ncp`: blocks whose default depends on the provider carry it. */
export function blockId(name: 'endpoint' | 'authType', provider: ProviderId): string {
  return `${BLOCK[name]}.${provider}`;
}

export interface FormChoice {
  provider: ProviderId;
  auth: AuthChoice;
}

export function defaultChoice(provider: ProviderId = PROVIDER_IDS[0]!): FormChoice {
  return { provider, auth: providerDefinition(provider).connect.authChoices[0]?.type ?? 'aksk' };
}

/** Values as Slack reports them in `view.state.values` (read with the one view-state reader). */
export type StateValues = Record<
  string,
  Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>
>;

export function authChoice(definition: ProviderDefinition, auth: AuthChoice): AuthChoiceDefinition {
  const choices = definition.connect.authChoices;
  return choices.find((a) => a.type === auth) ?? choices[0]!;
}

/** The provider and auth method chosen so far (the modal is redrawn for them). */
export function choiceFrom(values: StateValues, fallback: FormChoice = defaultChoice()): FormChoice {
  return choiceOf(readForm(values).byBlock, fallback);
}

/** The same from values already read (`readForm(values).byBlock`). */
export function choiceOf(
  byBlock: Record<string, string>,
  fallback: FormChoice = defaultChoice(),
): FormChoice {
  const picked = byBlock[BLOCK.provider];
  const provider = picked && isProviderId(picked) ? picked : fallback.provider;
  const auth = byBlock[blockId('authType', provider)];
  const definition = providerDefinition(provider);
  const valid = definition.connect.authChoices.find((a) => a.type === auth)?.type;
  return { provider, auth: valid ?? authChoice(definition, 'aksk').type };
}

/** A secret or key: one word, no spaces. */
export const NO_SPACE = /^\S+$/;

/** A text input of the connect form (action id `value`), through the modal kit. */
export function connectInput(
  block: string,
  f: Pick<ConnectField, 'label' | 'placeholder' | 'hint' | 'optional' | 'maxLength'> & {
    multiline?: boolean;
    initial?: string;
  },
): KnownBlock {
  return textInput({
    field: block,
    actionId: VALUE_ACTION,
    label: f.label,
    hint: f.hint,
    optional: f.optional,
    placeholder: f.placeholder,
    multiline: f.multiline,
    maxLength: f.maxLength ?? 256,
    initial: f.initial,
  });
}
