import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthorizeResult, InstallationQuery } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { WorkspaceDepartedError } from '../use-cases/departures.js';
import { boltLogger } from './bolt-logger.js';
import type { KeyvInstallationStore } from './installation-store.js';

type Purpose = 'interactive' | 'background';

/** `InstallProvider.authorize()` refreshes a token that expires within this (@slack/oauth: 2 hours). */
const REFRESH_WINDOW_SECONDS = 7_200;
const REFRESH_MARGIN_SECONDS = 300;
/**
 * The longest a token refresh (`oauth.v2.access`) may take: one attempt, no retry. It runs under
 * the installation's lock, whose other callers wait 10 s for it (a hung call would hold it up to
 * the lock's 60 s): past this the refresh fails, nothing is saved, the caller goes on with the
 * token it has, and the lock is free in time for the callers queued behind it.
 */
export const REFRESH_TIMEOUT_MS = 8_000;

export interface SlackClientsOptions {
  /** OAuth mode: where installations (and their rotating tokens) are kept. */
  installations?: KeyvInstallationStore;
  /** `REFRESH_TIMEOUT_MS` unless a test shortens it. */
  refreshTimeoutMs?: number;
  /** Told of every Web API call these clients make: its method, seconds (retries included), success. */
  onCall?: SlackCallObserver;
}

export type SlackCallObserver = (method: string, seconds: number, ok: boolean) => void;

/** Slack refused the installation's refresh token: only a new install gives the bot a token again. */
export class ReinstallNeededError extends Error {}

/** What InstallProvider's refresh said, seen through its logger (it logs a failed refresh and goes on). */
interface RefreshOutcome {
  refused: boolean;
}

/** Slack's answers to a refresh token it will never accept again. */
const REFUSED_REFRESH = /invalid_refresh_token|invalid_grant|token_revoked|token_expired/;

/**
 * A WebClient that times each call. Every method (`chat.postMessage`, pagination, uploads) goes
 * through `apiCall`, which the client binds per method when it is built: overriding it here is the
 * one place every call passes.
 */
class TimedWebClient extends WebClient {
  readonly #onCall: SlackCallObserver;

  constructor(token: string, options: WebClientOptions, onCall: SlackCallObserver) {
    super(token, options);
    this.#onCall = onCall;
  }

  override async apiCall(...args: Parameters<WebClient['apiCall']>): ReturnType<WebClient['apiCall']> {
    const started = performance.now();
    let ok = false;
    try {
      const result = await super.apiCall(...args);
      ok = true;
      return result;
    } finally {
      this.#onCall(args[0], (performance.now() - started) / 1000, ok);
    }
  }
}

/**
 * Web API clients for work that is not a reply to a request (audit posts, directory look-ups, the
 * watcher). Each purpose gets its own client, so a throttled poller never delays a user's reply.
 *
 * With one bot token (`SLACK_BOT_TOKEN`) every workspace shares it. In OAuth mode each workspace's
 * token comes from its installation through `InstallProvider.authorize()`, which refreshes a
 * rotating token that expires within two hours and saves it back. Slack accepts each refresh token
 * once, so a refresh runs under the installation's lock (KeyvInstallationStore: one per
 * installation as stored, shared by the replicas); Bolt's own authorization of incoming requests
 * goes through the same `authorize` (see create-slack-app).
 */
export class SlackClients {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #clients = new Map<string, { token: string; client: WebClient }>();
  readonly #installations: KeyvInstallationStore | undefined;
  readonly #installer: InstallProvider | undefined;
  readonly #onCall: SlackCallObserver | undefined;
  readonly #refreshes = new AsyncLocalStorage<RefreshOutcome>();

  constructor(config: Config, logger: Logger, options: SlackClientsOptions = {}) {
    this.#config = config;
    this.#logger = logger;
    this.#installations = options.installations;
    this.#onCall = options.onCall;
    const oauth = config.slack.oauth;
    if (oauth && options.installations) {
      this.#installer = new InstallProvider({
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        stateSecret: oauth.stateSecret,
        installationStore: options.installations,
        logger: this.#refreshLogger(boltLogger(logger)),
        // Its client makes the refreshes (and nothing else here: installs go through Bolt's receiver).
        clientOptions: {
          slackApiUrl: config.slack.apiUrl,
          timeout: options.refreshTimeoutMs ?? REFRESH_TIMEOUT_MS,
          retryConfig: { retries: 0 },
        },
      });
    }
  }

  /** The installation store in OAuth mode; undefined with a single bot token. */
  get installations(): KeyvInstallationStore | undefined {
    return this.#installations;
  }

  /** `background` clients fail fast on 429 (the caller retries later) instead of pausing their queue. */
  async forTeam(teamId: string, purpose: Purpose = 'interactive', enterpriseId?: string): Promise<WebClient> {
    if (!this.#installer) return this.#client('*', this.#config.slack.botToken ?? '', purpose);
    const auth = await this.authorize({ teamId, enterpriseId, isEnterpriseInstall: false });
    if (!auth.botToken) throw new Error(`The installation of workspace ${teamId} has no bot token.`);
    return this.#client(`${enterpriseId ?? '-'}:${teamId}`, auth.botToken, purpose);
  }

  /**
   * `InstallProvider.authorize()`. Bolt authorizes every incoming request with it too. A token that
   * may be refreshed is read, refreshed and saved under the installation's lock, so a caller that
   * waited reads the token its holder saved instead of spending the refresh token again.
   */
  async authorize(source: InstallationQuery<boolean>): Promise<AuthorizeResult> {
    const installer = this.#installer;
    const installations = this.#installations;
    if (!installer || !installations) throw new Error('authorize() is only used in OAuth mode.');
    // An uninstalled workspace (or org) is refused here, on every path, before any token is read.
    await this.#refuseDeparted(installations, source);
    if (!(await this.#mayRefresh(installations, source))) return installer.authorize(source);
    return installations.withInstallationLock(source, async () => {
      // Uninstalled while this waited for the lock: no refresh is spent on it.
      await this.#refuseDeparted(installations, source);
      if (await installations.needsReinstall(source)) return this.#withoutRefresh(installations, source);
      const outcome: RefreshOutcome = { refused: false };
      const auth = await this.#refreshes.run(outcome, () => installer.authorize(source));
      if (outcome.refused && (await installations.markNeedsReinstall(source)))
        this.#logger.error(
          { team: source.teamId, enterprise: source.enterpriseId, orgWide: source.isEnterpriseInstall },
          `Slack refused the refresh token of ${where(source)} (a refresh it carried out was answered too late): the bot's token stops working when it expires; install the app again in that workspace`,
        );
      return auth;
    });
  }

  async #refuseDeparted(
    installations: KeyvInstallationStore,
    source: InstallationQuery<boolean>,
  ): Promise<void> {
    if (await installations.departed(source))
      throw new WorkspaceDepartedError(
        `No installation for ${where(source)}: it uninstalled the app; install it again at /slack/install.`,
      );
  }

  /**
   * An installation whose refresh token Slack refused: its access token serves until it expires
   * (no refresh is tried, so nothing is logged again per request), then the caller is told to reinstall.
   */
  async #withoutRefresh(
    installations: KeyvInstallationStore,
    source: InstallationQuery<boolean>,
  ): Promise<AuthorizeResult> {
    const installation = await installations.fetchInstallation(source);
    const bot = installation.bot;
    if (!bot?.token || (bot.expiresAt !== undefined && bot.expiresAt <= Date.now() / 1000))
      throw new ReinstallNeededError(
        `The token of ${where(source)} expired and Slack refused its refresh token: install the app again.`,
      );
    return {
      botToken: bot.token,
      botId: bot.id,
      botUserId: bot.userId,
      teamId: installation.team?.id ?? source.teamId,
      enterpriseId: installation.enterprise?.id ?? source.enterpriseId,
      userToken: installation.user?.token,
    };
  }

  /** InstallProvider logs a refused refresh (without the workspace) and carries on: noted for authorize. */
  #refreshLogger(inner: ReturnType<typeof boltLogger>): ReturnType<typeof boltLogger> {
    return {
      ...inner,
      error: (...messages: unknown[]) => {
        const outcome = this.#refreshes.getStore();
        if (outcome && messages.some((m) => REFUSED_REFRESH.test(String(m)))) outcome.refused = true;
        inner.error(...messages);
      },
    };
  }

  /** Called for each incoming request: remembers which org-wide install serves a workspace. */
  async noteWorkspace(
    teamId: string | undefined,
    enterpriseId: string | undefined,
    orgWide: boolean,
  ): Promise<void> {
    if (!orgWide || !teamId || !enterpriseId || !this.#installations) return;
    await this.#installations.rememberOrgWorkspace(teamId, enterpriseId);
  }

  /**
   * Whether `InstallProvider.authorize()` could refresh this installation's tokens now: they expire
   * within its two hours, or within a few minutes more (so the unlocked path never refreshes).
   * Tokens with hours left, the usual case, are read without taking the lock.
   */
  async #mayRefresh(installations: KeyvInstallationStore, source: InstallationQuery<boolean>) {
    const installation = await installations.fetchInstallation(source).catch(() => undefined);
    if (!installation) return false;
    const horizon = Date.now() / 1000 + REFRESH_WINDOW_SECONDS + REFRESH_MARGIN_SECONDS;
    return [installation.bot, installation.user].some(
      (tokens) =>
        tokens?.refreshToken !== undefined && tokens.expiresAt !== undefined && tokens.expiresAt <= horizon,
    );
  }

  #client(installation: string, token: string, purpose: Purpose): WebClient {
    const key = `${installation}:${purpose}`;
    const cached = this.#clients.get(key);
    if (cached && cached.token === token) return cached.client;
    const options: WebClientOptions = {
      slackApiUrl: this.#config.slack.apiUrl,
      logger: boltLogger(this.#logger),
      rejectRateLimitedCalls: purpose === 'background',
      retryConfig: purpose === 'background' ? { retries: 0 } : { retries: 2, factor: 2, minTimeout: 200 },
    };
    const onCall = this.#onCall;
    const client = onCall ? new TimedWebClient(token, options, onCall) : new WebClient(token, options);
    this.#clients.set(key, { token, client });
    return client;
  }
}

function where(source: InstallationQuery<boolean>): string {
  return source.isEnterpriseInstall
    ? `organization ${source.enterpriseId}${source.teamId ? ` (workspace ${source.teamId})` : ''}`
    : `workspace ${source.teamId}`;
}
