import type { KnownBlock } from '@slack/types';
import type { HandlerContext } from '../../../contract/handler-context.js';
import type { ResourceKind } from '../../../domain/migration-resource.js';
import { NotFoundError, ProviderError } from '../../../errors.js';
import type { ResourceAction } from '../../../providers/types.js';
import { ActionRefusedError } from '../../../resources/perform-action.js';
import { shownWith } from '../../../use-cases/show-resource.js';
import { liveStateLabel } from '../../blocks/living-posts.js';
import { code, escapeMrkdwn, section, truncate } from '../../blocks/mrkdwn.js';
import { actionLabel, whoActed } from '../../blocks/resource-card.js';
import { stateLabel, stateLabelIn } from '../../blocks/state-words.js';
import { renderShown } from '../../blocks/use-case-replies.js';
import type { AppDeps } from '../../context.js';

/**
 * A button pressed on a channel post that is out of date (someone resumed it already): the
 * provider refused the action (or the fresh read before a delete did), nothing was done, and the
 * person is told so in the channel itself (only they see it), with the card as it is now, drawn
 * from the read the refusal made, not in a thread they may not have open. False when
 * `error` is no such refusal.
 */
export async function answerStale(
  deps: AppDeps,
  ctx: HandlerContext,
  action: ResourceAction,
  exact: { connection: string; kind: ResourceKind; id: string },
  error: unknown,
): Promise<boolean> {
  if (!ctx.channelId) return false;
  // Deleted meanwhile: said in words, not as the provider's 404 with op and request ids.
  if (isGone(error)) {
    await answerGone(deps, ctx, action, exact);
    return true;
  }
  if (!(error instanceof ActionRefusedError)) return false;
  const shown = await shownWith(ctx, error.resource, {
    actions: error.actions,
    mayUse: error.mayUse,
    mayWatch: true,
  });
  const tr = await ctx.translator('person');
  const r = shown.resource;
  const who = shown.lastAction && whoActed(r, shown.lastAction, tr, ctx.deps.capabilities);
  const text = tr.t('stale.notDone', {
    button: actionLabel(action, tr),
    name: escapeMrkdwn(truncate(shown.title ?? r.name, 200)),
    state: stateLabel(r, tr),
    who: who ? ` (${who})` : '',
  });
  const card = renderShown(shown, { tr, now: ctx.deps.clock.now(), drawing: ctx.deps.capabilities });
  const blocks: KnownBlock[] = [section(text), ...(card.blocks ?? [])];
  await deps.slack.sender
    .to(ctx.teamId)
    .ephemeral({ channel: ctx.channelId, user: ctx.userId, text, blocks });
  return true;
}

/** The provider no longer knows it (the watcher reads a 404 the same way, `observe.ts`). */
function isGone(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ProviderError && error.httpStatus === 404);
}

/** A stale button of a resource that is gone: Deleted (by whom, if through the bot), or no longer found. */
async function answerGone(
  deps: AppDeps,
  ctx: HandlerContext,
  action: ResourceAction,
  exact: { connection: string; kind: ResourceKind; id: string },
): Promise<void> {
  await ctx.require('view', ctx.here, 'see migrations');
  const tr = await ctx.translator('person');
  const last = await ctx.deps.resources.lastActions.get(ctx.teamId, exact).catch(() => undefined);
  const deleted = last?.action === 'delete';
  const who = deleted ? whoActed({ state: 'deleted' }, last, tr, ctx.deps.capabilities) : undefined;
  const text = tr.t('stale.notDone', {
    button: actionLabel(action, tr),
    name: code(exact.id),
    state: deleted ? stateLabelIn('deleted', tr) : liveStateLabel('gone', tr),
    who: who ? ` (${who})` : '',
  });
  const blocks: KnownBlock[] = [section(text)];
  await deps.slack.sender
    .to(ctx.teamId)
    .ephemeral({ channel: ctx.channelId!, user: ctx.userId, text, blocks });
}
