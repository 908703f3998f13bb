import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { type AppDeps, handlerContextOf } from '../../context.js';
import { publishHome } from '../../home/publish-home.js';

export function appHomeOpened(deps: AppDeps) {
  return async ({
    event,
    client,
    context,
  }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    const ctx = handlerContextOf(context);
    try {
      await publishHome(deps, client, ctx.teamId, ctx.userId);
    } catch (error) {
      ctx.logger.error({ err: error }, 'could not publish the Home tab');
    }
  };
}
