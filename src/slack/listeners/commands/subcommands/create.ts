import type { HandlerContext } from '../../../../contract/handler-context.js';
import { defineSubcommand } from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import { CONNECTION_WORD, refuseShare } from '../../../command-text.js';
import { openCreate } from '../../views/create-flow.js';

/**
 * `/migrate create [connection|provider] [kind]`: opens the create modal at once with the command's
 * trigger (it lives 3 s); several matching connections or kinds get a picker first. Submitting asks
 * an approver; nothing is created before that.
 */
export async function openCreateModal(ctx: HandlerContext, words: string[]): Promise<void> {
  await ctx.require('create', ctx.here, 'ask for new migrations');
  if (!ctx.triggerId) throw InvalidInputError.of('create.error.noTrigger');
  // The modal follows the person who typed the command, wherever they typed it.
  const tr = await ctx.translator('person');
  await openCreate(
    ctx.deps,
    { teamId: ctx.teamId, userId: ctx.userId, channelId: ctx.channelId, tr },
    ctx.triggerId,
    words,
    ctx.logger,
  );
}

export const createCommand = defineSubcommand<{ words: string[] }>({
  name: 'create',
  needs: 'create',
  aliases: ['new'],
  usage: '/migrate create [connection|provider] [kind]',
  summary:
    'Opens a form for a new migration (OMS task or task group, NCP policy, UpCloud job); an approver approves it.',
  example: (f) => `/migrate create ${f.connection() ?? '<connection>'}`,
  related: ['connections', 'list', 'watch'],
  parse: (args, share) => {
    refuseShare('create', share);
    if (args.length > 2) {
      throw InvalidInputError.of('create.error.args');
    }
    const bad = args.find((a) => !CONNECTION_WORD.test(a.toLowerCase()));
    if (bad) throw InvalidInputError.of('create.error.badWord', { typed: bad.slice(0, 40) });
    return { words: args };
  },
  run: (ctx, { words }) => openCreateModal(ctx, words),
});
