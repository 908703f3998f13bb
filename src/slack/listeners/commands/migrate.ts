import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { InvalidInputError } from '../../../errors.js';
import { closest, splitCommand } from '../../command-text.js';
import { handlerContextOf } from '../../context.js';
import { findSubcommand, subcommandNames } from './subcommands/index.js';

export function migrateCommand() {
  return async ({ command, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const ctx = handlerContextOf(context);
    const { head, args, share } = splitCommand(command.text);
    const running = ctx.deps.capabilities;
    const subcommand = findSubcommand(head ?? 'help', running);
    ctx.what = subcommand?.name ?? 'unknown subcommand';
    if (!subcommand) {
      const suggestion = closest(head ?? '', subcommandNames(running));
      const typed = (head ?? '').slice(0, 40);
      throw InvalidInputError.of(
        suggestion ? 'error.unknownSubcommandDidYouMean' : 'error.unknownSubcommand',
        {
          typed,
          suggestion: suggestion ?? '',
        },
      );
    }
    await subcommand.execute(ctx, args, share);
  };
}
