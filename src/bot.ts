import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccessControl } from './access/access-control.js';
import { GrantStore } from './access/grant-store.js';
import { CachedSlackDirectory } from './access/slack-directory.js';
import { AuditLog } from './audit/audit-log.js';
import { SCHEDULER_TICK_MS, scheduleTimedWork } from './bot-jobs.js';
import { registerBotSecrets } from './bot-secrets.js';
import { buildInfo } from './build-info.js';
import { collectCapabilities } from './capabilities/collect/index.js';
import { CAPABILITIES } from './capabilities/registry.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Connection } from './connections/connection.js';
import { ConnectionRegistry } from './connections/connection-registry.js';
import { ConnectionStore, registerConnectionSecrets } from './connections/connection-store.js';
import { loadConnectionsFile } from './connections/load-connections-file.js';
import { reloadConnectionsFile } from './connections/reload-connections.js';
import type { Capability } from './contract/capability.js';
import { SecretBox } from './crypto/secret-box.js';
import { createLogger, type Logger } from './logger.js';
import { BotMetrics } from './metrics/metrics.js';
import { PoolRegistry } from './providers/http/http-client.js';
import { KindOffering } from './resources/kind-offering.js';
import { LastActions } from './resources/last-actions.js';
import { ResourceResolver } from './resources/resolve-resource.js';
import { ResourceIndex } from './resources/resource-index.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { SecretRegistry } from './secrets.js';
import { SettingsStore } from './settings/workspace-settings.js';
import { slackAuditPoster } from './slack/audit-poster.js';
import type { AppDeps } from './slack/context.js';
import { createSlackApp } from './slack/create-slack-app.js';
import { closeOpsServer, startOpsServer } from './slack/health-routes.js';
import { installationQueryOf, KeyvInstallationStore } from './slack/installation-store.js';
import { closingReserveMs, Drain } from './slack/intake/drain.js';
import { InboundDedupe } from './slack/intake/inbound-dedupe.js';
import type { InteractiveBudget } from './slack/intake/interactive-budget.js';
import { SlackLocales } from './slack/locales.js';
import { SlackSender } from './slack/sender.js';
import { SlackClients } from './slack/slack-clients.js';
import { SlackWatchDelivery } from './slack/watch-slack.js';
import { restoredFrom } from './store/backup-marks.js';
import { instrumentAtomicKv, instrumentStore } from './store/instrument-store.js';
import { LeaseLocks } from './store/lease-lock.js';
import { openBotStore } from './store/open-bot-store.js';
import { DepartureMarks, Departures } from './use-cases/departures.js';
import { WorkspaceDeparture } from './use-cases/forget-workspace.js';
import { Watcher, type WatcherOptions } from './watcher/watcher.js';

export interface BotOptions {
  env?: Record<string, string | undefined>;
  /** Connections given directly (tests, playground) instead of the connections file. */
  connections?: Connection[];
  logger?: Logger;
  secrets?: SecretRegistry;
  /**
   * The bot's one clock (`src/clock.ts`), given to the watcher, approvals, the Slack directory's
   * cache, departures, installations, claims, windows, the audit log and every stamp; the system
   * clock unless a test gives one it moves by hand.
   */
  clock?: Clock;
  /** Watcher settings beyond the config (tests: key prefix, lease period); its clock is `clock`. */
  watcher?: Partial<Omit<WatcherOptions, 'clock'>>;
  /** Time budget of commands and buttons (tests shorten it); `INTERACTIVE_BUDGET` by default. */
  interactiveBudget?: InteractiveBudget;
  /** Capabilities started after the registry's (`capabilities/registry.ts`): a test's own. */
  capabilities?: readonly Capability[];
}

export interface RunningBot {
  deps: AppDeps;
  /** The one scheduler of timed work (a test on its own clock ticks it). */
  scheduler: Scheduler;
  /** The port the HTTP receiver listens on (useful with PORT=0). */
  port: number;
  /** The port of `/metrics` and the probes (METRICS_PORT). */
  metricsPort: number;
  /** SIGTERM: the drain (readiness off, delay, 503 to new requests, the accepted ones answered), then `stop`. */
  shutdown(): Promise<void>;
  /** Closes everything now (tests; and the end of `shutdown`). */
  stop(): Promise<void>;
  /** SIGHUP: reads the connections file again; a file that does not load changes nothing (logged). */
  reloadConnections(): void;
}

/**
 * The composition root: config → logger → store → connections → providers → Slack app, in that
 * order, and an idempotent stop that closes them in reverse.
 */
export async function startBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  const clock = options.clock ?? systemClock;
  const secrets = registerBotSecrets(options.secrets ?? new SecretRegistry(), config);
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, scrub: (line) => secrets.scrubLogLine(line) });
  // Secret files others may read or change: read, and said with the fix (secret-file.ts).
  const warnFile = (warning: string) => logger.warn(`secret file: ${warning}`);
  for (const warning of config.fileWarnings) warnFile(warning);
  // The registry's capabilities (and a test's): their card lines are read by the watcher's renderer.
  const capabilities = collectCapabilities([...CAPABILITIES, ...(options.capabilities ?? [])]);
  const env = options.env ?? process.env;
  const file = config.connectionsFile;
  const connections =
    options.connections ?? (file ? loadConnectionsFile(file, env, warnFile, capabilities.fileKeys()) : []);
  // Each connection's secrets are masked in its own workspace's messages (all of them without a team).
  for (const c of connections) registerConnectionSecrets(secrets, c);
  if (connections.length === 0)
    logger.warn(
      'no connections file: admins add connections with /migrate connect, or set MIGRATE_BOT_CONNECTIONS (see README)',
    );

  // Opened in a bounded wait before anything listens: a store it cannot use stops start-up (ConfigError).
  const botStore = await openBotStore(config.storeUrl, logger, config.storeConnectTimeoutSeconds * 1000, {
    ...(config.storeTls ? { tls: config.storeTls } : {}),
  });
  // Read at scrape time from the watcher and approvals built below (a scrape waits for the HTTP server).
  const build = buildInfo(options.env ?? process.env);
  const metrics: BotMetrics = new BotMetrics({
    build,
    delivery: () => watcher.outbox.stats,
    leasesHeld: () => watcher.leases.held,
    approvalsPending: () => capabilities.approvals().pendingCount(),
    configuredConnections: () => registry.fileConnectionLabels(),
  });
  // Every store operation is timed for /metrics (store latency and errors).
  const store = instrumentStore(botStore.store, metrics.storeCall);
  const state = instrumentAtomicKv(botStore.state, metrics.storeCall);
  const pools = new PoolRegistry(undefined, (call) => metrics.providerCall(call), {
    maxResponseBytes: config.providerMaxResponseBytes,
  });
  // Secrets stored by the bot (connections added from Slack, OAuth tokens) are sealed with this key ring.
  const box = config.encryptionKeys ? SecretBox.fromKeyRing(config.encryptionKeys) : undefined;
  const connectionStore = new ConnectionStore(state, box, secrets, {
    allowedEndpoints: config.allowedEndpoints,
    clock,
  });
  // Requests are signed on the system clock (providers check it); stored connections age on `clock`.
  const registry = new ConnectionRegistry(
    connections,
    { pools, logger },
    { store: connectionStore, multiWorkspace: config.slack.oauth !== undefined, clock },
  );
  // Kinds a connection does not offer (an OMS region without sync tasks), shared by lookups and the watcher.
  const offering = new KindOffering(store, { clock });
  const resourceIndex = new ResourceIndex(store, { clock });
  const resolver = new ResourceResolver(registry, resourceIndex, logger, offering);
  // Tombstones of workspaces that uninstalled the app: read by every request and token refresh.
  const departureMarks = new DepartureMarks(state);
  const installations =
    config.slack.oauth && box
      ? new KeyvInstallationStore(store, box, secrets, logger, new LeaseLocks(state), clock, departureMarks)
      : undefined;
  const slackClients = new SlackClients(config, logger, { installations, onCall: metrics.slackCall });
  // The one door to Slack: every message and view of every module leaves through it, scrubbed.
  const sender = new SlackSender(slackClients, secrets);
  const settings = new SettingsStore(state);
  // One cached `users.info` per person answers both the admin check and their language.
  const directory = new CachedSlackDirectory((teamId) => slackClients.forTeam(teamId), logger, clock);
  const grants = new GrantStore(state);
  const access = new AccessControl(grants, directory, logger);
  const locales = new SlackLocales(directory, settings, logger);
  const audit = new AuditLog(state, settings, slackAuditPoster(sender, locales), logger, clock);
  const lastActions = new LastActions(store);
  const resources = { resolver, lastActions };
  const watcher = await Watcher.create(
    {
      config,
      logger,
      store,
      connections: registry,
      // Channel posts are rendered at send time in the channel's language.
      // A direct message (to a user id) is in that person's language.
      slack: new SlackWatchDelivery(
        sender,
        clock,
        (teamId, channel) =>
          /^[UW]/.test(channel)
            ? locales.translatorForUser(teamId, channel)
            : locales.translatorForChannel(teamId, channel),
        logger,
        capabilities,
      ),
      offering,
      metrics,
      // A watch that breaks (Slack refuses its channel) is recorded and told to the audit channel.
      audit: async (note) => {
        await audit.record({ ...note, team: note.teamId, result: 'failed' });
      },
      // A new watch's card says who last acted on its resource (a window that holds it) at once.
      lastActions,
    },
    { ...options.watcher, clock },
  );
  // The watcher marked the restore's first start already: the same answer, read back.
  const restored = await restoredFrom(store, clock.now());
  capabilities.start({
    state,
    clock,
    logger,
    connections: registry,
    resources,
    access,
    audit,
    watcher,
    connectionsFile: file,
    config,
    settings,
    store,
    sender,
    locales,
    secrets,
    metrics: metrics.registry,
    ...(restored ? { restored } : {}),
  });
  const drain = new Drain();
  const workspaceData = new WorkspaceDeparture({
    connections: registry,
    watcher,
    grants,
    settings,
    audit,
    resourceIndex,
    lastActions,
    capabilities,
    logger,
    auditRetentionMs: config.auditRetentionDays * 86_400_000,
  });
  const departures = new Departures(
    departureMarks,
    {
      forgetWorkspace: (teamId) => workspaceData.forget(teamId),
      stopWatching: (teamId) => workspaceData.stopWatching(teamId),
      installedSince: installations
        ? (where, since) => installations.installedSince(installationQueryOf(where), since)
        : undefined,
      deleteInstallation: installations
        ? (where, stillDeparted) =>
            installations.deleteUnlessReinstalled(installationQueryOf(where), stillDeparted)
        : undefined,
    },
    logger,
    clock,
  );
  const deps: AppDeps = {
    config,
    clock,
    logger,
    store,
    connections: registry,
    resources,
    secrets,
    access,
    audit,
    settings,
    slack: { clients: slackClients, sender, locales, departures },
    watcher,
    intake: {
      inbound: new InboundDedupe(state, logger, metrics),
      drain,
      budget: options.interactiveBudget,
    },
    metrics,
    capabilities,
  };
  const scheduler = scheduleTimedWork({
    state,
    clock,
    logger,
    watcher,
    departures,
    capabilities,
    tickMs: options.clock ? 0 : SCHEDULER_TICK_MS,
  });
  void departures
    .sweep()
    .catch((error: unknown) => logger.error({ err: error }, 'could not sweep pending departures'));
  const slack = createSlackApp(deps, { state });
  const port = await slack.start();
  const opsServer = await startOpsServer(deps, { port: config.http.metricsPort, host: config.http.host });
  const metricsPort = (opsServer.address() as AddressInfo).port;
  watcher.start();
  logger.info(
    {
      ...build,
      mode: config.slack.mode,
      port,
      metricsPort,
      store: store.kind,
      connections: connections.length,
    },
    'migrate-bot started',
  );

  const budgetMs = config.shutdown.drainTimeoutSeconds * 1000;
  // A share of what the drain leaves for closing (see `stop`).
  const poolCloseWaitMs = Math.min(1_000, closingReserveMs(budgetMs) / 4);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      scheduler.stop();
      await watcher
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'watcher did not stop cleanly'));
      await capabilities.stop();
      await slack
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'Slack app did not stop cleanly'));
      // Bounded: after a drain that gave up, a provider call may still be open (its request has
      // had its final answer); the process is exiting, so it is not waited for.
      await Promise.race([pools.close(), sleep(poolCloseWaitMs, undefined, { ref: false })]);
      await botStore.close();
      // Last: the probes say "draining" (503) to the end, and /metrics is scraped until then.
      await closeOpsServer(opsServer);
      logger.info('migrate-bot stopped');
    })();
    return stopping;
  };
  let shuttingDown: Promise<void> | undefined;
  return {
    deps,
    scheduler,
    port,
    metricsPort,
    shutdown: () => {
      shuttingDown ??= drain
        .run({
          delayMs: config.shutdown.delaySeconds * 1000,
          budgetMs,
          stopAccepting: () => slack.stopAccepting(),
          logger,
        })
        .then(stop);
      return shuttingDown;
    },
    stop,
    reloadConnections: () => {
      reloadConnectionsFile({ file, env, registry, secrets, logger, sections: capabilities });
    },
  };
}
