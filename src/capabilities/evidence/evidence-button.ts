import type { CapabilityButton, VerifiedRun } from '../../contract/card.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';
import { buttonHandler, postedOn } from '../../slack/button-handler.js';
import { findResource } from '../../use-cases/context.js';
import { verificationTargetOf } from '../verification/verification-button.js';
import { deliverBundle } from './deliver.js';
import type { EvidenceState } from './evidence-bundle.js';
import { EVIDENCE_WORDS } from './words.js';

export const EVIDENCE_ACTION = 'evidence.get';

/** "Evidence bundle" under a finished run's verification post; the value names only the run. */
export function evidenceButton(run: VerifiedRun, tr: Translator): CapabilityButton[] {
  if (!TERMINAL_STATES.has(run.state)) return [];
  return [
    {
      type: 'button',
      action_id: EVIDENCE_ACTION,
      text: { type: 'plain_text', text: tr.with(EVIDENCE_WORDS).t('evidence.button') },
      value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id, at: run.at }),
    },
  ];
}

/**
 * The button's click: the same bundle as `/migrate evidence`, by the same rule (view in the
 * channel), into the thread the verification post is in. The run is found again by what the
 * value names; nothing else is taken from it.
 */
export function evidenceButtonHandler(of: (ctx: HandlerContext) => EvidenceState) {
  return buttonHandler(async (ctx, args) => {
    await ctx.require('view', ctx.here, 'get the evidence of a migration');
    const target = verificationTargetOf(args.action.value, ctx.channelId);
    const { resource } = await findResource(ctx, {
      exact: { connection: target.connection, kind: target.kind, id: target.id },
    });
    const message = (args.body as { message?: { thread_ts?: string } }).message;
    const posted = postedOn(args.body);
    const thread = posted ? { channel: posted.channel, ts: message?.thread_ts ?? posted.ts } : undefined;
    await deliverBundle(ctx, of(ctx), resource, thread);
  });
}
