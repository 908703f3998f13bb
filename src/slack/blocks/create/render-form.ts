import type { KnownBlock, ModalView } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { BANDWIDTH_EXAMPLE } from '../../../providers/bandwidth-grammar.js';
import type { CreateTarget } from '../../../providers/create-request.js';
import type { FormContext, FormItem } from '../../../providers/definition.js';
import { code } from '../mrkdwn.js';
import { FormWords } from '../provider-words.js';
import {
  CREATE_CALLBACKS,
  channelInput,
  context,
  externalSelectInput,
  modal,
  options,
  plain,
  RESULT_CHANNEL_FIELD,
  section,
  selectInput,
  textInput,
} from './modal-kit.js';

/** Values starting with this are the bucket picker's own notes ("Could not list buckets"), never a bucket. */
export const NOTE_VALUE_PREFIX = '__';

export interface RenderFormOptions extends FormContext {
  /** A global shortcut has no channel: the form asks where updates go. */
  needsChannel: boolean;
  privateMetadata: string;
  /** The viewer's language (a modal follows the person who opened it). */
  tr?: Translator;
  /** Input blocks the capabilities add (a start time, a plan and its wave), after the provider's. */
  extraInputs?: readonly unknown[];
  /** Blocks the capabilities add under the inputs (a button). */
  extraActions?: readonly unknown[];
  /** A capability takes the form (a plan named): its submit button and note, not the approval's. */
  submitWords?: { submit: string; note: string };
}

/**
 * Any provider's create form, from its definition's items: one block per item, through the modal
 * kit. Labels, hints, headers and choices the provider declares in English are shown in the
 * viewer's language where the catalogue has them (`form.<provider>.…`); typed values never change.
 */
export function renderCreateForm(form: CreateTarget, o: RenderFormOptions): ModalView {
  const tr = o.tr ?? ENGLISH;
  const words = new FormWords(tr, form);
  const v = o.values;
  const connection = code(o.connection.name);
  const blocks: KnownBlock[] = [section(words.intro(form.intro(connection), connection))];
  for (const item of form.items(o)) blocks.push(renderItem(item, v, words));
  blocks.push(...((o.extraInputs ?? []) as KnownBlock[]));
  if (o.needsChannel) {
    blocks.push(
      channelInput({
        field: RESULT_CHANNEL_FIELD,
        label: tr.t('create.resultChannel'),
        initial: v[RESULT_CHANNEL_FIELD],
        hint: tr.t('create.resultChannel.hint'),
      }),
    );
  }
  blocks.push(...((o.extraActions ?? []) as KnownBlock[]));
  blocks.push(context(o.submitWords?.note ?? tr.t('create.approvalFirst')));
  return modal({
    callbackId: CREATE_CALLBACKS.form,
    title: words.title(),
    submit: o.submitWords?.submit ?? tr.t('create.submit'),
    close: tr.t('modal.cancel'),
    privateMetadata: o.privateMetadata,
    blocks,
  });
}

function renderItem(item: FormItem, v: FormContext['values'], words: FormWords): KnownBlock {
  if (item.type === 'header') return { type: 'header', text: plain(words.header(item.id, item.text), 150) };
  const common = {
    field: item.field,
    blockId: item.variant === undefined ? undefined : `${item.field}.${item.variant}`,
    label: words.field(item.field, item.label),
    hint: words.hint(item.field, item.hint, item.hintKey),
    optional: item.optional,
  };
  const typed = item.pinned ? undefined : v[item.field];
  switch (item.type) {
    case 'text':
      return textInput({
        ...common,
        initial: typed ?? item.initial,
        placeholder: item.placeholder,
        multiline: item.multiline,
        maxLength: item.maxLength,
      });
    case 'bandwidth':
      return textInput({
        ...common,
        initial: typed ?? item.initial,
        placeholder: BANDWIDTH_EXAMPLE,
        multiline: true,
      });
    case 'select':
      return selectInput({
        ...common,
        choices: options(
          item.options.map((o) => ({ value: o.value, text: words.option(item.field, o.value, o.text) })),
        ),
        placeholder: words.tr.t('modal.choose'),
        initial: typed ?? item.initial,
        dispatch: item.redraw !== undefined,
      });
    case 'bucket': {
      const initial = typed ?? item.initial;
      return externalSelectInput({
        ...common,
        initial: initial?.startsWith(NOTE_VALUE_PREFIX) ? undefined : initial,
        placeholder: words.tr.t('modal.search'),
      });
    }
  }
}
