import type { AllMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { AppDeps, RespondFn } from '../context.js';
import { publishHome } from './publish-home.js';

/**
 * How a request from the Home tab answers: there is no response_url there, so its answer is the
 * tab itself, redrawn with the answer on top (what the request became, or why not).
 */
export function homeAnswers(
  deps: AppDeps,
  who: { teamId: string; userId: string },
  client: AllMiddlewareArgs['client'],
): RespondFn {
  return async (message) => {
    // A rejection's reason comes as a block of its own: shown as the reply has it.
    const blocks = Array.isArray(message.blocks) ? (message.blocks as KnownBlock[]) : undefined;
    await publishHome(deps, client, who.teamId, who.userId, blocks ?? String(message.text ?? ''));
  };
}
