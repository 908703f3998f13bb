import type { Server } from 'node:http';
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
import type { AtomicKv } from '../store/atomic-kv.js';
import { boltLogger } from './bolt-logger.js';
import type { AppDeps } from './context.js';
import { probeRoutes } from './health-routes.js';
import { AckFirstReceiver } from './intake/ack-first-receiver.js';
import { answerInTime } from './intake/interactive-budget.js';
import { guardSocketMode } from './intake/socket-mode-guard.js';
import { serveRoutesOn } from './intake/socket-mode-routes.js';
import { tombstoneBeforeAck } from './listeners/events/installation-events.js';
import { registerListeners } from './listeners/index.js';
import { SignedStateStore } from './oauth-state-store.js';

export interface SlackApp {
  app: App;
  /** Resolves with the port the HTTP server listens on. */
  start(): Promise<number>;
  /** The drain's cut-off: HTTP answers new requests 503 (see the receiver); Socket Mode disconnects. */
  stopAccepting(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackAppOptions {
  /** The shared state (every replica's): OAuth states are spent there, once. */
  state: AtomicKv;
}

/** Bolt with the HTTP receiver (`/slack/events`, health routes) or Socket Mode when an app token is set. */
export function createSlackApp(deps: AppDeps, options: SlackAppOptions): SlackApp {
  const { config } = deps;
  const logger = boltLogger(deps.logger);
  const health = [...probeRoutes(deps), ...deps.capabilities.routes(deps)];
  const oauth = oauthReceiverOptions(deps, options.state);
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
  // The health and install routes listen where PORT and HOST say, in Socket Mode too.
  const socketRoutes = socket && serveRoutesOn(socket, config.http);
  const receiver: Receiver =
    socket ??
    new AckFirstReceiver({
      signingSecret: config.slack.signingSecret,
      endpoints: '/slack/events',
      customRoutes: health,
      logger,
      onAck: (kind, seconds) => deps.metrics.ackObserved(kind, seconds),
      drain: deps.intake.drain,
      beforeEventAck: tombstoneBeforeAck(deps),
      ...oauth,
    });
  // OAuth: Bolt authorizes each request through the same authorize() as background work, whose token
  // refresh holds the installation's lock in the store, so two refreshes never race, on any replica.
  // Bolt refuses an `authorize` option beside its install routes and reads the installer's when the
  // App is built, so it is replaced here, before (ADR 0009; test/slack/install/bolt-contract.test.ts).
  const installer = (receiver as { installer?: { authorize: unknown } }).installer;
  if (installer)
    installer.authorize = (source: InstallationQuery<boolean>) => deps.slack.clients.authorize(source);
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: config.slack.apiUrl },
    // No listener reads `context.conversation`; Bolt's default store builds an Error per request.
    convoStore: false,
  });
  // Socket Mode's requests, counted until their listeners end, so the drain waits for them (the
  // HTTP receiver counts its own, from before the ack).
  if (socket) app.use(({ next }) => deps.intake.drain.track(next()));
  // First: a duplicate goes no further, not even to the workspace sync.
  app.use(deps.intake.inbound.middleware());
  app.use(syncWorkspace(deps));
  // Last: every command and message button gets its handler context and its time budget here.
  app.use(answerInTime(deps));
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
    async stopAccepting() {
      // Slack sends the envelopes to the app's other connections (the other replicas) from now on.
      if (socket) await socket.client.disconnect();
    },
    async stop() {
      await app.stop();
    },
  };
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
    stateStore: SignedStateStore;
  };
};

function oauthReceiverOptions(deps: AppDeps, state: AtomicKv): OAuthReceiverOptions {
  const oauth = deps.config.slack.oauth;
  const installationStore = deps.slack.clients.installations;
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
      // Signed states (no store write until one comes back), each spent once in the shared state:
      // Bolt's own, signed with stateSecret too, can be replayed until it expires.
      stateStore: new SignedStateStore(oauth.stateSecret, state),
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
        deps.slack.clients
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
