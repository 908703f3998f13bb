import type { HandlerContext } from '../../contract/handler-context.js';
import { asAppError, isRefusal } from '../../errors.js';
import { ENGLISH } from '../../i18n/translator.js';
import { AmbiguousRefError } from '../../resources/resolve-resource.js';
import { titlesIn } from '../../resources/resource-titles.js';
import { renderAmbiguous, renderError } from '../blocks/error-message.js';
import { requestDone } from '../context.js';

/**
 * Runs a handler after its ack: any failure becomes a specific reply to the user (never silence),
 * and is logged once with the op id the reply quotes.
 */
export async function runSafely(ctx: HandlerContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    requestDone(ctx, 'ok');
  } catch (thrown) {
    const error = asAppError(thrown);
    requestDone(ctx, isRefusal(error) ? 'refused' : 'failed');
    if (isRefusal(error)) ctx.logger.info({ code: error.code, reason: error.message }, 'request refused');
    else ctx.logger.error({ err: thrown, code: error.code }, 'request failed');
    // In the asker's language; a lookup that fails leaves the answer English rather than unsaid.
    const tr = await ctx.translator().catch(() => ENGLISH);
    const message =
      error instanceof AmbiguousRefError
        ? renderAmbiguous(error, tr, await pickerTitles(ctx, error))
        : renderError(error, ctx.opId, tr);
    try {
      await ctx.reply({ ...message, replaceOriginal: false });
    } catch (replyError) {
      ctx.logger.error({ err: replyError }, 'could not tell the user about a failure');
    }
  }
}

/** The titles of a picker's candidates (what their cards lead with); none when the store does not answer. */
async function pickerTitles(
  ctx: HandlerContext,
  error: AmbiguousRefError,
): Promise<Map<string, string> | undefined> {
  return titlesIn(ctx.deps)
    ?.many(ctx.teamId, error.candidates)
    .catch(() => undefined);
}
