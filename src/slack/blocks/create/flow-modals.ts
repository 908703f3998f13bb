import type { ModalView } from '@slack/types';
import type { CreateTarget } from '../../../approvals/create-request.js';
import { code, escapeControl } from '../mrkdwn.js';
import { CREATE_CALLBACKS, context, modal, options, section, selectInput } from './modal-kit.js';

/** A connection and what can be created on it: one choice of the picker. */
export interface CreateChoice {
  connection: string;
  target: CreateTarget;
}

export function choiceValue(choice: CreateChoice): string {
  return `${choice.connection}|${choice.target.kind}`;
}

/** Opened at once with the trigger, before any provider call; replaced when the data arrives. */
export function loadingModal(title: string, what: string): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.loading,
    title,
    close: 'Cancel',
    blocks: [section(`:hourglass_flowing_sand: Loading ${escapeControl(what)}…`)],
  });
}

/** The first step when several connections (or kinds) could be meant. */
export function pickerModal(choices: readonly CreateChoice[], privateMetadata: string): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.pick,
    title: 'New migration',
    submit: 'Next',
    close: 'Cancel',
    privateMetadata,
    blocks: [
      section('What do you want to create? An approver reviews the request before anything is created.'),
      selectInput({
        field: 'target',
        label: 'Connection and kind',
        choices: options(
          choices.map((c) => ({
            text: `${c.connection} · ${c.target.label}`,
            value: choiceValue(c),
          })),
        ),
        initial: choices.length > 0 ? choiceValue(choices[0]!) : undefined,
      }),
    ],
  });
}

/** A modal that only says something (an error, or a refusal) and can be closed. */
export function messageModal(title: string, text: string): ModalView {
  return modal({ callbackId: CREATE_CALLBACKS.done, title, close: 'Close', blocks: [section(text)] });
}

/** Shown in the modal when the provider could not be reached while loading the form. */
export function loadFailedModal(title: string, connection: string, reason: string): ModalView {
  return modal({
    callbackId: CREATE_CALLBACKS.done,
    title,
    close: 'Close',
    blocks: [
      section(
        `:warning: Could not load the form for ${code(connection)}: ${escapeControl(reason)}\nNothing was requested. Try again in a minute.`,
      ),
      context('If this keeps happening, an admin can check the connection.'),
    ],
  });
}
