import { z } from 'zod';
import { channelScope } from '../../../access/policy.js';
import type { HandlerContext } from '../../../contract/handler-context.js';
import { defineSubcommand } from '../../../contract/subcommand.js';
import type { ResourceRef } from '../../../domain/migration-resource.js';
import { InvalidInputError } from '../../../errors.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { parseRef } from '../../../slack/command-text.js';
import { findResource } from '../../../use-cases/context.js';
import { cardOf } from '../../../watcher/outbox/living-posts.js';
import { watchesOf } from '../../../watcher/watch-notes.js';
import type { CutoverState } from '../state.js';
import { CUTOVER_WORDS } from '../words.js';
import { startOldBucketWatch } from './old-bucket-watch.js';
import { MAX_WATCH_DAYS } from './watch-record.js';

export interface WatchInput {
  ref: ResourceRef;
  days: number;
}

const days = z.coerce.number().int().min(1).max(MAX_WATCH_DAYS);

/** `watch <id> <days>`: the words after `/migrate cutover` (a cut-over command can hand them here). */
export function parseWatch(args: string[]): WatchInput {
  if (args.length !== 3 || args[0]?.toLowerCase() !== 'watch')
    throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.error.usage', { max: MAX_WATCH_DAYS });
  const d = days.safeParse(args[2]);
  if (!d.success)
    throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.error.days', { max: MAX_WATCH_DAYS });
  return { ref: parseRef('cutover', args.slice(1, 2)), days: d.data };
}

/**
 * Starts the old-bucket watch by hand on a migration that succeeded (the cut-over is now): operate
 * where typed and in its card's channel, where its batches are told.
 */
export async function watchByHand(ctx: HandlerContext, s: CutoverState, input: WatchInput): Promise<void> {
  await ctx.require('operate', ctx.here, 'watch the old bucket');
  const { resource } = await findResource(ctx, { ref: input.ref });
  const ref = `${resource.connection}:${resource.id}`;
  if (resource.state !== 'succeeded')
    throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.refused.state', { state: resource.state });
  const watches = await watchesOf(s.core.watcher.store, { teamId: ctx.teamId, ...resource });
  const found = watches.find((w) => w.record.watch.channelId === ctx.channelId) ?? watches[0];
  if (!found) throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.refused.unwatched', { ref });
  const channel = found.record.watch.channelId;
  if (channel !== ctx.channelId) await ctx.require('operate', channelScope(channel), 'watch the old bucket');
  await ctx.audited('cutover.watch.start', ref, () =>
    startOldBucketWatch(s, {
      teamId: ctx.teamId,
      connectionId: resource.connection,
      resourceId: resource.id,
      channel,
      threadTs: cardOf(found.record)?.ts ?? '',
      since: s.core.clock.now(),
      days: input.days,
    }),
  );
  const tr = (await ctx.translator('person')).with(CUTOVER_WORDS);
  await ctx.reply({
    text: tr.t('cutover.watch.asked', { ref: code(ref), days: input.days, channel: `<#${channel}>` }),
  });
}

/**
 * `/migrate cutover watch <id> <days>`. The guided cut-over's own `/migrate cutover <id>` (another
 * change) takes this name too: it then hands `watch …` to `parseWatch`/`watchByHand` instead.
 */
export function watchCommand(of: (ctx: HandlerContext) => CutoverState) {
  return defineSubcommand<WatchInput>({
    name: 'cutover',
    needs: 'operate',
    usage: '/migrate cutover watch <id> <days>',
    forms: [{ words: ['watch'], usage: '/migrate cutover watch <id> <days>' }],
    summary: CUTOVER_WORDS.en['help.summary.cutover'],
    words: CUTOVER_WORDS,
    example: (f) => `/migrate cutover watch ${f.id({ states: ['succeeded'] }) ?? '<id>'} 7`,
    related: ['keep-sync', 'verify'],
    parse: (args) => parseWatch(args),
    run: (ctx, parsed) => watchByHand(ctx, of(ctx), parsed),
  });
}
