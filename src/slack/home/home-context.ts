import type { AllMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { HandlerContext } from '../../contract/handler-context.js';
import { type AppDeps, createHandlerContext } from '../context.js';
import { publishHome } from './publish-home.js';

/**
 * The context of a click on the Home tab: there is no response_url there, so its answer is the tab
 * itself, redrawn with the answer on top (what the request became, or why not).
 */
export function homeContext(
  deps: AppDeps,
  who: { teamId: string; userId: string; what: string },
  client: AllMiddlewareArgs['client'],
): HandlerContext {
  return createHandlerContext(
    deps,
    { ...who, channelId: undefined },
    async (message) => {
      // A rejection's reason comes as a block of its own: shown as the reply has it.
      const blocks = Array.isArray(message.blocks) ? (message.blocks as KnownBlock[]) : undefined;
      await publishHome(deps, client, who.teamId, who.userId, blocks ?? String(message.text ?? ''));
    },
    'button',
  );
}
