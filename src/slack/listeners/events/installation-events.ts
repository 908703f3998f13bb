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

/** The app was removed from a workspace (or org): forget its installation and tokens (OAuth mode). */
export function appUninstalled(deps: AppDeps) {
  return async (args: EventArgs<'app_uninstalled'>): Promise<void> => {
    const store = deps.slackClients.installations;
    if (!store) return;
    const where = installationOf(args);
    try {
      await store.deleteInstallation(where);
    } catch (error) {
      deps.logger.error({ err: error, ...where }, 'could not delete the installation after app_uninstalled');
    }
  };
}

/** The bot token was revoked: the installation is useless, so it is deleted (a new install stores a new one). */
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
