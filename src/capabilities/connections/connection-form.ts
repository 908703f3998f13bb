import type { KnownBlock, ModalView } from '@slack/types';
import type { Connection } from '../../connections/connection.js';
import { defaultEndpoint, endpointExample } from '../../connections/endpoint-policy.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { ConnectField } from '../../providers/definition.js';
import { providerDefinition, providerDefinitions } from '../../providers/registry.js';
import { context, modal, options, section, selectInput } from '../../slack/blocks/create/modal-kit.js';
import { providerText } from '../../slack/blocks/provider-words.js';
import { type ConnectMetadata, encodeConnectMetadata } from '../../slack/create-forms/metadata.js';
import { authChoice, BLOCK, blockId, connectInput, type FormChoice } from './connection-form-fields.js';
import { STORAGE_BLOCK_IDS, storageBlocks } from './connection-storage.js';
import { own } from './words.js';

/**
 * The `/migrate connect` modal, rendered from the chosen provider's `connect` definition (the
 * submission is parsed in connection-form-parse). Block ids are stable (Slack keeps what was typed
 * across `views.update` when block and action ids stay the same), and fields whose default depends
 * on the provider carry the provider in their id so switching provider shows that provider's
 * default. A secret is never pre-filled and never put in `private_metadata`, which only carries
 * where the command was typed.
 */

export const CONNECT_CALLBACK_ID = 'connection.connect';
/** Provider and auth-method selects dispatch this action: the modal is redrawn for the choice. */
export const CONNECT_FORM_ACTION = 'connection.form';

/** The block a rejected sign-in points at: the first secret of the connection's auth method. */
export function credentialBlock(connection: Connection): string {
  const auth = authChoice(providerDefinition(connection.provider), connection.auth.type);
  return auth.fields.find((f) => f.secret)?.block ?? blockId('endpoint', connection.provider);
}

/** Where an HTTP 404 on the connection test points, and what to check there. */
export function notFoundBlock(connection: Connection): { block: string; what: string } {
  const connect = providerDefinition(connection.provider).connect;
  const field = connect.fields.find((f) => f.block === connect.notFoundField);
  return field
    ? { block: field.block, what: field.what }
    : { block: blockId('endpoint', connection.provider), what: 'endpoint' };
}

/** Every block id any provider's connect form can have (fuzzing, error keys). */
export function connectBlockIds(): string[] {
  const ids = new Set<string>([BLOCK.name, BLOCK.provider, ...STORAGE_BLOCK_IDS]);
  for (const d of providerDefinitions()) {
    ids.add(blockId('endpoint', d.id));
    ids.add(blockId('authType', d.id));
    for (const f of d.connect.fields) ids.add(f.block);
    for (const choice of d.connect.authChoices) for (const f of choice.fields) ids.add(f.block);
  }
  return [...ids];
}

/** Every secret block id of every provider's connect form (registered for scrubbing). */
export function secretBlockIds(): string[] {
  const ids = new Set(['src_secret_key', 'src_gcs_json', 'dst_secret_key']);
  for (const d of providerDefinitions())
    for (const choice of d.connect.authChoices)
      for (const field of choice.fields) if (field.secret) ids.add(field.block);
  return [...ids];
}

// ---------------------------------------------------------------------------------------------
// The modal

export interface ModalOptions {
  /** A problem to show above the fields (a slow check that failed after the modal was acked). */
  notice?: string;
  /** Non-secret values to pre-fill, by block id (a parse's `prefill`). */
  prefill?: Record<string, string>;
  /** The viewer's language. */
  tr?: Translator;
}

function choiceSelect(
  block: string,
  label: string,
  items: { value: string; text: string }[],
  initial: string,
  tr: Translator,
) {
  return selectInput({
    field: block,
    actionId: CONNECT_FORM_ACTION,
    label,
    placeholder: tr.t('modal.choose'),
    choices: options(items),
    initial: items.some((i) => i.value === initial) ? initial : items[0]?.value,
    dispatch: true,
  });
}

export function connectModal(
  choice: FormChoice,
  meta: ConnectMetadata,
  options: ModalOptions = {},
): ModalView {
  const { provider } = choice;
  const definition = providerDefinition(provider);
  const auth = authChoice(definition, choice.auth);
  const prefill = options.prefill ?? {};
  const tr = options.tr ?? ENGLISH;
  // What the provider declares in English, in the viewer's language where the catalogue has it.
  const words = (part: string, english: string) => providerText(tr, `connect.${provider}.${part}`, english);
  const field = (f: ConnectField) =>
    connectInput(f.block, {
      ...f,
      label: words(`field.${f.block}`, f.label),
      hint: f.hint === undefined ? undefined : words(`hint.${f.block}`, f.hint),
      initial: f.secret || f.noPrefill ? undefined : (prefill[f.block] ?? f.initial),
    });
  const blocks: KnownBlock[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push(
    context(own(tr).t('connect.intro')),
    connectInput(BLOCK.name, {
      label: own(tr).t('connect.name'),
      placeholder: 'hw-prod',
      hint: own(tr).t('connect.name.hint'),
      maxLength: 40,
      initial: prefill[BLOCK.name],
    }),
    choiceSelect(
      BLOCK.provider,
      own(tr).t('connect.provider'),
      providerDefinitions().map((d) => ({ value: d.id, text: d.label })),
      provider,
      tr,
    ),
    connectInput(blockId('endpoint', provider), {
      label: own(tr).t('connect.endpoint'),
      placeholder: endpointExample(provider),
      maxLength: 200,
      initial: prefill[BLOCK.endpoint] ?? defaultEndpoint(provider),
    }),
    ...definition.connect.fields.map(field),
  );
  if (definition.connect.authChoices.length > 1) {
    blocks.push(
      choiceSelect(
        blockId('authType', provider),
        own(tr).t('connect.signIn'),
        definition.connect.authChoices.map((a) => ({
          value: a.type,
          text: words(`auth.${a.type}`, a.label),
        })),
        auth.type,
        tr,
      ),
    );
  }
  blocks.push(...auth.fields.map(field), ...storageBlocks(definition.connect.storage, prefill, tr));
  const title = own(tr).t(meta.replaces ? 'connect.title.fix' : 'connect.title.add');
  return {
    ...modal({
      callbackId: CONNECT_CALLBACK_ID,
      title,
      submit: own(tr).t(meta.replaces ? 'connect.submit.replace' : 'connect.submit.save'),
      close: tr.t('modal.cancel'),
      privateMetadata: encodeConnectMetadata(meta),
      blocks,
    }),
    // The title as it always was (no emoji flag): tests and clients compare it as is.
    title: { type: 'plain_text', text: title },
  };
}

/**
 * What a stored connection's form shows again when its keys are replaced: every value that is not
 * a secret (name, endpoint, project, region, non-secret sign-in fields). Keys are typed anew.
 */
export function prefillFrom(connection: Connection): Record<string, string> {
  const definition = providerDefinition(connection.provider);
  const prefill: Record<string, string> = {
    [BLOCK.name]: connection.name,
    [BLOCK.endpoint]: connection.endpoint,
  };
  const props = connection as unknown as Record<string, unknown>;
  for (const f of definition.connect.fields)
    if (!f.secret && !f.noPrefill && typeof props[f.key] === 'string')
      prefill[f.block] = props[f.key] as string;
  const auth = connection.auth as unknown as Record<string, unknown>;
  for (const f of authChoice(definition, connection.auth.type).fields)
    if (!f.secret && !f.noPrefill && typeof auth[f.key] === 'string')
      prefill[f.block] = auth[f.key] as string;
  return prefill;
}

/** A modal with only a message (testing…, saved, could not save), in the viewer's language. */
export function messageModal(
  title: string,
  text: string,
  meta: ConnectMetadata,
  tr: Translator = ENGLISH,
): ModalView {
  return modal({
    callbackId: `${CONNECT_CALLBACK_ID}.done`,
    title,
    close: tr.t('modal.close'),
    privateMetadata: encodeConnectMetadata(meta),
    blocks: [section(text)],
  });
}
