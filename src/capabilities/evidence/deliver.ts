import type { HandlerContext } from '../../contract/handler-context.js';
import { InvalidInputError } from '../../errors.js';
import { escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { cardOf } from '../../watcher/outbox/living-posts.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import { buildBundle, type EvidenceState, type PlanSubject, type Subject } from './evidence-bundle.js';
import { EVIDENCE_WORDS } from './words.js';

/**
 * Builds the resource's signed bundle and uploads it, one file, through the one sender: into
 * `thread` (the post a button was on), else the thread of the resource's card in this channel,
 * else the channel. The asker is told where, how many parts and which key signed it.
 */
export async function deliverBundle(
  ctx: HandlerContext,
  s: EvidenceState,
  target: (Subject & { kind: WatchRecord['watch']['kind'] }) | PlanSubject,
  thread?: { channel: string; ts: string },
): Promise<void> {
  const channel = thread?.channel ?? ctx.channelId;
  if (!channel) throw InvalidInputError.in(EVIDENCE_WORDS, 'evidence.gone');
  const bundle = await buildBundle(s, ctx, target);
  const resource = 'resources' in target ? undefined : target;
  let threadTs = thread?.ts;
  if (!threadTs && resource) {
    const record = await ctx.deps.watcher.store.read<WatchRecord>(
      watchKey({ teamId: ctx.teamId, channelId: channel, ...resource }),
    );
    threadTs = record ? cardOf(record)?.ts : undefined;
  }
  const ref = resource ? `${resource.connection}:${resource.id}` : bundle.subject;
  const channelTr = await ctx.translator('channel');
  await ctx.deps.slack.sender.to(ctx.teamId).uploadFile({
    channel,
    ...(threadTs ? { threadTs } : {}),
    bytes: Buffer.from(bundle.text, 'utf8'),
    filename: bundle.filename,
    title: truncate(channelTr.with(EVIDENCE_WORDS).t('evidence.file.title', { ref }), 200),
  });
  const tr = (await ctx.translator('person')).with(EVIDENCE_WORDS);
  await ctx.reply({
    text: tr.t('evidence.done', {
      ref: escapeMrkdwn(ref),
      where: tr.t(threadTs ? 'evidence.where.thread' : 'evidence.where.channel'),
      parts: bundle.parts.length,
      keyId: bundle.keyId,
    }),
  });
}
