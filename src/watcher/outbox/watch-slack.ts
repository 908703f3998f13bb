import type { ChannelGone } from '../records/watch-store.js';
import type { CardFacts, EventNote, FailureListNote, LivingNote, WatchNotification } from './notification.js';

/**
 * What the watcher needs of Slack, implemented in `slack/watch-slack.ts`. The watcher hands it data
 * (a card's facts, a notification) and never Block Kit: rendering happens there, at send time, and
 * every call leaves through the sender, scrubbed.
 */
export interface WatchSlack {
  /** Posts one outbox entry; resolves to the message's `ts`. Throws a `DeliveryError`. */
  post(post: WatchPost): Promise<string>;
  /** Redraws the parent card `ts` in `channel`. Throws a `DeliveryError`. */
  editCard(teamId: string, edit: { channel: string; ts: string; card: CardFacts }): Promise<void>;
  /** Redraws a posted notification `ts` in `channel` (a living post). Throws a `DeliveryError`. */
  editPost(
    teamId: string,
    edit: { channel: string; ts: string; note: EventNote | FailureListNote | LivingNote },
  ): Promise<void>;
  /**
   * Posts (no `ts`) or redraws (`ts`) a capability's own living post (ADR 0017: a plan's card),
   * rendered by that capability from `view` at send time. Resolves to its `ts`. Throws a
   * `DeliveryError`. Optional: a Slack without it draws no capability post.
   */
  drawView?(teamId: string, draw: ViewDraw): Promise<string>;
  /**
   * The `ts` of the message carrying dedup key `key` in `channel` (or in the thread `threadTs`),
   * posted since `oldest` (Unix seconds); without one, the latest whose key and ts `alike`
   * accepts, if given; undefined when Slack has none.
   */
  findPosted(
    teamId: string,
    where: {
      channel: string;
      threadTs?: string;
      oldest: string;
      key: string;
      alike?: (key: string, ts: string) => boolean;
    },
  ): Promise<string | undefined>;
}

/** A capability's living post: where, which capability draws it, and what from. */
export interface ViewDraw {
  channel: string;
  /** Absent: post it now. */
  ts?: string;
  capability: string;
  view: unknown;
  /** The post's dedup key (in its metadata, as the watcher's posts carry theirs). */
  key: string;
  /** Where the rendered view's file goes when it is first posted (a thread's ts); absent: its own thread. */
  thread?: string;
}

export interface WatchPost {
  teamId: string;
  /** A channel id, or a user id for a direct message. */
  channel: string;
  /** The dedup key: it travels in the message's metadata, so a replay can find the post. */
  key: string;
  threadTs?: string;
  broadcast?: boolean;
  content: WatchContent;
}

export type WatchContent =
  | { card: CardFacts }
  | { note: WatchNotification }
  /** An entry stored by an older version, already rendered: posted as it is. */
  | { rendered: { text: string; blocks?: unknown[] } };

/**
 * Why Slack did not take a call, as the outbox acts on it: `channel-gone` (cannot post there any more),
 * `refused` (this message, for good; `slackError` says why for both), `busy` (not now: internal error,
 * token to refresh), `rate-limited` (429, retry after `retryAfterMs`), `unavailable` (an HTTP error: not
 * posted), `lost` (no answer: the post may or may not be in Slack).
 */
export type DeliveryFailure = 'channel-gone' | 'refused' | 'busy' | 'rate-limited' | 'unavailable' | 'lost';

export class DeliveryError extends Error {
  readonly failure: DeliveryFailure;
  readonly slackError: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    failure: DeliveryFailure,
    details: { slackError?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`Slack did not take it: ${failure}${details.slackError ? ` (${details.slackError})` : ''}`, {
      cause: details.cause,
    });
    this.name = 'DeliveryError';
    this.failure = failure;
    this.slackError = details.slackError;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Anything a `WatchSlack` threw: a `DeliveryError`, or (unexpected) a lost answer. */
  static of(error: unknown): DeliveryError {
    return error instanceof DeliveryError ? error : new DeliveryError('lost', { cause: error });
  }

  /** The channel Slack refuses, when that is what happened. */
  get channelGone(): ChannelGone | undefined {
    return this.failure === 'channel-gone' ? (this.slackError as ChannelGone) : undefined;
  }
}
