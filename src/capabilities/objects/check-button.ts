import type { CapabilityButton, VerifiedRun } from '../../contract/card.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { findResource } from '../../use-cases/context.js';
import { startCheck } from './start-check.js';
import type { ObjectsState } from './state.js';
import { OBJECTS_WORDS } from './words.js';

export const CHECK_ACTION = 'objects.check';

/** "Check the buckets" under a finished run's verification post; the value names only the run. */
export function checkButton(run: VerifiedRun, tr: Translator): CapabilityButton[] {
  if (!TERMINAL_STATES.has(run.state)) return [];
  return [
    {
      type: 'button',
      action_id: CHECK_ACTION,
      text: { type: 'plain_text', text: tr.with(OBJECTS_WORDS).t('objects.check.button') },
      value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id }),
    },
  ];
}

/**
 * The button's click: the same check as `/migrate verify <id>`, by the same rule (operate in the
 * channel), its post in the channel the verification post is in. The run is found again from
 * the store by what the value names; nothing else is taken from it.
 */
export function checkButtonHandler(of: (ctx: HandlerContext) => ObjectsState) {
  return buttonHandler(async (ctx: HandlerContext, args) => {
    await ctx.require('operate', ctx.here, 'check the buckets');
    const run = parseRun(args.action.value);
    if (!run || !ctx.channelId) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.check.gone');
    const { resource } = await findResource(ctx, { exact: { connection: run.c, kind: run.k, id: run.id } });
    await startCheck(ctx, of(ctx), resource, false);
  });
}

function parseRun(value: string | undefined): { c: string; k: ResourceKind; id: string } | undefined {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    return typeof v.c === 'string' && typeof v.k === 'string' && typeof v.id === 'string'
      ? { c: v.c, k: v.k as ResourceKind, id: v.id }
      : undefined;
  } catch {
    return undefined;
  }
}
