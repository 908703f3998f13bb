import type { AuthorizeResult, Installation, InstallationQuery } from '@slack/bolt';
import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { WorkspaceDepartedError } from '../use-cases/departures.js';
import { boltLogger } from './bolt-logger.js';
import type { KeyvInstallationStore } from './installation-store.js';

type Purpose = 'interactive' | 'background';

/** A rotating token is refreshed once it expires within this (as @slack/oauth does: 2 hours). */
const REFRESH_WINDOW_SECONDS = 7_200;
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

/** Slack's answers to a refresh token it will never accept again. */
const REFUSED_REFRESH = new Set(['invalid_refresh_token', 'invalid_grant', 'token_revoked', 'token_expired']);

type Tokens = { token?: string; refreshToken?: string; expiresAt?: number };

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
 * token comes from its installation through `authorize()`, which refreshes a rotating token that
 * expires within two hours (`oauth.v2.access`) and saves it back. Slack accepts each refresh token
 * once, so a refresh runs under the installation's lock (KeyvInstallationStore: one per
 * installation as stored, shared by the replicas); Bolt's own authorization of incoming requests
 * goes through the same `authorize` (see create-slack-app).
 */
export class SlackClients {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #clients = new Map<string, { token: string; client: WebClient }>();
  readonly #installations: KeyvInstallationStore | undefined;
  /** Makes the refreshes, one attempt each within the time limit (and nothing else). */
  readonly #oauthClient: WebClient | undefined;
  readonly #onCall: SlackCallObserver | undefined;

  constructor(config: Config, logger: Logger, options: SlackClientsOptions = {}) {
    this.#config = config;
    this.#logger = logger;
    this.#installations = options.installations;
    this.#onCall = options.onCall;
    if (config.slack.oauth && options.installations)
      this.#oauthClient = new WebClient(undefined, {
        slackApiUrl: config.slack.apiUrl,
        logger: boltLogger(logger),
        timeout: options.refreshTimeoutMs ?? REFRESH_TIMEOUT_MS,
        retryConfig: { retries: 0 },
      });
  }

  /** The installation store in OAuth mode; undefined with a single bot token. */
  get installations(): KeyvInstallationStore | undefined {
    return this.#installations;
  }

  /** `background` clients fail fast on 429 (the caller retries later) instead of pausing their queue. */
  async forTeam(teamId: string, purpose: Purpose = 'interactive', enterpriseId?: string): Promise<WebClient> {
    if (!this.#installations) return this.#client('*', this.#config.slack.botToken ?? '', purpose);
    const auth = await this.authorize({ teamId, enterpriseId, isEnterpriseInstall: false });
    if (!auth.botToken) throw new Error(`The installation of workspace ${teamId} has no bot token.`);
    return this.#client(`${enterpriseId ?? '-'}:${teamId}`, auth.botToken, purpose);
  }

  /**
   * The installation's tokens. Bolt authorizes every incoming request with it too. A token that
   * expires soon is read, refreshed and saved under the installation's lock, so a caller that
   * waited reads the token its holder saved instead of spending the refresh token again.
   */
  async authorize(source: InstallationQuery<boolean>): Promise<AuthorizeResult> {
    const installations = this.#installations;
    if (!installations) throw new Error('authorize() is only used in OAuth mode.');
    // An uninstalled workspace (or org) is refused here, on every path, before any token is read.
    await this.#refuseDeparted(installations, source);
    const installation = await installations.fetchInstallation(source);
    if (expiring(installation).length === 0) return authorized(installation, source);
    return installations.withInstallationLock(source, async (save) => {
      // Uninstalled while this waited for the lock: no refresh is spent on it.
      await this.#refuseDeparted(installations, source);
      if (await installations.needsReinstall(source)) return this.#withoutRefresh(installations, source);
      const current = await installations.fetchInstallation(source);
      const answers = await Promise.all(expiring(current).map((tokens) => this.#refresh(tokens, source)));
      if (answers.includes('refreshed')) await save(current);
      if (answers.includes('refused') && (await installations.markNeedsReinstall(source)))
        this.#logger.error(
          { team: source.teamId, enterprise: source.enterpriseId, orgWide: source.isEnterpriseInstall },
          `Slack refused the refresh token of ${where(source)} (a refresh it carried out was answered too late): the bot's token stops working when it expires; install the app again in that workspace`,
        );
      return authorized(current, source);
    });
  }

  /**
   * One refresh (`oauth.v2.access`): `tokens` take the new ones. Its own answer says whether Slack
   * refused the refresh token for good; any other failure (a timeout) leaves the tokens as they are.
   */
  async #refresh(
    tokens: Tokens,
    source: InstallationQuery<boolean>,
  ): Promise<'refreshed' | 'refused' | 'failed'> {
    const oauth = this.#config.slack.oauth;
    if (!oauth || !this.#oauthClient) return 'failed';
    const now = Math.floor(systemClock.now() / 1000);
    try {
      const answer = await this.#oauthClient.oauth.v2.access({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
      });
      tokens.token = answer.access_token;
      tokens.refreshToken = answer.refresh_token;
      tokens.expiresAt = now + (answer.expires_in ?? 0);
      return 'refreshed';
    } catch (error) {
      const code = error as { code?: string; data?: { error?: string } };
      if (code.code === ErrorCode.PlatformError && REFUSED_REFRESH.has(code.data?.error ?? ''))
        return 'refused';
      this.#logger.warn(
        { err: error, team: source.teamId, enterprise: source.enterpriseId },
        `token refresh of ${where(source)} failed: the token the bot has serves meanwhile`,
      );
      return 'failed';
    }
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
    // Slack's expiry: real time (src/clock.ts), not the bot's clock.
    if (!bot?.token || (bot.expiresAt !== undefined && bot.expiresAt <= systemClock.now() / 1000))
      throw new ReinstallNeededError(
        `The token of ${where(source)} expired and Slack refused its refresh token: install the app again.`,
      );
    return authorized(installation, source);
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

/** The rotating tokens of `installation` that expire within the refresh window (real time, as Slack's). */
function expiring(installation: Installation<'v1' | 'v2', boolean>): Tokens[] {
  const horizon = systemClock.now() / 1000 + REFRESH_WINDOW_SECONDS;
  return [installation.bot, installation.user].filter(
    (tokens): tokens is NonNullable<typeof tokens> =>
      tokens?.refreshToken !== undefined && tokens.expiresAt !== undefined && tokens.expiresAt <= horizon,
  );
}

/** What Bolt (and `forTeam`) take from an installation: its tokens and ids. */
function authorized(installation: Installation<'v1' | 'v2', boolean>, source: InstallationQuery<boolean>) {
  return {
    botToken: installation.bot?.token,
    botId: installation.bot?.id,
    botUserId: installation.bot?.userId,
    teamId: installation.team?.id ?? source.teamId,
    enterpriseId: installation.enterprise?.id ?? source.enterpriseId,
    userToken: installation.user?.token,
  } satisfies AuthorizeResult;
}

function where(source: InstallationQuery<boolean>): string {
  return source.isEnterpriseInstall
    ? `organization ${source.enterpriseId}${source.teamId ? ` (workspace ${source.teamId})` : ''}`
    : `workspace ${source.teamId}`;
}
