import type { KnownBlock } from '@slack/types';
import { NotFoundError } from '../../../errors.js';
import type { Translator } from '../../../i18n/translator.js';
import type { ResourceAction } from '../../../providers/types.js';
import type { Acted } from '../../../use-cases/act-on-resource.js';
import type { ResourceTarget } from '../../../use-cases/context.js';
import { showResource } from '../../../use-cases/show-resource.js';
import { escapeMrkdwn, truncate } from '../../blocks/mrkdwn.js';
import { actionLabel, whoActed } from '../../blocks/resource-card.js';
import { stateLabel } from '../../blocks/state-words.js';
import { renderActed, renderShown } from '../../blocks/use-case-replies.js';
import type { ButtonArgs } from '../../button-handler.js';
import type { AppDeps, HandlerContext } from '../../context.js';

/** States that mean "asked, not done yet": the card is checked again until they settle. */
const UNDER_WAY: ReadonlySet<string> = new Set(['pausing', 'deleting']);

/**
 * A button pressed on a channel post that is out of date (someone resumed it already): nothing is
 * done, and the person is told so in the channel itself (only they see it), with the card as it
 * is now, not in a thread they may not have open (issue #39). False when the button still applies.
 */
export async function answerStale(
  deps: AppDeps,
  ctx: HandlerContext,
  args: ButtonArgs,
  action: ResourceAction,
  target: ResourceTarget,
): Promise<boolean> {
  const container = (args.body as { container?: { is_ephemeral?: boolean } }).container;
  if (container?.is_ephemeral !== false || !ctx.channelId) return false;
  const shown = await showResource(ctx, target);
  if (shown.actions.includes(action)) return false;
  const tr = await ctx.translator('person');
  const r = shown.resource;
  const who = shown.lastAction && whoActed(r, shown.lastAction, tr);
  const text = tr.t('stale.notDone', {
    button: actionLabel(action, tr),
    name: escapeMrkdwn(truncate(shown.title ?? r.name, 200)),
    state: stateLabel(r, tr),
    who: who ? ` (${who})` : '',
  });
  const card = renderShown(shown, { tr });
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }, ...(card.blocks ?? [])];
  await deps.sender.to(ctx.teamId).ephemeral({ channel: ctx.channelId, user: ctx.userId, text, blocks });
  return true;
}

/**
 * After a pause or a delete the provider takes a while to show: the card is checked again (the
 * watcher's schedule, `settleSoon`) until the state settles, then redrawn in place with it, so
 * nobody has to press Refresh. Op ids stay in the logs and the audit.
 */
export function settleAfter(
  deps: AppDeps,
  ctx: HandlerContext,
  args: ButtonArgs,
  acted: Acted,
  target: ResourceTarget,
  tr: Translator,
  shared: boolean,
): void {
  if (!acted.after || !UNDER_WAY.has(acted.after.state)) return;
  const redraw = async (now: Acted) => {
    const reply = renderActed(now, ctx, tr);
    await deps.sender
      .to(ctx.teamId)
      .respond(args.respond, { ...reply, response_type: 'ephemeral', replace_original: true });
  };
  deps.watcher.settleSoon(async () => {
    try {
      const shown = await showResource(ctx, target);
      if (UNDER_WAY.has(shown.resource.state)) return false;
      await redraw({ ...acted, after: shown.resource, actions: shared ? shown.actions : shown.mayUse });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await redraw({ ...acted, after: undefined, actions: [] });
    }
    ctx.logger.info({ action: acted.action, op: ctx.opId }, 'card redrawn once its action settled');
    return true;
  });
}
