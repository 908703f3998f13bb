import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { truncate } from '../../slack/blocks/mrkdwn.js';
import type { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { type ReconcileView, renderReconcile } from './reconcile-view.js';
import { type CheckOutcome, checkLines } from './report.js';
import { type RetryRun, retryBlocks } from './retry-view.js';
import { OBJECTS_WORDS } from './words.js';

export const CAPABILITY = 'objects';

/**
 * What a bucket check's post shows, handed as data to the watcher's one editor (ADR 0017's seam,
 * `watcher.capabilityPosts`): the check as it goes and ends, a check whose replica died, or the
 * reconciling check of a retry's objects.
 */
export type CheckView =
  | { kind: 'check'; outcome: CheckOutcome; retry?: RetryRun }
  | { kind: 'stopped'; ref: string }
  | ReconcileView;

/** Where a check's post is: one post per check (`id`), in the channel it was asked in. */
export interface CheckPost {
  teamId: string;
  channel: string;
  id: string;
}

/** The check's post, drawn by the editor at send time in the channel's language. Pure, escaped. */
export function renderCheckPost(view: CheckView, tr: Translator): CapabilityRendered {
  if (view.kind === 'reconcile') return renderReconcile(view, tr);
  if (view.kind === 'stopped') {
    const text = tr.with(OBJECTS_WORDS).t('objects.stopped', { ref: view.ref });
    return { text: truncate(text, 300), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const o = view.outcome;
  const lines = checkLines(o, tr);
  const retry = retryBlocks(o, view.retry, tr);
  return {
    text: truncate(lines[0] ?? '', 300),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3_000) } },
      ...retry,
    ],
  };
}

/**
 * Shows `view` on the check's post through the one editor: posted the first time, edited when it
 * changed, within the workspace's edit budget. `final`: a held edit (the budget spent) is tried
 * again in the next windows, so the result lands; a progress edit waits for the next page.
 * Returns the post's ts once it is in Slack.
 */
export async function showCheck(
  deps: { posts: CapabilityPosts; clock: { sleep(ms: number): Promise<void> }; logger: Logger },
  post: CheckPost,
  view: CheckView,
  final = false,
): Promise<string | undefined> {
  const where = { capability: CAPABILITY, id: post.id, channel: post.channel };
  try {
    for (let tries = 0; ; tries++) {
      const shown = await deps.posts.show(post.teamId, where, view);
      if (shown !== 'held' || !final || tries >= FINAL_TRIES) break;
      await deps.clock.sleep(EDIT_WINDOW_MS);
    }
    return (await deps.posts.where(post.teamId, CAPABILITY, post.id))?.ts;
  } catch (error) {
    deps.logger.warn({ err: error, post: post.id }, 'bucket check post not drawn');
    return undefined;
  }
}

/** A final edit held by the budget is tried again this often, this many times (Slack's edit tier). */
const EDIT_WINDOW_MS = 10_000;
const FINAL_TRIES = 6;
