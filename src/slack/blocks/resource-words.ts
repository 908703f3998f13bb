// A resource's kind in words, and the dialogs of the actions that stop or destroy it: one place for
// the card, the picker and the failure post (moved out of resource-card.ts, which passed 400 lines).
import type { ConfirmationDialog } from '@slack/types';
import { REQUIRED_ROLE, type Role } from '../../access/roles.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import type { ResourceAction } from '../../providers/types.js';
import { KIND_PLURALS } from '../../resources/kind-offering.js';
import { truncate } from './mrkdwn.js';

/**
 * Actions that destroy something or stop work get a confirm dialog with `style: danger`. A card in
 * a channel is the same for everyone, so the dialog of an action only admins may take says so
 * before anyone confirms it (an operator was refused only after confirming).
 */
const CONFIRMS: Partial<
  Record<
    ResourceAction,
    { verb: MessageKey; text: MessageKey; title?: MessageKey; after?: MessageKey; needs?: Role }
  >
> = {
  // A deleted resource's watches end (the watcher drops what the provider no longer knows).
  delete: {
    verb: 'confirm.delete.verb',
    text: 'confirm.delete.text',
    after: 'confirm.delete.watches',
    needs: REQUIRED_ROLE.delete,
  },
  cancel: {
    verb: 'confirm.cancel.verb',
    text: 'confirm.cancel.text',
    title: 'confirm.cancel.title',
    needs: REQUIRED_ROLE.delete,
  },
  pause: { verb: 'confirm.pause.verb', text: 'confirm.pause.text' },
};

/** `<key>.<kind>` where a kind has its own sentence: a group's delete takes its tasks (issue 74). */
function confirmText(key: MessageKey, kind: string, tr: Translator): MessageKey {
  return tr.has(`${key}.${kind}`) ? (`${key}.${kind}` as MessageKey) : key;
}

/** A resource kind in the reader's words ("task", "작업 그룹"); unknown kinds as they are. */
export function kindWords(kind: string, tr: Translator = ENGLISH): string {
  const key = `kind.${kind}`;
  return tr.has(key) ? tr.t(key) : kind;
}

/** Several of a kind, for sentences ("sync tasks of hw-x could not be listed"), in the reader's words. */
export function kindPlural(kind: ResourceKind, tr: Translator = ENGLISH): string {
  const key = `kinds.${kind}`;
  return tr.has(key) ? tr.t(key) : KIND_PLURALS[kind];
}

/** The confirm dialog of an action that stops or destroys something (undefined for the others). */
export function confirmFor(
  action: ResourceAction,
  kind: string,
  name: string,
  tr: Translator = ENGLISH,
): ConfirmationDialog | undefined {
  const confirm = CONFIRMS[action];
  if (!confirm) return undefined;
  const verb = tr.t(confirm.verb);
  return {
    title: {
      type: 'plain_text',
      text: truncate(tr.t(confirm.title ?? 'confirm.title', { verb, kind: kindWords(kind, tr) }), 100),
    },
    text: {
      type: 'plain_text',
      text: truncate(
        tr.t(confirmText(confirm.text, kind, tr), { name }) +
          (confirm.after ? tr.t(confirm.after) : '') +
          (confirm.needs ? tr.t('confirm.needsRole', { role: confirm.needs }) : ''),
        300,
      ),
    },
    confirm: { type: 'plain_text', text: truncate(verb, 30) },
    deny: { type: 'plain_text', text: tr.t('confirm.deny') },
    style: action === 'pause' ? 'primary' : 'danger',
  };
}
