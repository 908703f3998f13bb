import type { SlackDirectory } from '../access/slack-directory.js';
import { DEFAULT_LOCALE, fromSlackLocale, type Locale } from '../i18n/locale.js';
import { type Translator, translatorFor } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { SettingsStore } from '../settings/workspace-settings.js';

/**
 * Which language a reader gets. A person (ephemeral replies, private cards, modals, Home) gets their
 * Slack locale from `users.info` (cached with the directory's admin answer); a channel post gets the
 * channel's language, else the workspace's, else English. A lookup that fails never stops an
 * answer: it falls back the same way.
 */
export class SlackLocales {
  readonly #directory: SlackDirectory;
  readonly #settings: Pick<SettingsStore, 'get'>;
  readonly #logger: Logger;

  constructor(directory: SlackDirectory, settings: Pick<SettingsStore, 'get'>, logger: Logger) {
    this.#directory = directory;
    this.#settings = settings;
    this.#logger = logger;
  }

  async forUser(teamId: string, userId: string): Promise<Locale> {
    try {
      const slackLocale = await this.#directory.userLocale?.(teamId, userId);
      if (slackLocale) return fromSlackLocale(slackLocale);
    } catch (error) {
      this.#logger.warn(
        { err: error, team: teamId },
        'could not read a user locale; using the workspace language',
      );
    }
    return this.#workspace(teamId);
  }

  async forChannel(teamId: string, channelId: string | undefined): Promise<Locale> {
    try {
      const settings = await this.#settings.get(teamId);
      return (
        (channelId ? settings.channelLanguages?.[channelId] : undefined) ??
        settings.language ??
        DEFAULT_LOCALE
      );
    } catch (error) {
      this.#logger.warn({ err: error, team: teamId }, 'could not read the channel language; using English');
      return DEFAULT_LOCALE;
    }
  }

  /** A person's profile changed (`user_change`): their language (and admin rights) are read afresh. */
  forgetUser(teamId: string, userId: string): void {
    this.#directory.forgetUser?.(teamId, userId);
  }

  async translatorForUser(teamId: string, userId: string): Promise<Translator> {
    return translatorFor(await this.forUser(teamId, userId));
  }

  async translatorForChannel(teamId: string, channelId: string | undefined): Promise<Translator> {
    return translatorFor(await this.forChannel(teamId, channelId));
  }

  async #workspace(teamId: string): Promise<Locale> {
    return this.forChannel(teamId, undefined);
  }
}
