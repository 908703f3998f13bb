import type { Logger } from '../../logger.js';
import { SKIP } from '../../store/atomic-kv.js';
import {
  type ChannelGone,
  type ChannelRecord,
  channelKey,
  type WatchRecord,
} from '../records/watch-store.js';
import { EditBudget, type EditBudgetDeps } from './edit-budget.js';
import {
  type CardPost,
  cardOf,
  duePosts,
  type EventPost,
  itemKey,
  type LiveListing,
  type LiveNow,
  type LivePost,
  listingNote,
  listingShows,
  liveNow,
  liveSig,
  markEdited,
  showsFailure,
  viewSig,
  withCardPost,
} from './living-posts.js';
import { cardFacts, type EventNote, eventNote, type LivingNote, resourceFacts } from './notification.js';
import { DeliveryError, type WatchSlack } from './watch-slack.js';

export interface LivingEditorDeps extends EditBudgetDeps {
  slack: WatchSlack;
  logger: Logger;
  /** Slack refused a post's channel: every watch there breaks. */
  breakChannel: (teamId: string, channelId: string, reason: ChannelGone) => Promise<void>;
}

/**
 * The one editor of a watch's messages: its card and its living posts (`living-posts.ts`, one list)
 * that no longer show what its record says are edited, each within the workspace's edit budget
 * (`EditBudget`), then recorded as shown with a compare-and-set. A post Slack will not edit any
 * more (deleted, too old) is forgotten; a card Slack refuses to edit is left as it is.
 */
export class LivingEditor {
  readonly #o: LivingEditorDeps;
  readonly budget: EditBudget;

  constructor(deps: LivingEditorDeps) {
    this.#o = deps;
    this.budget = new EditBudget(deps);
  }

  /** True when Slack refused the channel (its watches are then broken, the posts stay due). */
  async edit(key: string): Promise<boolean> {
    const { store, stats, pacer, clock } = this.#o;
    const record = await store.read<WatchRecord>(key);
    if (!record?.watch || !record.snapshot) return false;
    const teamId = record.watch.teamId;
    for (const post of duePosts(record)) {
      if (!(await this.budget.spend(teamId))) {
        this.budget.defer(teamId, key);
        return false;
      }
      const now = liveNow(record);
      let forget = false;
      try {
        if (post.kind === 'card')
          await this.#o.slack.editCard(teamId, {
            channel: post.channel,
            ts: post.ts,
            card: cardFacts(record),
          });
        else if (post.kind === 'listing') await this.#editListing(record, post, now);
        else if (post.kind === 'view') await this.#drawView(key, teamId, post);
        else
          await this.#o.slack.editPost(teamId, {
            channel: post.channel,
            ts: post.ts,
            note: showsFailure(post, now)
              ? failureNote(record, post, now)
              : livingNote(record, post, now, clock.now()),
          });
        stats.edits++;
        pacer.delivered(teamId);
      } catch (thrown) {
        const outcome = await this.#failed(teamId, post, key, thrown);
        if (outcome === 'gone') return true;
        // Slack busy with this one: the others are tried (a pause of the workspace stops them at `spend`).
        if (outcome === 'later') continue;
        forget = true;
      }
      if (post.kind === 'card') await this.#cardShown(key, record.snapshot);
      else
        await this.#shown(
          key,
          post,
          forget ? undefined : post.kind === 'view' ? viewSig(post.view) : liveSig(now, post),
        );
    }
    return false;
  }

  /**
   * Edits the records whose edits the budget deferred, once their workspace's edit window
   * reopened, in the order they were deferred, until the budget is spent again (the rest wait for
   * the next window). No provider call: the record is drawn as stored. Each record once per edit
   * window across replicas (claimed in the store); one in `busy` (being drained) is the drain's.
   */
  async editDeferred(busy: Set<string>): Promise<void> {
    const { budget } = this;
    const windowMs = this.#o.settings.editBudget.windowMs;
    for (const [teamId, keys] of budget.reopened()) {
      for (const key of keys) {
        if (!budget.open(teamId)) budget.defer(teamId, key);
        else if (busy.has(key) || !(await this.#drawable(key))) continue;
        else if (await this.#o.store.backend.claim(this.#editWindow(key, windowMs), 2 * windowMs)) {
          busy.add(key);
          try {
            await this.edit(key);
          } finally {
            busy.delete(key);
          }
        }
      }
    }
  }

  /**
   * False when an action was asked of the resource since its card was drawn and no poll has seen
   * it change yet: the card would say the state before the action; the next cycle draws it.
   */
  async #drawable(key: string): Promise<boolean> {
    const record = await this.#o.store.read<WatchRecord>(key);
    const card = record && cardOf(record);
    if (!record?.requested || !card) return record !== undefined;
    return record.requested.at <= (card.shown.at ?? 0) || card.shown.state !== record.snapshot.state;
  }

  #editWindow(key: string, windowMs: number): string {
    return `deferred-edit:${key}:${Math.floor(this.#o.clock.now() / windowMs)}`;
  }

  /** A capability's post in the thread, redrawn by that capability from the view it handed over. */
  async #drawView(key: string, teamId: string, post: EventPost): Promise<void> {
    const { slack } = this.#o;
    if (!slack.drawView || !post.capability)
      throw new DeliveryError('refused', { slackError: 'no_view_drawing' });
    const draw = { channel: post.channel, ts: post.ts, capability: post.capability, view: post.view, key };
    await slack.drawView(teamId, draw);
  }

  /** The post shows `sig` now (undefined: it cannot be edited, and is forgotten). */
  async #shown(key: string, post: EventPost, sig: string | undefined): Promise<void> {
    await this.#o.store.update<WatchRecord>(key, (current) => {
      if (!current?.posts?.some((p) => p.ts === post.ts && p.channel === post.channel)) return SKIP;
      if (sig !== undefined) return markEdited(current, post, sig);
      return { ...current, posts: current.posts.filter((p) => p.kind === 'card' || p.ts !== post.ts) };
    });
  }

  /** The card shows `snapshot` now; it stays dirty only if the resource moved on meanwhile. */
  async #cardShown(key: string, snapshot: WatchRecord['snapshot']): Promise<void> {
    const at = this.#o.clock.now();
    await this.#o.store.update<WatchRecord>(key, (current) => {
      const card = current && cardOf(current);
      if (!current || !card) return SKIP;
      const changedSince =
        current.snapshot.state !== snapshot.state || current.snapshot.progress !== snapshot.progress;
      const shown: CardPost['shown'] = { state: snapshot.state, progress: snapshot.progress, at };
      return withCardPost(current, { ...card, dirty: changedSince && card.dirty, shown });
    });
  }

  /** The listing with this resource's line as it is now, edited from the channel record. */
  async #editListing(record: WatchRecord, post: EventPost, now: LiveNow): Promise<void> {
    const { teamId } = record.watch;
    const item = itemKey(record.watch);
    let listing: LiveListing | undefined;
    await this.#o.store.update<ChannelRecord>(channelKey(teamId, post.channel), (current) => {
      const next = current && post.listing ? listingShows(current, post.listing, item, now) : undefined;
      listing = next?.listings?.find((l) => l.key === post.listing);
      return next ?? SKIP;
    });
    // The channel record no longer has it (kept only for the newest listings): nothing to edit.
    if (!listing) throw new DeliveryError('refused', { slackError: 'listing_forgotten' });
    await this.#o.slack.editPost(teamId, {
      channel: post.channel,
      ts: listing.ts,
      note: listingNote(listing),
    });
  }

  /** `later`: try again next cycle; `gone`: the channel is; `forget`: this message cannot be edited. */
  async #failed(
    teamId: string,
    post: LivePost,
    key: string,
    thrown: unknown,
  ): Promise<'later' | 'gone' | 'forget'> {
    const { stats, pacer, settings, logger } = this.#o;
    stats.slackErrors++;
    const error = DeliveryError.of(thrown);
    const gone = error.channelGone;
    if (gone) {
      await this.#o.breakChannel(teamId, post.channel, gone);
      return 'gone';
    }
    switch (error.failure) {
      case 'rate-limited':
        stats.rateLimited++;
        pacer.pause(teamId, error.retryAfterMs ?? 1000);
        return 'later';
      case 'unavailable':
      case 'lost':
        pacer.pause(teamId, settings.slackBackoffMs);
        return 'later';
      case 'busy':
        return 'later';
      default:
        logger.warn(
          { key, ts: post.ts, slackError: error.slackError },
          post.kind === 'card'
            ? 'card edit refused by Slack; the card is left as it is'
            : 'a living post cannot be edited; forgotten',
        );
        return 'forget';
    }
  }
}

/** What an edited post says: the resource as it is now, and what the post was about. */
export function livingNote(record: WatchRecord, post: EventPost, now: LiveNow, at: number): LivingNote {
  return {
    kind: 'living',
    post: { kind: post.kind, was: post.was },
    resource: resourceFacts(record.snapshot, at),
    now,
    ...(record.watch.origin?.title ? { title: record.watch.origin.title } : {}),
  };
}

/**
 * A failure post while the resource is still in that failure: drawn again as it was posted (the
 * explanation, its buttons), with what the capabilities say of the failure now (who is on it), so
 * a claim pressed anywhere shows on it.
 */
function failureNote(record: WatchRecord, post: EventPost, now: LiveNow): EventNote {
  const note = eventNote('failed', record, post.was.at);
  return now.facts ? { ...note, facts: now.facts } : note;
}
