/** A channel's state as far as the bot is concerned. */
interface ChannelState {
  member: boolean;
  private: boolean;
  archived: boolean;
  deleted: boolean;
}

/** Methods Slack refuses in a channel the bot cannot write to, or read. */
const WRITE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.delete']);
const READ_METHODS = new Set(['conversations.history', 'conversations.replies']);

/**
 * Channels the bot was removed from, archived or deleted, so the fake answers as Slack does:
 * `not_in_channel` (public channel, bot not a member), `channel_not_found` (private channel without
 * the bot, or deleted) and `is_archived` (posts and edits in an archived channel). A channel never
 * set up here is one the bot is in.
 */
export class FakeChannels {
  readonly #states = new Map<string, ChannelState>();

  /** The bot is removed (a private channel then answers `channel_not_found`). */
  removeBot(channel: string, options: { privateChannel?: boolean } = {}): void {
    this.#change(channel, { member: false, private: options.privateChannel ?? false });
  }

  /** Someone invites the bot (`/invite`): it can post there again, unless archived or deleted. */
  inviteBot(channel: string): void {
    this.#change(channel, { member: true });
  }

  archive(channel: string): void {
    this.#change(channel, { archived: true });
  }

  unarchive(channel: string): void {
    this.#change(channel, { archived: false });
  }

  /** For good: everything about it answers `channel_not_found`. */
  deleteChannel(channel: string): void {
    this.#change(channel, { deleted: true });
  }

  /** The error Slack answers `method` with in `channel`, if the bot cannot use it. */
  refusal(method: string, channel: string): string | undefined {
    const state = this.#states.get(channel);
    if (!state || !(WRITE_METHODS.has(method) || READ_METHODS.has(method))) return undefined;
    if (state.deleted) return 'channel_not_found';
    if (state.archived && WRITE_METHODS.has(method)) return 'is_archived';
    if (!state.member) return state.private ? 'channel_not_found' : 'not_in_channel';
    return undefined;
  }

  /** `conversations.info`'s answer. */
  info(channel: string): Record<string, unknown> {
    const state = this.#states.get(channel);
    if (state?.deleted || (state?.private && !state.member)) return { ok: false, error: 'channel_not_found' };
    return {
      ok: true,
      channel: {
        id: channel,
        name: 'migrations',
        is_member: state?.member ?? true,
        is_archived: state?.archived ?? false,
      },
    };
  }

  /** `chat.getPermalink`'s answer: Slack's link form (`/archives/<channel>/p<ts without the dot>`). */
  permalink(channel: string, ts: unknown): Record<string, unknown> {
    const state = this.#states.get(channel);
    if (state?.deleted || (state?.private && !state.member)) return { ok: false, error: 'channel_not_found' };
    if (typeof ts !== 'string' || !/^\d+\.\d+$/.test(ts)) return { ok: false, error: 'message_not_found' };
    return {
      ok: true,
      channel,
      permalink: `https://fake.slack.local/archives/${channel}/p${ts.replace('.', '')}`,
    };
  }

  #change(channel: string, change: Partial<ChannelState>): void {
    const current = this.#states.get(channel) ?? {
      member: true,
      private: false,
      archived: false,
      deleted: false,
    };
    this.#states.set(channel, { ...current, ...change });
  }
}
