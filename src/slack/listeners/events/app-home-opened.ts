import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { publishHome } from '../../home/publish-home.js';

export function appHomeOpened(deps: AppDeps) {
  return async ({
    event,
    client,
    context,
    logger,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, client, context.teamId ?? '', event.user);
    } catch (error) {
      logger.error(error);
    }
  };
}
