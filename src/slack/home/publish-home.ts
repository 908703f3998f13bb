import type { AllMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { renderAppHome } from '../blocks/app-home.js';
import type { AppDeps } from '../context.js';
import { buildHome } from './build-home.js';

type HomeClient = AllMiddlewareArgs['client'];

/**
 * Builds and publishes the Home tab of one user; `notice` says what their last click there did (a
 * sentence, or the reply's blocks when it has more than a sentence: a rejection's reason as typed).
 */
export async function publishHome(
  deps: AppDeps,
  client: HomeClient,
  teamId: string,
  userId: string,
  notice?: string | readonly KnownBlock[],
): Promise<void> {
  // The Home tab is the viewer's own: in their Slack language.
  const tr = await deps.slack.locales.translatorForUser(teamId, userId);
  const view = await buildHome(deps, { teamId, userId }, tr);
  // The capabilities' own sections (src/capabilities/: a plan's waves), drawn in the same language.
  const { first, after } = await deps.capabilities.homeBlocks({ teamId, userId }, tr, deps.clock.now());
  const extra = after as KnownBlock[];
  await deps.slack.sender.to(teamId, { client }).publishHome(userId, {
    type: 'home',
    blocks: renderAppHome({ ...view, first: first as KnownBlock[], extra }, tr, notice),
  });
}
