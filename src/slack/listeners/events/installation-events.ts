import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerRoutes } from '../../../contract/listeners.js';
import type { AppDeps } from '../../context.js';

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
 * Before `app_uninstalled` is acknowledged: its tombstones (one write per member), so a command
 * sent within milliseconds of Slack's 200 is refused too. The listener then does the rest.
 */
export function tombstoneBeforeAck(deps: AppDeps) {
  return async (body: Record<string, unknown>): Promise<void> => {
    const event = body.event as { type?: string } | undefined;
    if (body.type !== 'event_callback' || event?.type !== 'app_uninstalled') return;
    type Where = { team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean };
    const b = body as Where & { authorizations?: Where[] };
    // The Events API says org-wide in `authorizations[0]` (as Bolt reads it), not always on top.
    const auth = b.authorizations?.[0];
    await deps.slack.departures.tombstone({
      teamId: b.team_id,
      enterpriseId: b.enterprise_id ?? auth?.enterprise_id,
      isEnterpriseInstall: b.is_enterprise_install === true || auth?.is_enterprise_install === true,
    });
  };
}

/**
 * The app was removed from a workspace (or a whole org). Departures (ADR 0010) first writes a
 * tombstone for the workspace, or for the org and every workspace its install served: one write,
 * no lock, so from then on no request, token refresh or watcher cycle serves it, on any replica.
 * Then the workspace's data (WorkspaceDeparture) and the installation (under its lock) are deleted;
 * what could not be deleted now (the lock held by a slow refresh or a replica that died holding it,
 * a store error) stays a pending job in the store, retried before every watcher cycle and at
 * start-up until done. So the uninstall is never lost, although Slack does not send it again
 * after it was acknowledged. Should the store refuse even the tombstone, this process keeps the
 * uninstall and writes it at its next sweep, unless the app was installed there again meanwhile.
 * A new install of the app clears the tombstone.
 */
export function appUninstalled(deps: AppDeps) {
  return async (args: EventArgs<'app_uninstalled'>): Promise<void> => {
    const where = installationOf(args);
    // An org-wide uninstall also names the workspace it was delivered for: one of the org's.
    const body = args.body as { team_id?: string };
    const query = {
      teamId: where.teamId ?? (where.isEnterpriseInstall ? (args.context.teamId ?? body.team_id) : undefined),
      enterpriseId: where.enterpriseId,
      isEnterpriseInstall: where.isEnterpriseInstall,
    };
    try {
      // A store that refuses the tombstone: Departures keeps the uninstall for its next sweep.
      await deps.slack.departures.depart(query);
    } catch (error) {
      deps.logger.error({ err: error, ...where }, 'app_uninstalled failed');
    }
  };
}

/**
 * The bot token was revoked: the installation is useless, so it is deleted (a new install stores a
 * new one). The workspace's data stays: Slack says revoking a bot token does not uninstall the app
 * (auth.revoke), and a real uninstall also sends `app_uninstalled`, which deletes it.
 */
export function tokensRevoked(deps: AppDeps) {
  return async (args: EventArgs<'tokens_revoked'>): Promise<void> => {
    const store = deps.slack.clients.installations;
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
