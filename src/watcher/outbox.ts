import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { SecretRegistry } from '../secrets.js';
import { scrubPayload } from '../slack/context.js';
import type { SlackClients } from '../slack/slack-clients.js';
import { SKIP } from '../store/atomic-kv.js';
import { channelGoneError, isHeld, markBroken } from './broken-channel.js';
import { renderParentCard } from './notifications.js';
import {
  type DeliveryStats,
  type DrainOptions,
  type DrainResult,
  emptyDeliveryStats,
  type OutboxSettings,
  type WatchAuditor,
  type Window,
} from './outbox-settings.js';
import {
  type ChannelGone,
  type Mailbox,
  markSent,
  type OutboxEntry,
  type WatchRecord,
  type WatchStore,
} from './watch-store.js';

export * from './outbox-settings.js';

/** Slack errors after which trying again cannot help (the entry is dropped and logged). */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'invalid_auth',
  'not_authed',
  'token_expired',
  'team_access_not_granted',
]);

const MAX_SENDS_PER_DRAIN = 50;
const MAX_BACKOFF_MS = 5 * 60_000;

type AnyRecord = Mailbox &
  Partial<Pick<WatchRecord, 'parentTs' | 'card' | 'snapshot' | 'ended' | 'watch' | 'broken'>>;

/**
 * Delivers outbox entries to Slack, in order per record, through the background client only.
 *
 * Exactly once: the entry was persisted (with its dedup key) in the same write as the state change;
 * here it is claimed with a `sending` mark (compare-and-set, so one replica sends), posted, then
 * removed and its `ts` recorded in one write. A 429 or an outage leaves it in the outbox for later.
 * If the sender dies between Slack's answer and that write, the mark goes stale and the next sender
 * looks the message up by its metadata before posting again.
 */
export class Outbox {
  readonly stats: DeliveryStats = emptyDeliveryStats();
  readonly #store: WatchStore;
  readonly #slack: SlackClients;
  readonly #secrets: SecretRegistry;
  readonly #logger: Logger;
  readonly #holder: string;
  readonly #now: () => number;
  readonly #settings: OutboxSettings;
  /** Team → wall-clock ms until which Slack asked us to wait (429) or is down. */
  readonly #pausedUntil = new Map<string, number>();
  readonly #draining = new Set<string>();
  /** Team → end of the edit window whose budget is known to be spent (saves a counter hit per card). */
  readonly #budgetSpentUntil = new Map<string, number>();
  /** Team → wall-clock ms Slack last took a call of ours, and when a backed-off post last probed it. */
  readonly #deliveredAt = new Map<string, number>();
  readonly #probedAt = new Map<string, number>();
  readonly #audit: WatchAuditor | undefined;

  constructor(deps: {
    store: WatchStore;
    slackClients: SlackClients;
    secrets: SecretRegistry;
    logger: Logger;
    holder: string;
    now: () => number;
    settings: OutboxSettings;
    audit?: WatchAuditor;
  }) {
    this.#store = deps.store;
    this.#slack = deps.slackClients;
    this.#secrets = deps.secrets;
    this.#logger = deps.logger;
    this.#holder = deps.holder;
    this.#now = deps.now;
    this.#settings = deps.settings;
    this.#audit = deps.audit;
  }

  /** True while Slack asked this workspace's deliveries to wait. */
  paused(teamId: string): boolean {
    return (this.#pausedUntil.get(teamId) ?? 0) > Date.now();
  }

  /**
   * Delivers what is due in one record (watch, connection or channel), then edits its card.
   * `waitUntil` bounds how long posts wait for their pace window, so a poll cycle's delivery pass
   * cannot hold up the next poll; by default, one `maxWaitMs`.
   */
  async drain(key: string, options: DrainOptions = {}): Promise<DrainResult> {
    if (this.#draining.has(key)) return {};
    this.#draining.add(key);
    try {
      const result: DrainResult = {};
      // A second pass when the card edit found the channel gone: the DM and audit entry go out now.
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < MAX_SENDS_PER_DRAIN; i++) {
          const outcome = await this.#sendNext(key, result, options);
          if (outcome !== 'sent') break;
        }
        if (result.channelError || !(await this.#editCard(key))) break;
      }
      await this.#removeIfFinished(key);
      return result;
    } finally {
      this.#draining.delete(key);
    }
  }

  async #sendNext(key: string, result: DrainResult, options: DrainOptions): Promise<'sent' | 'idle'> {
    const record = await this.#store.read<AnyRecord>(key);
    // In order per record; a broken watch's own posts wait, its DM and audit entry do not.
    const entry = record?.outbox.find((e) => options.direct || !isHeld(record, e));
    if (!record || !entry) return 'idle';
    if (this.paused(entry.teamId) || !this.#due(entry)) return 'idle';
    if (entry.type === 'reply' && !record.parentTs && !record.outbox.some((e) => e.type === 'parent')) {
      this.#logger.warn({ key: entry.key }, 'thread reply without a parent card: dropped');
      await this.#drop(key, entry, 'no parent card');
      return 'sent';
    }
    if (entry.sending) {
      if (!this.#stale(entry)) return 'idle';
      // The sender died (or lost its answer) mid-call: the post may already be in Slack.
      const found = await this.#lookup(record, entry);
      if (found !== undefined) {
        await this.#confirm(key, entry, found);
        return 'sent';
      }
    }
    if (!(await this.#postingSlot(entry, options.waitUntil))) return 'idle';
    const at = Date.now();
    const claimed = await this.#store.update<AnyRecord>(key, (current) => {
      const e = current?.outbox.find((x) => x.key === entry.key);
      if (!current || !e || (e.sending && !this.#stale(e))) return SKIP;
      return {
        ...current,
        outbox: current.outbox.map((x) =>
          x.key === entry.key ? { ...x, attempts: x.attempts + 1, sending: { by: this.#holder, at } } : x,
        ),
      };
    });
    const mine = claimed?.outbox.find((x) => x.key === entry.key)?.sending;
    if (!claimed || mine?.by !== this.#holder || mine.at !== at) return 'idle';
    if (entry.sending) this.stats.blindResends += this.#settings.lookupSent ? 0 : 1;
    let ts: string;
    try {
      ts = await this.#post(claimed, entry);
    } catch (error) {
      const gone = entry.type === 'dm' ? undefined : channelGoneError(error);
      if (gone) {
        this.stats.slackErrors++;
        if (options.direct) result.channelError = gone;
        return (await this.#channelGone(key, record, entry, gone, options.direct)) ? 'sent' : 'idle';
      }
      const permanent = await this.#failed(key, entry, error);
      if (permanent && entry.type === 'parent') result.parentError = permanent;
      return permanent ? 'sent' : 'idle';
    }
    if (entry.type !== 'audit') {
      this.stats.posts++;
      this.#deliveredAt.set(entry.teamId, Date.now());
    }
    await this.#confirm(key, entry, ts, claimed.snapshot);
    return 'sent';
  }

  /**
   * Takes a posting slot in the entry's channel and workspace, waiting for the next window when the
   * current one is spent and the wait is short. Slack's per-channel limit (about one post per second,
   * short bursts allowed) is what several replies ending in one cycle would otherwise break.
   */
  async #postingSlot(entry: OutboxEntry, waitUntil?: number): Promise<boolean> {
    const pace = this.#settings.postPace;
    if (!pace || entry.type === 'audit') return true;
    const started = performance.now();
    const deadline = Math.min(started + pace.maxWaitMs, waitUntil ?? Number.POSITIVE_INFINITY);
    const windows: [string, Window][] = [
      [`posts:${entry.teamId}:${entry.channel}`, pace.perChannel],
      [`posts:${entry.teamId}`, pace.perWorkspace],
    ];
    // Bounded: a few waits at most, and never past the deadline.
    for (let attempt = 0; attempt < 3; attempt++) {
      let waitMs = 0;
      for (const [key, window] of windows) {
        if ((await this.#store.backend.hit(key, window.windowMs)) <= window.max) continue;
        waitMs = window.windowMs - (Date.now() % window.windowMs);
        break;
      }
      if (waitMs === 0) return true;
      if (attempt === 0) this.stats.postsPaced++;
      if (performance.now() + waitMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    return false;
  }

  #due(entry: OutboxEntry): boolean {
    const now = Date.now();
    if ((entry.notBefore ?? 0) <= now) return true;
    // Slack took a post since this one failed: the outage its backoff was for is over.
    if (entry.failedAt !== undefined && entry.failedAt < (this.#deliveredAt.get(entry.teamId) ?? 0))
      return true;
    if (now - (this.#probedAt.get(entry.teamId) ?? 0) < this.#settings.recoveryProbeMs) return false;
    this.#probedAt.set(entry.teamId, now);
    return true;
  }

  #stale(entry: OutboxEntry): boolean {
    const s = entry.sending;
    return s !== undefined && (s.at === 0 || Date.now() - s.at >= this.#settings.sendingStaleMs);
  }

  async #client(teamId: string): Promise<WebClient> {
    // Always through forTeam: an installation store with rotating tokens slots in there.
    return this.#slack.forTeam(teamId, 'background');
  }

  async #post(record: AnyRecord, entry: OutboxEntry): Promise<string> {
    if (entry.type === 'audit') {
      if (entry.audit) await this.#audit?.(entry.audit);
      return 'audit';
    }
    const client = await this.#client(entry.teamId);
    const content =
      entry.type === 'parent' && record.snapshot
        ? renderParentCard(record as WatchRecord)
        : { text: entry.text ?? '', blocks: entry.blocks };
    const payload: Record<string, unknown> = {
      channel: entry.channel,
      text: content.text,
      blocks: content.blocks,
      unfurl_links: false,
      unfurl_media: false,
      // The dedup key travels with the message, so a replay can find it instead of posting again.
      metadata: { event_type: 'migrate_bot_notification', event_payload: { key: entry.key } },
    };
    if (entry.type === 'reply' && record.parentTs) {
      payload.thread_ts = record.parentTs;
      if (entry.broadcast) payload.reply_broadcast = true;
    }
    const answer = await client.chat.postMessage(
      scrubPayload(this.#secrets.forTeam(entry.teamId), payload) as unknown as Parameters<
        WebClient['chat']['postMessage']
      >[0],
    );
    if (!answer.ts) throw new Error('chat.postMessage answered without a ts');
    return answer.ts;
  }

  /**
   * Removes the entry and records the parent `ts` in one write. `shown` is the snapshot the parent
   * card was drawn from (unknown after a look-up: then the card is redrawn).
   */
  async #confirm(
    key: string,
    entry: OutboxEntry,
    ts: string,
    shown?: WatchRecord['snapshot'],
  ): Promise<void> {
    const now = this.#now();
    await this.#store.update<AnyRecord>(key, (current) => {
      if (!current) return SKIP;
      const next = markSent(current, entry.key);
      // Slack took a post in the watch's channel: it is not broken (any more).
      if (isHeld(current, entry)) delete next.broken;
      if (entry.type === 'parent' && current.card && current.snapshot) {
        next.parentTs = ts;
        next.card = {
          dirty:
            shown === undefined ||
            shown.state !== current.snapshot.state ||
            shown.progress !== current.snapshot.progress,
          shownState: shown?.state,
          shownProgress: shown?.progress,
          editedAt: now,
        };
      }
      return next;
    });
  }

  async #drop(key: string, entry: OutboxEntry, reason: string): Promise<void> {
    this.stats.dropped++;
    this.#logger.error({ key: entry.key, reason }, 'notification dropped');
    await this.#store.update<AnyRecord>(key, (current) => {
      if (!current) return SKIP;
      const next = markSent(current, entry.key);
      // A watch whose card cannot be posted cannot notify anything: it ends.
      if (entry.type === 'parent' && current.card) {
        next.ended = true;
        next.outbox = [];
        next.card = { ...current.card, dirty: false };
      }
      return next;
    });
  }

  /** Classifies a failed post. Returns the Slack error when it is permanent (entry dropped). */
  async #failed(key: string, entry: OutboxEntry, error: unknown): Promise<string | undefined> {
    this.stats.slackErrors++;
    if (error instanceof WebAPIPlatformError && !TRANSIENT_PLATFORM_ERRORS.has(error.data.error)) {
      await this.#drop(key, entry, error.data.error);
      return error.data.error;
    }
    // An HTTP answer (429, 5xx, ok:false) means Slack did not post. A lost answer (network error,
    // anything unexpected) leaves doubt: the mark stays, stale at once, so the next try looks first.
    const uncertain = !(
      error instanceof WebAPIRateLimitedError ||
      error instanceof WebAPIHTTPError ||
      error instanceof WebAPIPlatformError
    );
    let waitMs = Math.min(MAX_BACKOFF_MS, this.#settings.slackBackoffMs * 2 ** Math.min(entry.attempts, 12));
    if (error instanceof WebAPIRateLimitedError) {
      this.stats.rateLimited++;
      waitMs = Math.max(1, error.retryAfter) * 1000;
    }
    this.#logger.warn(
      { key: entry.key, err: error, retryInMs: waitMs },
      'Slack did not take a notification; it stays in the outbox',
    );
    // Slack's Retry-After pauses the workspace as asked; an outage only until the next probe.
    this.#pauseTeam(
      entry.teamId,
      error instanceof WebAPIRateLimitedError ? waitMs : Math.min(waitMs, this.#settings.recoveryProbeMs),
    );
    const failedAt = Date.now();
    const notBefore = failedAt + waitMs;
    await this.#store.update<AnyRecord>(key, (current) => {
      if (!current?.outbox.some((x) => x.key === entry.key)) return SKIP;
      return {
        ...current,
        outbox: current.outbox.map((x) =>
          x.key === entry.key
            ? { ...x, notBefore, failedAt, sending: uncertain ? { by: this.#holder, at: 0 } : undefined }
            : x,
        ),
      };
    });
    return undefined;
  }

  #pauseTeam(teamId: string, ms: number): void {
    const until = Date.now() + ms;
    if ((this.#pausedUntil.get(teamId) ?? 0) < until) this.#pausedUntil.set(teamId, until);
  }

  /** The message carrying this entry's dedup key, if Slack has it (undefined: absent or unknown). */
  async #lookup(record: AnyRecord, entry: OutboxEntry): Promise<string | undefined> {
    // A DM's channel is a user id, which history does not take: that narrow window is at-least-once.
    if (!this.#settings.lookupSent || entry.type === 'dm' || entry.type === 'audit') return undefined;
    try {
      const client = await this.#client(entry.teamId);
      const oldest = String(Math.floor(entry.createdAt / 1000) - 60);
      const answer =
        entry.type === 'reply' && record.parentTs
          ? await client.conversations.replies({
              channel: entry.channel,
              ts: record.parentTs,
              oldest,
              include_all_metadata: true,
              limit: 200,
            })
          : await client.conversations.history({
              channel: entry.channel,
              oldest,
              include_all_metadata: true,
              limit: 200,
            });
      this.stats.lookups++;
      const found = answer.messages?.find(
        (m) => (m.metadata?.event_payload as Record<string, unknown> | undefined)?.key === entry.key,
      );
      return found?.ts;
    } catch (error) {
      this.#logger.warn({ err: error, key: entry.key }, 'could not look up a possibly sent message');
      this.stats.blindResends++;
      return undefined;
    }
  }

  /**
   * Redraws the parent card when it changed meaningfully, within the workspace's edit budget.
   * True when Slack refused the channel (the watch is then broken, the card stays dirty).
   */
  async #editCard(key: string): Promise<boolean> {
    const record = await this.#store.read<AnyRecord>(key);
    if (!record?.card?.dirty || !record.parentTs || !record.snapshot || !record.watch || record.broken)
      return false;
    const teamId = record.watch.teamId;
    if (this.paused(teamId)) return false;
    const budget = this.#settings.editBudget;
    if ((this.#budgetSpentUntil.get(teamId) ?? 0) > Date.now()) {
      this.stats.editsDeferred++;
      return false; // this window's budget is spent: stays dirty, a later cycle edits it
    }
    if ((await this.#store.backend.hit(`edits:${teamId}`, budget.windowMs)) > budget.max) {
      this.#budgetSpentUntil.set(teamId, (Math.floor(Date.now() / budget.windowMs) + 1) * budget.windowMs);
      this.stats.editsDeferred++;
      return false;
    }
    const rendered = renderParentCard(record as WatchRecord);
    try {
      const client = await this.#client(teamId);
      await client.chat.update(
        scrubPayload(this.#secrets.forTeam(teamId), {
          channel: record.watch.channelId,
          ts: record.parentTs,
          text: rendered.text,
          blocks: rendered.blocks,
        }) as unknown as Parameters<WebClient['chat']['update']>[0],
      );
      this.stats.edits++;
      this.#deliveredAt.set(teamId, Date.now());
    } catch (error) {
      this.stats.slackErrors++;
      const gone = channelGoneError(error);
      if (gone) {
        await this.breakChannel(teamId, record.watch.channelId, gone);
        return true;
      }
      if (error instanceof WebAPIRateLimitedError) {
        this.stats.rateLimited++;
        this.#pauseTeam(teamId, Math.max(1, error.retryAfter) * 1000);
        return false;
      }
      if (!(error instanceof WebAPIPlatformError)) {
        this.#pauseTeam(teamId, this.#settings.slackBackoffMs);
        return false;
      }
      if (error instanceof WebAPIPlatformError && TRANSIENT_PLATFORM_ERRORS.has(error.data.error))
        return false;
      this.#logger.error({ err: error, key }, 'card edit refused by Slack; the card is left as it is');
    }
    const shown = { state: record.snapshot.state, progress: record.snapshot.progress };
    const now = this.#now();
    await this.#store.update<AnyRecord>(key, (current) => {
      if (!current?.card || !current.snapshot) return SKIP;
      const changedSince =
        current.snapshot.state !== shown.state || current.snapshot.progress !== shown.progress;
      return {
        ...current,
        card: {
          dirty: changedSince && current.card.dirty,
          shownState: shown.state,
          shownProgress: shown.progress,
          editedAt: now,
        },
      };
    });
    return false;
  }

  /**
   * Slack refused the entry's channel. The claim is released; a watch's entry stays, held (in a
   * `direct` drain nothing more happens: the caller tells the person). Otherwise every watch in that
   * channel breaks, and a connection notice or digest there is dropped (its watches say why). True
   * when draining should go on (the DM and audit entry are due).
   */
  async #channelGone(
    key: string,
    record: AnyRecord,
    entry: OutboxEntry,
    reason: ChannelGone,
    direct = false,
  ): Promise<boolean> {
    this.#logger.warn({ key: entry.key, reason, channel: entry.channel }, 'Slack refused the channel');
    if (!record.watch) {
      await this.#drop(key, entry, reason);
    } else {
      await this.#store.update<AnyRecord>(key, (current) => {
        if (!current?.outbox.some((x) => x.key === entry.key)) return SKIP;
        const outbox = current.outbox.map((x) => (x.key === entry.key ? { ...x, sending: undefined } : x));
        return { ...current, outbox };
      });
    }
    if (direct) return false;
    await this.breakChannel(entry.teamId, entry.channel, reason);
    return true;
  }

  /**
   * Marks every watch in the channel broken (once per breakage: a compare-and-set, so one replica
   * adds each watch's DM and audit entry), then delivers those entries.
   */
  async breakChannel(teamId: string, channelId: string, reason: ChannelGone): Promise<void> {
    const inChannel = (await this.#store.loadAll()).filter(
      (w) => w.record.watch.teamId === teamId && w.record.watch.channelId === channelId && !w.record.broken,
    );
    const now = this.#now();
    for (const { key } of inChannel) {
      let marked = false;
      await this.#store.update<WatchRecord>(key, (current) => {
        marked = current !== undefined && !current.broken;
        return marked && current ? markBroken(current, reason, now) : SKIP;
      });
      if (marked) this.#logger.error({ key, reason }, 'watch broken: Slack refuses its channel');
    }
    // The record being drained (if any) sends its own; drain skips it here.
    for (const { key } of inChannel) await this.drain(key);
  }

  /** An ended watch whose last notifications are out is removed. */
  async #removeIfFinished(key: string): Promise<void> {
    const record = await this.#store.read<AnyRecord>(key);
    if (!record?.watch || !record.ended || record.outbox.length > 0 || record.card?.dirty) return;
    await this.#store.remove(key);
  }
}
