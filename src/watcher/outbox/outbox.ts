import type { Logger } from '../../logger.js';
import { SKIP } from '../../store/atomic-kv.js';
import { restoreLookupSince } from '../../store/backup-marks.js';
import type { Clock } from '../clock.js';
import {
  type ChannelGone,
  type ChannelRecord,
  type Mailbox,
  markSent,
  type OutboxEntry,
  type WatchRecord,
  type WatchStore,
} from '../records/watch-store.js';
import { isHeld, markBroken } from './broken-channel.js';
import { isFollowUp } from './event-entries.js';
import { goesFirst } from './failure-listing.js';
import { LivingEditor } from './living-editor.js';
import { cardOf, duePosts, keepListing, registerPost, withCardPost } from './living-posts.js';
import { unclaimedSince } from './mailbox.js';
import { cardFacts } from './notification.js';
import {
  type DeliveryStats,
  type DrainOptions,
  type DrainResult,
  emptyDeliveryStats,
  type OutboxSettings,
  type WatchAuditor,
} from './outbox-settings.js';
import { PostPacer } from './post-pacer.js';
import { type LookupDeps, lookupPosted } from './posted-lookup.js';
import { DeliveryError, type ViewDraw, type WatchContent, type WatchSlack } from './watch-slack.js';

export * from './outbox-settings.js';

const MAX_SENDS_PER_DRAIN = 50;
const MAX_BACKOFF_MS = 5 * 60_000;

type AnyRecord = Mailbox &
  Partial<Pick<WatchRecord, 'snapshot' | 'ended' | 'watch' | 'broken' | 'posts'>> &
  Partial<Pick<ChannelRecord, 'listings'>>;

/**
 * Delivers outbox entries to Slack, in order per record, through the background client only. Exactly
 * once (ADR 0002): persisted with its dedup key in the state change's write, claimed with a `sending`
 * mark (CAS), posted, then removed with its `ts` in one write; a 429 or outage leaves it for later. A
 * stale mark is looked up by metadata before posting again, and posted only if unclaimed since read.
 */
export class Outbox {
  readonly stats: DeliveryStats = emptyDeliveryStats();
  readonly #lookupDeps: LookupDeps;
  readonly #store: WatchStore;
  readonly #slack: WatchSlack;
  readonly #logger: Logger;
  readonly #holder: string;
  readonly #clock: Clock;
  readonly #settings: OutboxSettings;
  readonly #draining = new Set<string>();
  readonly #pacer: PostPacer;
  readonly #editor: LivingEditor;
  readonly #audit: WatchAuditor | undefined;

  constructor(deps: {
    store: WatchStore;
    slack: WatchSlack;
    logger: Logger;
    holder: string;
    clock: Clock;
    settings: OutboxSettings;
    audit?: WatchAuditor;
  }) {
    this.#store = deps.store;
    this.#slack = deps.slack;
    this.#logger = deps.logger;
    this.#holder = deps.holder;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#audit = deps.audit;
    this.#pacer = new PostPacer(deps.store.backend, deps.settings, this.stats, deps.clock);
    this.#lookupDeps = { slack: deps.slack, settings: deps.settings, stats: this.stats, logger: deps.logger };
    this.#editor = new LivingEditor({
      ...deps,
      pacer: this.#pacer,
      stats: this.stats,
      breakChannel: (teamId, channelId, reason) => this.breakChannel(teamId, channelId, reason),
    });
  }

  /** Every failure due was posted: other posts may use the workspace's budget again. */
  failuresOut(): void {
    this.#pacer.failuresOut();
  }

  /** When a failure waiting for a posting slot (not for a backoff or an outage) may try again. */
  failuresRetryAt(): number | undefined {
    return this.#pacer.failuresRetryAt();
  }

  /** True while Slack asked this workspace's deliveries to wait. */
  paused(teamId: string): boolean {
    return this.#pacer.paused(teamId);
  }

  /** True while no card of this workspace can be edited now (`EditBudget.editsHeld`). */
  cardEditsHeld(teamId: string): boolean {
    return this.#editor.budget.editsHeld(teamId);
  }

  /**
   * Delivers what is due in one record (watch, connection or channel), then edits its posts.
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
        if (options.urgent || result.channelError) break;
        if (!(await this.#editor.edit(key))) break;
      }
      if (!options.urgent) await this.#removeIfFinished(key);
      return result;
    } finally {
      this.#draining.delete(key);
    }
  }

  /** A capability's living post (ADR 0017), posted or edited in the edit budget (undefined: held). */
  async drawView(teamId: string, draw: ViewDraw): Promise<string | undefined> {
    if (!this.#slack.drawView) throw new DeliveryError('refused', { slackError: 'no_view_drawing' });
    if (draw.ts && !(await this.#editor.budget.spend(teamId))) return undefined;
    return this.#slack.drawView(teamId, draw);
  }

  /** Someone acted on the resource: its card and posts are edited now, as a cycle would (budget too). */
  readonly settle = async (key: string): Promise<void> => void (await this.#editor.edit(key));

  /** A cycle left this card for a later edit window (`cardEditsHeld`); `editDeferred` edits it then. */
  readonly deferEdit = (teamId: string, key: string): void => this.#editor.budget.defer(teamId, key);
  readonly editDeferred = (): Promise<void> => this.#editor.editDeferred(this.#draining);

  async #sendNext(key: string, result: DrainResult, options: DrainOptions): Promise<'sent' | 'idle'> {
    const record = await this.#store.read<AnyRecord>(key);
    // In order per record; a broken watch's own posts wait, its DM and audit entry do not.
    const open = record?.outbox.filter((e) => options.direct || !isHeld(record, e)) ?? [];
    // An urgent drain sends only up to (and with) the record's unannounced failure.
    const entry = options.urgent && !open.some(goesFirst) ? undefined : open[0];
    if (!record || !entry) return 'idle';
    if (options.followUps === false && isFollowUp(entry)) {
      result.followUpWaits = true;
      return 'idle';
    }
    if (this.paused(entry.teamId) || !this.#pacer.due(entry)) return 'idle';
    const parentTs = cardOf(record)?.ts;
    if (entry.type === 'reply' && !parentTs && !record.outbox.some((e) => e.type === 'parent')) {
      this.#logger.warn({ key: entry.key }, 'thread reply without a parent card: dropped');
      await this.#drop(key, entry, 'no parent card');
      return 'sent';
    }
    if (entry.sending && !this.#stale(entry)) return 'idle';
    // The sender died (or lost its answer) mid-call, or the store was restored from a backup older
    // than this post (backup-marks.ts): the post may already be in Slack.
    const since = entry.sending
      ? entry.createdAt
      : restoreLookupSince(this.#settings.restored, entry.createdAt);
    if (since !== undefined) {
      const restored = entry.sending ? undefined : this.#settings.restored;
      const found = await lookupPosted(this.#lookupDeps, parentTs, entry, since, restored);
      if (found !== undefined) {
        await this.#confirm(key, entry, found);
        return 'sent';
      }
    }
    const first = options.urgent === true || goesFirst(entry);
    if (!(await this.#pacer.slot(entry, options.waitUntil, first))) return 'idle';
    const at = this.#clock.now();
    const claimed = await this.#store.update<AnyRecord>(key, (current) => {
      const e = current?.outbox.find((x) => x.key === entry.key);
      // Only the claim looked at above (none, or a stale one looked up): one taken meanwhile may
      // have posted already, and goes stale only if its sender died; the next read looks it up.
      if (!current || !e || !unclaimedSince(e, entry)) return SKIP;
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
    } catch (thrown) {
      const error = DeliveryError.of(thrown);
      const gone = entry.type === 'dm' ? undefined : error.channelGone;
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
      if (entry.event === 'failed') this.#logger.info({ key: entry.key, ts }, 'failure posted');
      this.stats.posts++;
      this.#pacer.delivered(entry.teamId);
    }
    await this.#confirm(key, entry, ts, claimed.snapshot);
    return 'sent';
  }

  #stale(entry: OutboxEntry): boolean {
    const s = entry.sending;
    return s !== undefined && (s.at === 0 || this.#clock.now() - s.at >= this.#settings.sendingStaleMs);
  }

  async #post(record: AnyRecord, entry: OutboxEntry): Promise<string> {
    if (entry.type === 'audit') {
      if (entry.audit) await this.#audit?.(entry.audit);
      return 'audit';
    }
    const content: WatchContent =
      entry.type === 'parent' && record.snapshot
        ? { card: cardFacts(record as WatchRecord) }
        : entry.note
          ? { note: entry.note }
          : { rendered: { text: entry.text ?? '', blocks: entry.blocks } };
    const parentTs = entry.type === 'reply' ? cardOf(record)?.ts : undefined;
    return this.#slack.post({
      teamId: entry.teamId,
      channel: entry.channel,
      key: entry.key,
      threadTs: parentTs,
      broadcast: parentTs !== undefined && entry.broadcast === true,
      content,
    });
  }

  /**
   * Removes the entry and records the post (a card, a post that lives) in one write. `shown` is the
   * snapshot the card was drawn from (unknown after a look-up: then the card is redrawn).
   */
  async #confirm(
    key: string,
    entry: OutboxEntry,
    ts: string,
    shown?: WatchRecord['snapshot'],
  ): Promise<void> {
    const now = this.#clock.now();
    await this.#store.update<AnyRecord>(key, (current) => {
      if (!current) return SKIP;
      // A post that lives (a failure, a completion, a listing) is kept with its ts for its edits.
      let next = markSent(current, entry.key);
      if (current.watch) next = registerPost(next, entry, ts, current.outbox);
      else if (entry.event === 'failures') next = keepListing(next, entry, ts);
      // Slack took a post in the watch's channel: it is not broken (any more).
      if (isHeld(current, entry)) delete next.broken;
      if (entry.type === 'parent' && current.watch && current.snapshot) {
        const dirty =
          shown === undefined ||
          shown.state !== current.snapshot.state ||
          shown.progress !== current.snapshot.progress;
        const was = shown ? { state: shown.state, progress: shown.progress } : {};
        const card = { kind: 'card', channel: entry.channel, ts, dirty, shown: { ...was, at: now } } as const;
        next = withCardPost(next, card);
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
      if (entry.type === 'parent' && current.watch) {
        next.ended = true;
        next.outbox = [];
      }
      return next;
    });
  }

  /** Classifies a failed post. Returns the Slack error when it is permanent (entry dropped). */
  async #failed(key: string, entry: OutboxEntry, error: DeliveryError): Promise<string | undefined> {
    this.stats.slackErrors++;
    if (error.failure === 'refused' || error.failure === 'channel-gone') {
      const code = error.slackError ?? error.failure;
      await this.#drop(key, entry, code);
      return code;
    }
    // An HTTP answer (429, 5xx, ok:false) means Slack did not post. A lost answer (network error,
    // anything unexpected) leaves doubt: the mark stays, stale at once, so the next try looks first.
    const uncertain = error.failure === 'lost';
    const rateLimited = error.failure === 'rate-limited';
    let waitMs = Math.min(MAX_BACKOFF_MS, this.#settings.slackBackoffMs * 2 ** Math.min(entry.attempts, 12));
    if (rateLimited) {
      this.stats.rateLimited++;
      waitMs = error.retryAfterMs ?? 1000;
    }
    // A 429 is Slack pacing the bot, not a fault: what Slack said is enough (its stack was 2 KB a line).
    const why = rateLimited ? { failure: error.failure, slackError: error.slackError } : { err: error };
    this.#logger.warn(
      { key: entry.key, ...why, retryInMs: waitMs },
      'Slack did not take a notification; it stays in the outbox',
    );
    // Slack's Retry-After pauses the workspace as asked; an outage only until the next probe.
    this.#pacer.pause(entry.teamId, rateLimited ? waitMs : Math.min(waitMs, this.#settings.recoveryProbeMs));
    const failedAt = this.#clock.now();
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
    const now = this.#clock.now();
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
    if (!record?.watch || !record.ended || record.outbox.length > 0 || cardOf(record)?.dirty) return;
    if (record.snapshot && duePosts(record as WatchRecord).length > 0) return;
    await this.#store.remove(key);
  }
}
