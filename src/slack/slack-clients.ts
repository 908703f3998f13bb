import type { AuthorizeResult, InstallationQuery } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { boltLogger } from './bolt-logger.js';
import type { KeyvInstallationStore } from './installation-store.js';

type Purpose = 'interactive' | 'background';

/** `InstallProvider.authorize()` refreshes a token that expires within this (@slack/oauth: 2 hours). */
const REFRESH_WINDOW_SECONDS = 7_200;
const REFRESH_MARGIN_SECONDS = 300;

export interface SlackClientsOptions {
  /** OAuth mode: where installations (and their rotating tokens) are kept. */
  installations?: KeyvInstallationStore;
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

  constructor(config: Config, logger: Logger, options: SlackClientsOptions = {}) {
    this.#config = config;
    this.#logger = logger;
    this.#installations = options.installations;
    const oauth = config.slack.oauth;
    if (oauth && options.installations) {
      this.#installer = new InstallProvider({
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        stateSecret: oauth.stateSecret,
        installationStore: options.installations,
        logger: boltLogger(logger),
        clientOptions: { slackApiUrl: config.slack.apiUrl },
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
    if (!(await this.#mayRefresh(installations, source))) return installer.authorize(source);
    return installations.withInstallationLock(source, () => installer.authorize(source));
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
    const client = new WebClient(token, {
      slackApiUrl: this.#config.slack.apiUrl,
      logger: boltLogger(this.#logger),
      rejectRateLimitedCalls: purpose === 'background',
      retryConfig: purpose === 'background' ? { retries: 0 } : { retries: 2, factor: 2, minTimeout: 200 },
    });
    this.#clients.set(key, { token, client });
    return client;
  }
}
