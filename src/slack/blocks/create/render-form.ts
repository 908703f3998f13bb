import type { KnownBlock, ModalView } from '@slack/types';
import { BANDWIDTH_EXAMPLE } from '../../../providers/bandwidth-grammar.js';
import type { CreateFormDefinition, FormContext, FormItem } from '../../../providers/definition.js';
import { code } from '../mrkdwn.js';
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
}

/** Any provider's create form, from its definition's items: one block per item, through the modal kit. */
export function renderCreateForm(form: CreateFormDefinition, o: RenderFormOptions): ModalView {
  const v = o.values;
  const blocks: KnownBlock[] = [section(form.intro(code(o.connection.name)))];
  for (const item of form.items(o)) blocks.push(renderItem(item, v));
  if (o.needsChannel) {
    blocks.push(
      channelInput({
        field: RESULT_CHANNEL_FIELD,
        label: 'Post updates in',
        initial: v[RESULT_CHANNEL_FIELD],
        hint: 'The new migration’s card and your notices go there.',
      }),
    );
  }
  blocks.push(context('Nothing is created until an approver approves the request.'));
  return modal({
    callbackId: CREATE_CALLBACKS.form,
    title: form.title,
    submit: 'Request approval',
    close: 'Cancel',
    privateMetadata: o.privateMetadata,
    blocks,
  });
}

function renderItem(item: FormItem, v: FormContext['values']): KnownBlock {
  if (item.type === 'header') return { type: 'header', text: plain(item.text, 150) };
  const common = {
    field: item.field,
    blockId: item.variant === undefined ? undefined : `${item.field}.${item.variant}`,
    label: item.label,
    hint: item.hint,
    optional: item.optional,
  };
  const typed = v[item.field];
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
        choices: options(item.options),
        initial: typed ?? item.initial,
        dispatch: item.redraw !== undefined,
      });
    case 'bucket': {
      const initial = typed ?? item.initial;
      return externalSelectInput({
        ...common,
        initial: initial?.startsWith(NOTE_VALUE_PREFIX) ? undefined : initial,
      });
    }
  }
}
