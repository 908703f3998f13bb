import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { isUserId } from '../../../watcher/outbox/broken-channel.js';
import type { AppDeps } from '../../context.js';

/**
 * The bot was invited (back) to a channel: the watches there that broke because Slack refused the
 * channel are tried again at once, without anyone typing `/migrate watch`. Another member joining
 * is ignored.
 */
export function memberJoinedChannel(deps: AppDeps) {
  return async ({
    event,
    context,
  }: SlackEventMiddlewareArgs<'member_joined_channel'> & AllMiddlewareArgs): Promise<void> => {
    if (!context.botUserId || event.user !== context.botUserId) return;
    const teamId = context.teamId ?? event.team;
    try {
      const repaired = await deps.watcher.repairChannel(teamId, event.channel);
      for (const record of repaired) {
        await deps.audit.record({
          team: teamId,
          user: event.inviter && isUserId(event.inviter) ? event.inviter : 'watcher',
          channel: event.channel,
          action: 'watch.repaired',
          target: `${record.watch.connection}:${record.watch.id}`,
          result: 'ok',
          detail: 'the bot was invited back; held notifications follow',
          op: 'event',
        });
      }
    } catch (error) {
      deps.logger.error({ err: error, channel: event.channel }, 'could not repair the watches of a channel');
    }
  };
}
