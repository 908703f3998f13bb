import type { InputBlock, KnownBlock, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';
import { truncate } from '../mrkdwn.js';

/** Callback ids of the create flow's views. */
export const CREATE_CALLBACKS = {
  loading: 'migrate_create.loading',
  pick: 'migrate_create.pick',
  form: 'migrate_create.form',
  done: 'migrate_create.done',
} as const;

/** The one modal kit: create and connect forms are built from these. Action ids are `create.<field>`; block ids are the field name (plus a `.variant` for some). */
export const ACTION_PREFIX = 'create.';
/** Field of the channel picker shown when the request channel is not known (global shortcut). */
export const RESULT_CHANNEL_FIELD = 'result_channel';

export function plain(text: string, max = 3000): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** Option text and value are at most 75 characters: a longer value cannot be offered at all. */
export function option(text: string, value: string): PlainTextOption | undefined {
  if (value.length === 0 || value.length > 75) return undefined;
  return { text: plain(text, 75), value };
}

export function options(items: readonly { text: string; value: string }[], max = 100): PlainTextOption[] {
  return items
    .map((i) => option(i.text, i.value))
    .filter((o): o is PlainTextOption => o !== undefined)
    .slice(0, max);
}

interface InputCommon {
  field: string;
  /** Block id when it differs from the field (`src_region.AWS`). */
  blockId?: string;
  /** Action id when it is not `create.<field>` (the connect form's inputs are all `value`). */
  actionId?: string;
  label: string;
  hint?: string;
  optional?: boolean;
}

/** What every input block of the kit says the same way: ids, label, optional, hint. */
function inputCommon(i: InputCommon) {
  return {
    type: 'input' as const,
    block_id: i.blockId ?? i.field,
    label: plain(i.label, 2000),
    optional: i.optional ?? false,
    ...(i.hint ? { hint: plain(i.hint, 2000) } : {}),
  };
}

export function textInput(
  i: InputCommon & { initial?: string; placeholder?: string; multiline?: boolean; maxLength?: number },
): InputBlock {
  return {
    ...inputCommon(i),
    element: {
      type: 'plain_text_input',
      action_id: i.actionId ?? `${ACTION_PREFIX}${i.field}`,
      multiline: i.multiline ?? false,
      ...(i.maxLength ? { max_length: i.maxLength } : {}),
      ...(i.placeholder ? { placeholder: plain(i.placeholder, 150) } : {}),
      ...(i.initial ? { initial_value: i.initial } : {}),
    },
  };
}

export function selectInput(
  i: InputCommon & { choices: PlainTextOption[]; initial?: string; placeholder?: string; dispatch?: boolean },
): InputBlock {
  const initial = i.choices.find((o) => o.value === i.initial);
  return {
    ...inputCommon(i),
    ...(i.dispatch ? { dispatch_action: true } : {}),
    element: {
      type: 'static_select',
      action_id: i.actionId ?? `${ACTION_PREFIX}${i.field}`,
      options: i.choices.slice(0, 100),
      placeholder: plain(i.placeholder ?? 'Choose…', 150),
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

export function externalSelectInput(i: InputCommon & { initial?: string; placeholder?: string }): InputBlock {
  const initial = i.initial ? option(i.initial, i.initial) : undefined;
  return {
    ...inputCommon(i),
    element: {
      type: 'external_select',
      action_id: i.actionId ?? `${ACTION_PREFIX}${i.field}`,
      min_query_length: 0,
      placeholder: plain(i.placeholder ?? 'Type to search…', 150),
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

export function channelInput(i: InputCommon & { initial?: string }): InputBlock {
  return {
    ...inputCommon(i),
    element: {
      type: 'conversations_select',
      action_id: i.actionId ?? `${ACTION_PREFIX}${i.field}`,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      ...(i.initial ? { initial_conversation: i.initial } : {}),
    },
  };
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

/** A modal with Slack's limits applied: title, submit and close at most 24 characters each. */
export function modal(m: {
  callbackId: string;
  title: string;
  blocks: KnownBlock[];
  submit?: string;
  close?: string;
  privateMetadata?: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: m.callbackId,
    title: plain(m.title, 24),
    ...(m.submit ? { submit: plain(m.submit, 24) } : {}),
    close: plain(m.close ?? 'Cancel', 24),
    ...(m.privateMetadata ? { private_metadata: m.privateMetadata } : {}),
    blocks: m.blocks.slice(0, 100),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}
