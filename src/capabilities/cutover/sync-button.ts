import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { View } from '@slack/types';
import type { CapabilityButton, VerifiedRun } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { buttonHandler, whoClicked } from '../../slack/button-handler.js';
import { type AppDeps, modalContext } from '../../slack/context.js';
import { runSafely } from '../../slack/intake/run-safely.js';
import {
  verificationModalMetadata,
  verificationTargetFromModal,
  verificationTargetOf,
} from '../verification/verification-button.js';
import type { CutoverState } from './state.js';
import { parseSync, requestSync } from './sync-command.js';
import { CUTOVER_WORDS } from './words.js';

export const OPEN_ACTION = 'cutover.sync.open';
export const FORM_VIEW = 'cutover.sync.form';

/** "Keep in sync…" under the verification post of a run that succeeded, where the provider has a delta run. */
export function keepSyncButton(run: VerifiedRun, tr: Translator): CapabilityButton[] {
  if (run.state !== 'succeeded' || !run.provider) return [];
  return [
    {
      type: 'button',
      action_id: OPEN_ACTION,
      text: { type: 'plain_text', text: tr.with(CUTOVER_WORDS).t('cutover.button.open') },
      value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id, at: run.at }),
    },
  ];
}

function input(id: string, label: string, element: Record<string, unknown>, optional = false) {
  return { type: 'input', block_id: id, optional, label: { type: 'plain_text', text: label }, element };
}

/** The form: cadence, end date, maximum; what it asks is said again in the request it posts. */
function formView(tr: Translator, metadata: string): View {
  const t = tr.with(CUTOVER_WORDS);
  return {
    type: 'modal',
    callback_id: FORM_VIEW,
    private_metadata: metadata,
    title: { type: 'plain_text', text: t.t('cutover.modal.title') },
    submit: { type: 'plain_text', text: t.t('cutover.modal.submit') },
    blocks: [
      input('every', t.t('cutover.modal.every'), {
        type: 'plain_text_input',
        action_id: 'every',
        initial_value: '6',
      }),
      input('until', t.t('cutover.modal.until'), { type: 'datepicker', action_id: 'until' }),
      input('max', t.t('cutover.modal.max'), { type: 'plain_text_input', action_id: 'max' }, true),
    ],
  } as View;
}

/** Pressed: operate asked where the post is, then the form opens; nothing is asked for yet. */
export function openSyncForm(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const target = verificationTargetOf(args.action.value, ctx.channelId);
    await ctx.require('operate', ctx.here, 'keep a migration in sync');
    const tr = await ctx.translator('person');
    await deps.slack.sender
      .to(ctx.teamId, { client: args.client })
      .openView(args.body.trigger_id, formView(tr, verificationModalMetadata(target)));
  });
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Submitted: read as the command's words are (the same bounds), then asked as `/migrate keep-sync` asks. */
export function syncSubmission(deps: AppDeps, of: () => CutoverState) {
  return async ({ ack, body, view }: SubmitArgs): Promise<void> => {
    await ack();
    const { teamId, userId } = whoClicked(body);
    const target = verificationTargetFromModal(view.private_metadata);
    if (!target) return;
    const ctx = modalContext(deps, { teamId, userId, channelId: target.channel, what: FORM_VIEW });
    await runSafely(ctx, async () => {
      // The policy first, as the button asked it: what the form says is read only for someone who may ask.
      await ctx.require('operate', ctx.here, 'keep a migration in sync');
      const v = view.state.values;
      const every = `${v.every?.every?.value ?? ''}h`;
      const until = v.until?.until?.selected_date ?? '';
      const max = v.max?.max?.value;
      const words = ['x', 'every', every, 'until', until, ...(max ? ['max', max] : [])];
      const parsed = parseSync(words);
      const exact = { connection: target.connection, kind: target.kind, id: target.id };
      await requestSync(ctx, of(), {
        everyH: parsed.everyH,
        until: parsed.until,
        ...(parsed.max ? { max: parsed.max } : {}),
        exact,
      });
    });
  };
}
