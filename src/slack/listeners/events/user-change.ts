import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../context.js';

/**
 * Someone changed their profile (their Slack language, say): what the bot cached about them is
 * dropped, so the next reply is in their new language and their admin rights are read afresh.
 */
export function userChange(deps: AppDeps) {
  return async ({
    event,
    context,
  }: SlackEventMiddlewareArgs<'user_change'> & AllMiddlewareArgs): Promise<void> => {
    const user = event.user as { id?: unknown; team_id?: unknown };
    const teamId = context.teamId ?? (typeof user.team_id === 'string' ? user.team_id : undefined);
    if (typeof user.id !== 'string' || !teamId) return;
    deps.slack.locales.forgetUser(teamId, user.id);
  };
}
