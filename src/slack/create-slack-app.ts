import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type AnyMiddlewareArgs,
  App,
  type HTTPReceiverOptions,
  type InstallationQuery,
  type Middleware,
  type Receiver,
  SocketModeReceiver,
} from '@slack/bolt';
import { asAppError } from '../errors.js';
import { AckFirstReceiver } from './ack-first-receiver.js';
import { boltLogger } from './bolt-logger.js';
import type { AppDeps } from './context.js';
import { registerListeners } from './listeners/index.js';
import { StoreStateStore } from './oauth-state-store.js';
import { respondWithUndici } from './respond-fetch.js';
import { SlackAuthCheck } from './slack-auth-check.js';
import { guardSocketMode } from './socket-mode-guard.js';
import { serveRoutesOn } from './socket-mode-routes.js';

export interface SlackApp {
  app: App;
  /** Resolves with the port the HTTP server listens on. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Bolt with the HTTP receiver (`/slack/events`, health routes) or Socket Mode when an app token is set. */
export function createSlackApp(deps: AppDeps): SlackApp {
  const { config } = deps;
  const logger = boltLogger(deps.logger);
  const health = healthRoutes(deps);
  const oauth = oauthReceiverOptions(deps);
  const socket =
    config.slack.mode === 'socket'
      ? guardSocketMode(
          new SocketModeReceiver({
            appToken: config.slack.appToken!,
            logger,
            customRoutes: health,
            ...oauth,
          }),
          logger,
        )
      : undefined;
  // The health, metrics and install routes listen where PORT and HOST say, in Socket Mode too.
  const socketRoutes = socket && serveRoutesOn(socket, config.http);
  const receiver: Receiver =
    socket ??
    new AckFirstReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: '/slack/events',
      customRoutes: health,
      logger,
      onAck: (kind, seconds) => deps.metrics?.ackObserved(kind, seconds),
      ...oauth,
    });
  // OAuth: Bolt authorizes each request through the same authorize() as background work, whose token
  // refresh holds the installation's lock in the store, so two refreshes never race, on any replica.
  const installer = (receiver as { installer?: { authorize: unknown } }).installer;
  if (installer)
    installer.authorize = (source: InstallationQuery<boolean>) => deps.slackClients.authorize(source);
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: config.slack.apiUrl },
    // No listener reads `context.conversation`; Bolt's default store builds an Error per request.
    convoStore: false,
  });
  respondWithUndici(app);
  // First: a duplicate goes no further, not even to the workspace sync.
  app.use(deps.inbound.middleware());
  app.use(syncWorkspace(deps));
  registerListeners(app, deps);
  app.error(async (error) => {
    deps.logger.error({ err: error, code: asAppError(error).code }, 'unhandled listener error');
  });
  return {
    app,
    async start() {
      const server = socketRoutes
        ? await app.start().then(() => socketRoutes)
        : ((await app.start({ port: config.http.port, host: config.http.host })) as Server | undefined);
      const address = server?.address?.();
      return typeof address === 'object' && address ? address.port : config.http.port;
    },
    async stop() {
      await app.stop();
    },
  };
}

/**
 * `/livez` answers 200 whenever this process serves HTTP and never looks at the store or Slack, so a
 * Redis outage does not get every replica restarted at once. `/readyz` (and `/healthz`, its older
 * name) answers 503 while the store cannot be reached, Slack says the bot token is invalid (a cached
 * `auth.test`, single-token mode only), or, with Redis, the last lease attempt failed: the replica
 * leaves the Service until they recover. `/metrics` is the Prometheus text format.
 */
function healthRoutes(deps: AppDeps) {
  const botToken = deps.config.slack.oauth ? undefined : deps.config.slack.botToken;
  const slackAuth = new SlackAuthCheck(
    botToken ? async () => (await deps.slackClients.forTeam('', 'background')).auth.test() : undefined,
  );
  const ready = (_req: IncomingMessage, res: ServerResponse) => {
    readiness(deps, slackAuth).then(
      (report) => {
        const ok = report.store === 'ok' && report.slack !== 'invalid' && report.leases !== 'failing';
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', ...report }));
      },
      () => {
        res.writeHead(503).end();
      },
    );
  };
  const live = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  };
  const metrics = (_req: IncomingMessage, res: ServerResponse) => {
    if (!deps.metrics) return void res.writeHead(404).end();
    deps.metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'metrics scrape failed');
        res.writeHead(500).end();
      },
    );
  };
  return [
    { path: '/livez', method: ['GET'], handler: live },
    { path: '/readyz', method: ['GET'], handler: ready },
    { path: '/healthz', method: ['GET'], handler: ready },
    { path: '/metrics', method: ['GET'], handler: metrics },
  ];
}

async function readiness(deps: AppDeps, slackAuth: SlackAuthCheck) {
  const [storeOk, slack] = await Promise.all([deps.store.healthy(), slackAuth.state()]);
  // Leases only matter with replicas sharing Redis; one process on a local store holds them all.
  const leases =
    deps.watcher.backendKind !== 'redis' ? 'n/a' : deps.watcher.leases.working ? 'ok' : 'failing';
  return { store: storeOk ? 'ok' : 'unreachable', slack, leases };
}

/** OAuth distribution: `/slack/install`, the redirect, and Bolt's installation store (ours, on Keyv). */
type OAuthReceiverOptions = Partial<
  Pick<
    HTTPReceiverOptions,
    'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'installationStore' | 'redirectUri'
  >
> & {
  installerOptions?: {
    installPath: string;
    redirectUriPath: string;
    clientOptions: { slackApiUrl: string };
    stateStore: StoreStateStore;
  };
};

function oauthReceiverOptions(deps: AppDeps): OAuthReceiverOptions {
  const oauth = deps.config.slack.oauth;
  const installationStore = deps.slackClients.installations;
  if (!oauth || !installationStore) return {};
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: oauth.scopes,
    installationStore,
    redirectUri: oauth.redirectUri,
    installerOptions: {
      installPath: '/slack/install',
      redirectUriPath: oauth.redirectUri ? new URL(oauth.redirectUri).pathname : '/slack/oauth_redirect',
      clientOptions: { slackApiUrl: deps.config.slack.apiUrl },
      // Single-use states in the shared store (Bolt's own, signed with stateSecret, can be replayed).
      stateStore: new StoreStateStore(deps.store),
    },
  };
}

/** Longest a request waits for its workspace's stored connections, so the 3-second ack is never at risk. */
const SYNC_WAIT_MS = 1_000;

/**
 * Before any listener: load the workspace's connections added from Slack (cached for a few
 * seconds) and, for org-wide installs, remember which installation serves the workspace.
 */
function syncWorkspace(deps: AppDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ context, next }) => {
    const teamId = context.teamId;
    if (teamId) {
      const work = Promise.all([
        deps.connections.sync(teamId),
        deps.slackClients
          .noteWorkspace(teamId, context.enterpriseId, context.isEnterpriseInstall === true)
          .catch((error: unknown) =>
            deps.logger.warn({ err: error }, 'could not record the org-wide install'),
          ),
      ]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, SYNC_WAIT_MS)))]);
      clearTimeout(timer);
    }
    await next();
  };
}
