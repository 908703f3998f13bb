import { WORKSPACE } from '../../../access/policy.js';
import { truncate } from '../../blocks/mrkdwn.js';
import { renderResourceCard } from '../../blocks/resource-card.js';
import { type ButtonArgs, whoClicked } from '../../button-handler.js';
import type { AppDeps } from '../../context.js';
import { decodeResourceButton } from '../../resource-button.js';
import { publishHome } from '../events/app-home-opened.js';

function teamOf(args: ButtonArgs): string {
  return whoClicked(args.body).teamId;
}

export function homeRefresh(deps: AppDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await publishHome(deps, args.client, teamOf(args), args.body.user.id).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'could not refresh the Home tab'),
    );
  };
}

/**
 * Home-tab buttons have no response_url, so Open shows the card in a modal; acting on it is done
 * from a channel, where the outcome is visible to others.
 */
export function homeOpen(deps: AppDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const teamId = teamOf(args);
    const trigger = args.body.trigger_id;
    try {
      await deps.access.require({ teamId, userId: args.body.user.id }, 'view', WORKSPACE, 'see migrations');
      const target = decodeResourceButton(args.action.value);
      const { provider, resource } = await deps.resolver.fetch(
        teamId,
        target.connection,
        target.kind,
        target.id,
      );
      const blocks = renderResourceCard(resource, provider.actionsFor(resource), {
        withActions: false,
        now: deps.clock.now(),
      });
      blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Act on it from a channel: \`/migrate status ${resource.connection}:${resource.id}\``,
          },
        ],
      });
      await deps.sender.to(teamId, { client: args.client }).openView(trigger, {
        type: 'modal',
        title: { type: 'plain_text', text: truncate(resource.kind, 24) },
        close: { type: 'plain_text', text: 'Close' },
        blocks,
      });
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not open a resource from the Home tab');
    }
  };
}
