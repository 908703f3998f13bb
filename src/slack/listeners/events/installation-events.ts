import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import type { ListenerRoutes } from '../router.js';

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.event('app_uninstalled', appUninstalled(deps));
  routes.event('tokens_revoked', tokensRevoked(deps));
}

type EventArgs<E extends 'app_uninstalled' | 'tokens_revoked'> = SlackEventMiddlewareArgs<E> &
  AllMiddlewareArgs;

/** Where an event came from: an org-wide install is known by its enterprise id, any other by its workspace. */
function installationOf(args: EventArgs<'app_uninstalled' | 'tokens_revoked'>) {
  const body = args.body as { team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean };
  const orgWide = body.is_enterprise_install === true || args.context.isEnterpriseInstall === true;
  return {
    teamId: orgWide ? undefined : (args.context.teamId ?? body.team_id),
    enterpriseId: args.context.enterpriseId ?? body.enterprise_id,
    isEnterpriseInstall: orgWide,
  };
}

/**
 * The app was removed from a workspace (or org): its installation and tokens are forgotten (OAuth
 * mode), and in every mode the workspace's data is deleted and its watches stop (WorkspaceDeparture).
 * Both run holding the installation's lock, so an install racing the uninstall is never half
 * deleted; both are idempotent, so a repeated event or a second replica changes nothing more.
 */
export function appUninstalled(deps: AppDeps) {
  return async (args: EventArgs<'app_uninstalled'>): Promise<void> => {
    const store = deps.slackClients.installations;
    const where = installationOf(args);
    const workspace = workspaceOf(args);
    const forget = async () => {
      if (store) {
        try {
          await store.deleteInstallation(where);
        } catch (error) {
          deps.logger.error(
            { err: error, ...where },
            'could not delete the installation after app_uninstalled',
          );
        }
      }
      // An org-wide uninstall names no one workspace: each keeps its data until it is named.
      if (workspace) await deps.departures?.forget(workspace);
      else deps.logger.warn({ ...where }, 'app_uninstalled names no workspace: no workspace data deleted');
    };
    try {
      await (store ? store.withInstallationLock(where, forget) : forget());
    } catch (error) {
      deps.logger.error(
        { err: error, ...where },
        'could not delete the workspace data after app_uninstalled',
      );
    }
  };
}

/** The workspace whose data an event concerns: its team id, unless it came for a whole org. */
function workspaceOf(args: EventArgs<'app_uninstalled'>): string | undefined {
  const team = installationOf(args).teamId;
  return team && /^T[A-Z0-9]{2,}$/.test(team) ? team : undefined;
}

/**
 * The bot token was revoked: the installation is useless, so it is deleted (a new install stores a
 * new one). The workspace's data stays: Slack says revoking a bot token does not uninstall the app
 * (auth.revoke), and a real uninstall also sends `app_uninstalled`, which deletes it.
 */
export function tokensRevoked(deps: AppDeps) {
  return async (args: EventArgs<'tokens_revoked'>): Promise<void> => {
    const store = deps.slackClients.installations;
    if (!store) return;
    const bots = args.event.tokens.bot ?? [];
    if (bots.length === 0) return;
    const where = installationOf(args);
    try {
      await store.deleteInstallation(where);
    } catch (error) {
      deps.logger.error({ err: error, ...where }, 'could not delete the installation after tokens_revoked');
    }
  };
}
