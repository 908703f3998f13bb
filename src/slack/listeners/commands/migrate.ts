import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { InvalidInputError, localized } from '../../../errors.js';
import { workSlotReleaser } from '../../ack-first-receiver.js';
import { afterAck } from '../../after-ack.js';
import { closest, splitCommand } from '../../command-text.js';
import { type AppDeps, createHandlerContext } from '../../context.js';
import { answerInTime } from '../../interactive-budget.js';
import { findSubcommand, subcommandNames } from './subcommands/index.js';

/** The fields of a slash-command payload the bot relies on. */
const commandPayloadSchema = z.object({
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  trigger_id: z.string().optional(),
  text: z.string().max(4000).default(''),
});

export function migrateCommand(deps: AppDeps) {
  return async ({
    command,
    ack,
    respond,
    context,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await afterAck();
    const payload = commandPayloadSchema.parse(command);
    const asked = createHandlerContext(
      deps,
      {
        teamId: payload.team_id,
        userId: payload.user_id,
        channelId: payload.channel_id,
        triggerId: payload.trigger_id,
      },
      respond,
      'command',
    );
    const options = {
      surface: 'command',
      releaseSlot: workSlotReleaser(context),
      budget: deps.interactiveBudget,
    } as const;
    await answerInTime(asked, options, async (ctx) => {
      const { head, args, share } = splitCommand(payload.text);
      const subcommand = findSubcommand(head ?? 'help');
      ctx.what = subcommand?.name ?? 'unknown subcommand';
      if (!subcommand) {
        const suggestion = closest(head ?? '', subcommandNames());
        const typed = (head ?? '').slice(0, 40);
        throw localized(
          new InvalidInputError(
            `Unknown subcommand \`${typed}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} Try \`/migrate help\`.`,
          ),
          suggestion ? 'error.unknownSubcommandDidYouMean' : 'error.unknownSubcommand',
          { typed, suggestion: suggestion ?? '' },
        );
      }
      await subcommand.execute(ctx, args, share);
    });
  };
}
