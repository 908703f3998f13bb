import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { parseRef } from '../../slack/command-text.js';
import { findResource } from '../../use-cases/context.js';
import { startCheck } from './start-check.js';
import { type ObjectsState, runKey } from './state.js';
import { OBJECTS_WORDS } from './words.js';

type Parsed = { ref: ResourceRef; deep: boolean; cancel: boolean };

/**
 * `/migrate verify <id> [deep]`: checks a finished migration's buckets in the background
 * and draws what it finds on a post in the channel; `/migrate verify cancel <id>` stops it.
 */
export function verifyCommand(of: (ctx: HandlerContext) => ObjectsState) {
  return defineSubcommand<Parsed>({
    name: 'verify',
    needs: 'operate',
    usage: '/migrate verify <id> [deep]',
    forms: [
      { words: [''], usage: '/migrate verify <id> [deep]' },
      { words: ['cancel'], usage: '/migrate verify cancel <id>' },
    ],
    summary: OBJECTS_WORDS.en['help.summary.verify'],
    words: OBJECTS_WORDS,
    example: (f) => `/migrate verify ${f.id({ states: ['succeeded', 'failed'] }) ?? '<id>'}`,
    related: ['status', 'watch'],
    parse(args) {
      const words = args.map((w) => w.toLowerCase());
      const cancel = words[0] === 'cancel';
      const rest = cancel ? args.slice(1) : args;
      const deep = !cancel && rest.length === 2 && rest[1]!.toLowerCase() === 'deep';
      if (rest.length === 0 || rest.length > (deep ? 2 : 1))
        throw InvalidInputError.in(OBJECTS_WORDS, 'objects.error.usage');
      return { ref: parseRef('verify', rest.slice(0, 1)), deep, cancel };
    },
    async run(ctx, parsed) {
      await ctx.require('operate', ctx.here, 'check the buckets');
      const s = of(ctx);
      const { resource } = await findResource(ctx, { ref: parsed.ref });
      const ref = `${resource.connection}:${resource.id}`;
      const key = runKey(ctx.teamId, resource);
      const person = await ctx.translator('person');
      if (parsed.cancel) {
        const running = await s.kv.get(key);
        if (!running)
          return ctx.reply({ text: person.with(OBJECTS_WORDS).t('objects.nothingToCancel', { ref }) });
        await ctx.audited('cancel bucket check', ref, () => s.kv.update(`${key}:cancel`, () => ctx.userId));
        return ctx.reply({ text: person.with(OBJECTS_WORDS).t('objects.cancelAsked', { ref }) });
      }
      await startCheck(ctx, s, resource, parsed.deep);
    },
  });
}
