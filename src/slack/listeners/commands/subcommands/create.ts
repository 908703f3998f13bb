import { InvalidInputError, localized } from '../../../../errors.js';
import { CONNECTION_WORD, refuseShare } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { openCreate } from '../../views/create-flow.js';
import { defineSubcommand } from '../subcommand.js';

/**
 * `/migrate create [connection|provider] [kind]`: opens the create modal at once with the command's
 * trigger (it lives 3 s); several matching connections or kinds get a picker first. Submitting asks
 * an approver; nothing is created before that.
 */
export async function openCreateModal(ctx: HandlerContext, words: string[]): Promise<void> {
  await ctx.require('create', ctx.here, 'ask for new migrations');
  if (!ctx.triggerId)
    throw localized(
      new InvalidInputError('Slack sent no trigger to open a form with; try again.'),
      'create.error.noTrigger',
    );
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
  parse: (args, share) => {
    refuseShare('create', share);
    if (args.length > 2) {
      throw localized(
        new InvalidInputError(
          '`/migrate create` takes at most a connection (or provider) and a kind, e.g. `/migrate create hw-prod task-group`.',
        ),
        'create.error.args',
      );
    }
    const bad = args.find((a) => !CONNECTION_WORD.test(a.toLowerCase()));
    if (bad)
      throw localized(
        new InvalidInputError(`"${bad.slice(0, 40)}" is not a connection, provider or kind name.`),
        'create.error.badWord',
        { typed: bad.slice(0, 40) },
      );
    return { words: args };
  },
  run: (ctx, { words }) => openCreateModal(ctx, words),
});
