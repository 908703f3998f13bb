import type { CapabilityButton } from '../../contract/card.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { findResource } from '../../use-cases/context.js';
import type { VerifiedRun } from '../shared/verified-run.js';
import { CHECK_ACTION, contentConfirmation, type RunValue } from './content/confirm.js';
import { startCheck } from './start-check.js';
import type { ObjectsState } from './state.js';
import { OBJECTS_WORDS } from './words.js';

export { CHECK_ACTION };

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
 * the store by what the value names; nothing else is taken from it. A content check is first
 * said, with its bounds and cost, to the clicker alone (`ask`), and starts from that message (`go`).
 */
export function checkButtonHandler(of: (ctx: HandlerContext) => ObjectsState) {
  return buttonHandler(async (ctx: HandlerContext, args) => {
    await ctx.require('operate', ctx.here, 'check the buckets');
    const run = parseRun(args.action.value);
    if (!run || !ctx.channelId) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.check.gone');
    const { resource } = await findResource(ctx, { exact: { connection: run.c, kind: run.k, id: run.id } });
    if (run.m === 'ask') {
      const connection = ctx.deps.connections.get(ctx.teamId, resource.connection);
      const person = await ctx.translator('person');
      return ctx.reply(contentConfirmation(resource, connection, person));
    }
    await startCheck(ctx, of(ctx), resource, false, run.m === 'go');
  });
}

function parseRun(value: string | undefined): (RunValue & { k: ResourceKind }) | undefined {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    const m = v.m === 'ask' || v.m === 'go' ? v.m : undefined;
    return typeof v.c === 'string' && typeof v.k === 'string' && typeof v.id === 'string'
      ? { c: v.c, k: v.k as ResourceKind, id: v.id, ...(m ? { m } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}
