import type { KnownBlock } from '@slack/types';
import { ENGLISH } from '../../../i18n/translator.js';
import { claimFailure } from '../../../use-cases/claim-failure.js';
import { claimLine, withClaim } from '../../blocks/claim.js';
import { renderWatchNotification } from '../../blocks/watch-notifications.js';
import { buttonHandler } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';

/** The message the button was on, when Slack sent it along (channel posts; not ephemeral replies). */
interface PostedOn {
  channel: string;
  ts: string;
  text: string;
  blocks: KnownBlock[];
}

function postedOn(body: unknown): PostedOn | undefined {
  const b = body as {
    container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    message?: { ts?: string; text?: string; blocks?: KnownBlock[] };
  };
  const c = b.container;
  if (c?.type !== 'message' || c.is_ephemeral || !c.channel_id || !b.message?.blocks) return undefined;
  return {
    channel: c.channel_id,
    ts: c.message_ts ?? b.message.ts ?? '',
    text: b.message.text ?? '',
    blocks: b.message.blocks,
  };
}

/**
 * "I'm on it" / "Hand back" on a failure post or a failed card: records the claim, then edits the
 * post in place through the one sender, so the whole channel sees who has it.
 */
export function claimButton(deps: AppDeps) {
  return buttonHandler(deps, async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const outcome = await claimFailure(ctx, deps.claims, { exact });
    const post = postedOn(args.body);
    // The watcher's other failure posts of it (the thread's, broadcast to the channel) say who too.
    for (const other of outcome.posts) {
      if (post && other.channel === post.channel && other.ts === post.ts) continue;
      const tr = deps.locales ? await deps.locales.translatorForChannel(ctx.teamId, other.channel) : ENGLISH;
      const drawn = renderWatchNotification(other.note, tr);
      await deps.sender
        .to(ctx.teamId)
        .update({
          channel: other.channel,
          ts: other.ts,
          text: drawn.text,
          blocks: withClaim(drawn.blocks, outcome.claim, tr),
        })
        .catch((error: unknown) =>
          ctx.logger.warn({ err: error, ts: other.ts }, 'a failure post was not edited'),
        );
    }
    if (post) {
      const tr = await ctx.translator('channel');
      await deps.sender.to(ctx.teamId).update({
        channel: post.channel,
        ts: post.ts,
        text: post.text,
        blocks: withClaim(post.blocks, outcome.claim, tr),
      });
      return;
    }
    // A private card: told only to the person who pressed it.
    const tr = await ctx.translator('person');
    const text = outcome.claim ? claimLine(outcome.claim, tr) : tr.t('claim.handedBack');
    await ctx.reply({ text, replaceOriginal: false });
  });
}
