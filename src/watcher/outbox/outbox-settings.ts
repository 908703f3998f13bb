import type { RestoredFrom } from '../../store/backup-marks.js';
import type { SlidingWindow } from '../../store/sliding-window.js';
import type { ChannelGone, WatchAuditNote } from '../records/watch-store.js';

export interface OutboxSettings {
  /** A `sending` mark older than this belongs to a sender that died (wall clock). */
  sendingStaleMs: number;
  /** First backoff after a Slack outage or network error; doubles per attempt, capped at 5 min. */
  slackBackoffMs: number;
  /**
   * However long the backoffs, one post per workspace is tried this often while Slack fails, and
   * once Slack takes one, everything that failed before it is due again: a long outage does not
   * delay the catch-up by the backoff.
   */
  recoveryProbeMs: number;
  /** Parent-card edits per workspace: at most `max` per fixed `windowMs` window. */
  editBudget: Window;
  /**
   * Posts per channel and per workspace, counted in the store so replicas share them. A post whose
   * window is spent waits for the next one (up to `maxWaitMs`), or the next cycle. Off when unset.
   */
  postPace?: {
    perChannel: Window;
    /**
     * Posts per workspace in any `spanMs`: other posts stop at `max`, failures at `failuresMax`, so a
     * burst of failures always finds room and never waits behind completions and reports.
     */
    perWorkspace: SlidingWindow & { max: number; failuresMax: number };
    /** Longest wait for one post. */
    maxWaitMs: number;
    /** Longest a poll cycle's delivery pass waits for windows in all; the rest goes next cycle. */
    cycleWaitMs: number;
  };
  /**
   * Before re-sending a post whose sender died mid-call, look for it in the channel
   * (`conversations.history`/`replies` with message metadata). Needs the `channels:history` and
   * `groups:history` scopes; without them (or when this is off) such a post is sent again, so that
   * narrow window is at-least-once.
   */
  lookupSent: boolean;
  /** Set when the store was restored from a backup (backup-marks.ts): recent posts are looked up first. */
  restored?: RestoredFrom;
}

export interface Window {
  windowMs: number;
  max: number;
}

export interface DeliveryStats {
  posts: number;
  edits: number;
  lookups: number;
  /** Posts sent again after a sender died mid-call and the lookup could not tell. */
  blindResends: number;
  editsDeferred: number;
  /** Posts that waited for their channel's or workspace's window (`postPace`). */
  postsPaced: number;
  rateLimited: number;
  slackErrors: number;
  dropped: number;
}

export function emptyDeliveryStats(): DeliveryStats {
  return {
    posts: 0,
    edits: 0,
    lookups: 0,
    blindResends: 0,
    editsDeferred: 0,
    postsPaced: 0,
    rateLimited: 0,
    slackErrors: 0,
    dropped: 0,
  };
}

export interface DrainResult {
  /** Set when the parent card could not be posted at all (e.g. the bot is not in the channel). */
  parentError?: string;
  /** `direct` drains only: Slack refused the watch's channel (nothing was marked broken). */
  channelError?: ChannelGone;
  /** `followUps: false` drains only: the record's next post is a follow-up, left for a later pass. */
  followUpWaits?: boolean;
}

export interface DrainOptions {
  /** A time (the watcher's clock, epoch ms) bounding how long posts wait for their pace window. */
  waitUntil?: number;
  /**
   * A person is waiting for the answer (`/migrate watch`): a broken record's held entries are tried
   * (a repair), and a channel Slack refuses is reported in `channelError` instead of breaking it.
   */
  direct?: boolean;
  /**
   * Only a failure not yet announced (and what its record queued before it, in order): the cycle's
   * first pass, before completions, other replies and card edits take the workspace's budget.
   */
  urgent?: boolean;
  /**
   * `false`: stop at a follow-up (`isFollowUp`: a completion report, a verification), as the
   * cycle's first delivery pass does, so every ending of a burst is said before its follow-ups.
   */
  followUps?: boolean;
}

/** Records an audit entry (the store and the audit channel); the bot passes its audit log. */
export type WatchAuditor = (note: WatchAuditNote) => Promise<void>;
