import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { code, section } from '../../slack/blocks/mrkdwn.js';
import { parseRef, refuseShare } from '../../slack/command-text.js';
import { SYNC_EVENT_WORDS } from './words.js';

export const syncEventCommand = defineSubcommand<{ ref: ResourceRef; keys: string[] }>({
  name: 'sync-event',
  needs: 'operate',
  aliases: ['sync-objects'],
  usage: '/migrate sync-event <sync task id> <object key> …',
  summary: SYNC_EVENT_WORDS.en['help.summary.sync-event'],
  words: SYNC_EVENT_WORDS,
  example: (f) =>
    `/migrate sync-event ${f.id({ kinds: ['sync-task'] }) ?? '<sync task id>'} photos/2026/a.jpg`,
  related: ['sync', 'status'],
  parse: (args, share) => {
    refuseShare('sync-event', share);
    const [refWord, ...keys] = args;
    if (keys.length === 0) throw InvalidInputError.in(SYNC_EVENT_WORDS, 'sync-event.error.none');
    if (keys.length > 100)
      throw InvalidInputError.in(SYNC_EVENT_WORDS, 'sync-event.error.many', { n: keys.length });
    return { ref: parseRef('sync-event', refWord ? [refWord] : []), keys };
  },
  async run(ctx, { ref, keys }) {
    await ctx.require('operate', ctx.here, 'send sync events');
    const { provider, resource } = await ctx.deps.resources.resolver.resolve(ctx.teamId, ref);
    if (!provider.syncEvent || resource.kind !== 'sync-task') {
      throw InvalidInputError.in(SYNC_EVENT_WORDS, 'sync-event.error.kind', {
        name: resource.name,
        kind: resource.kind,
      });
    }
    const syncEvent = provider.syncEvent.bind(provider);
    await ctx.audited('sync-event', `${resource.connection}:${resource.id}`, () =>
      syncEvent(resource.kind, resource.id, keys),
    );
    const tr = (await ctx.translator('person')).with(SYNC_EVENT_WORDS);
    const where = code(`${resource.connection}:${resource.id}`);
    await ctx.reply({
      text: tr.t('sync-event.sent', { n: keys.length, name: resource.name }),
      blocks: [section(tr.t('sync-event.sentTo', { n: keys.length, ref: where, op: code(ctx.opId) }))],
    });
  },
});
