import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, View } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import { displayName } from '../../slack/blocks/display-name.js';
import { escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { type AppDeps, handlerContextOf, inChannel } from '../../slack/context.js';
import { runSafely } from '../../slack/intake/run-safely.js';
import {
  verificationModalMetadata,
  verificationTargetFromModal,
  verificationTargetOf,
} from '../shared/verified-run.js';
import { checkSignOff, signOffVerification } from './sign-off-verification.js';
import { VERIFICATION_WORDS } from './words.js';

/** The sign-off modal's callback id, and its note's block and action. */
export const SIGNOFF_VIEW = 'verification.signoff.note';
const NOTE_BLOCK = 'signoff-note';
const NOTE_ACTION = 'note';
const NOTE_MAX = 500;

/**
 * "Sign off" on a verification post: the policy, the two-person rule and a failed run are checked
 * before the note is asked for (a refusal comes at once), then the modal asks for the note.
 */
export function signOffButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const target = verificationTargetOf(args.action.value, ctx.channelId);
    const record = await checkSignOff(ctx, target);
    const tr = await ctx.translator('person');
    const name = displayName(record.snapshot.name, record.watch.origin?.title).lead;
    const metadata = verificationModalMetadata(target);
    await deps.slack.sender
      .to(ctx.teamId, { client: args.client })
      .openView(args.body.trigger_id, signOffModal(name, metadata, tr));
  });
}

function signOffModal(name: string, metadata: string, tr: Translator): View {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: tr.with(VERIFICATION_WORDS).t('verify.modal.intro', { name: escapeMrkdwn(name) }),
      },
    },
    {
      type: 'input',
      block_id: NOTE_BLOCK,
      optional: true,
      label: { type: 'plain_text', text: tr.with(VERIFICATION_WORDS).t('verify.modal.note') },
      element: {
        type: 'plain_text_input',
        action_id: NOTE_ACTION,
        multiline: true,
        max_length: NOTE_MAX,
        placeholder: {
          type: 'plain_text',
          text: tr.with(VERIFICATION_WORDS).t('verify.modal.notePlaceholder'),
        },
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: SIGNOFF_VIEW,
    private_metadata: metadata,
    title: { type: 'plain_text', text: tr.with(VERIFICATION_WORDS).t('verify.modal.title') },
    submit: { type: 'plain_text', text: tr.with(VERIFICATION_WORDS).t('verify.modal.submit') },
    close: { type: 'plain_text', text: tr.t('modal.cancel') },
    blocks,
  };
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The note was given: the modal closes, the sign-off is recorded in one compare-and-set (the use
 * case asks the policy again) and the presser is answered beside the post; the card and the post
 * are edited by the watcher.
 */
export function signOffSubmission(deps: AppDeps) {
  return async ({ ack, view, context }: SubmitArgs): Promise<void> => {
    await ack();
    const target = verificationTargetFromModal(view.private_metadata);
    if (!target) {
      deps.logger.warn('a sign-off modal came back without its verification');
      return;
    }
    const ch = target.channel;
    const note = (view.state.values[NOTE_BLOCK]?.[NOTE_ACTION]?.value ?? '').trim().slice(0, NOTE_MAX);
    const ctx = inChannel(handlerContextOf(context), ch);
    await runSafely(ctx, async () => {
      const done = await signOffVerification(ctx, target, note);
      const tr = await ctx.translator('person');
      const name = displayName(done.record.snapshot.name, done.record.watch.origin?.title).lead;
      await ctx.reply({ text: tr.with(VERIFICATION_WORDS).t('verify.signed', { name: escapeMrkdwn(name) }) });
    });
  };
}
