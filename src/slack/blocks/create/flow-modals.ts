import type { ModalView } from '@slack/types';
import { asAppError } from '../../../errors.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import type { CreateTarget } from '../../../providers/create-request.js';
import { code, escapeControl } from '../mrkdwn.js';
import { FormWords, kindLabel } from '../provider-words.js';
import { CREATE_CALLBACKS, context, modal, options, section, selectInput } from './modal-kit.js';

/** A connection and what can be created on it: one choice of the picker. */
export interface CreateChoice {
  connection: string;
  target: CreateTarget;
}

export function choiceValue(choice: CreateChoice): string {
  return `${choice.connection}|${choice.target.kind}`;
}

/** An error's message in the reader's language when it carries a catalogue key (`localized`). */
export function errorText(error: unknown, tr: Translator = ENGLISH): string {
  const e = asAppError(error);
  const key = e.localized?.key;
  if (!key || !tr.has(key)) return e.message;
  // Values are outside text (what was typed): inert, like the English message.
  const values = Object.entries(e.localized?.values ?? {}).map(([k, v]) => [
    k,
    typeof v === 'string' ? escapeControl(v) : v,
  ]);
  return tr.t(key, Object.fromEntries(values));
}

/** Opened at once with the trigger, before any provider call; replaced when the data arrives. */
export function loadingModal(target: CreateTarget, tr: Translator = ENGLISH): ModalView {
  const words = new FormWords(tr, target);
  return modal({
    callbackId: CREATE_CALLBACKS.loading,
    title: words.title(),
    close: tr.t('modal.cancel'),
    blocks: [section(tr.t('create.loading', { label: escapeControl(words.label()) }))],
  });
}

/** The first step when several connections (or kinds) could be meant. */
export function pickerModal(
  choices: readonly CreateChoice[],
  privateMetadata: string,
  tr: Translator = ENGLISH,
): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.pick,
    title: tr.t('create.title'),
    submit: tr.t('create.next'),
    close: tr.t('modal.cancel'),
    privateMetadata,
    blocks: [
      section(tr.t('create.pick.intro')),
      selectInput({
        field: 'target',
        label: tr.t('create.pick.label'),
        placeholder: tr.t('modal.choose'),
        choices: options(
          choices.map((c) => ({
            text: `${c.connection} · ${kindLabel(tr, c.target)}`,
            value: choiceValue(c),
          })),
        ),
        initial: choices.length > 0 ? choiceValue(choices[0]!) : undefined,
      }),
    ],
  });
}

/** A modal that only says something (an error, or a refusal) and can be closed. */
export function messageModal(title: string, text: string, tr: Translator = ENGLISH): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.done,
    title,
    close: tr.t('modal.close'),
    blocks: [section(text)],
  });
}

/** Shown in the modal when the provider could not be reached while loading the form. */
export function loadFailedModal(
  target: CreateTarget,
  connection: string,
  reason: string,
  tr: Translator = ENGLISH,
): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.done,
    title: new FormWords(tr, target).title(),
    close: tr.t('modal.close'),
    blocks: [
      section(tr.t('create.loadFailed', { connection: code(connection), reason: escapeControl(reason) })),
      context(tr.t('create.loadFailed.admin')),
    ],
  });
}
