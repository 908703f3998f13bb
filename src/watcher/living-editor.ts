import { SKIP } from '../store/atomic-kv.js';
import { CardEditor, type CardEditorDeps } from './card-editor.js';
import {
  duePosts,
  itemKey,
  type LiveListing,
  type LiveNow,
  type LivePost,
  listingNote,
  listingShows,
  liveNow,
  liveSig,
  markEdited,
} from './living-posts.js';
import { type LivingNote, resourceFacts } from './notification.js';
import type { OutboxSettings } from './outbox-settings.js';
import { DeliveryError } from './watch-slack.js';
import { type ChannelRecord, channelKey, type WatchRecord } from './watch-store.js';

/** What the card editor needs, and the card editor itself: its edit budget is shared. */
export interface LivingEditorDeps extends CardEditorDeps {
  cards: CardEditor;
}

/**
 * Edits a watch's living posts (`living-posts.ts`) that no longer show what its record says: each
 * within the workspace's edit budget (the cards' own, `CardEditor.spend`), then recorded as shown
 * with a compare-and-set. A post Slack will not edit any more (deleted, too old) is forgotten.
 */
export class LivingEditor {
  readonly #o: LivingEditorDeps;

  constructor(deps: LivingEditorDeps) {
    this.#o = deps;
  }

  /** True when Slack refused the channel (its watches are then broken, the posts stay due). */
  async edit(key: string): Promise<boolean> {
    const { store, cards, stats, pacer, clock } = this.#o;
    const record = await store.read<WatchRecord>(key);
    if (!record?.watch || !record.snapshot) return false;
    const teamId = record.watch.teamId;
    for (const post of duePosts(record)) {
      if (!(await cards.spend(teamId))) return false;
      const now = liveNow(record);
      let forget = false;
      try {
        if (post.kind === 'listing') await this.#editListing(record, post, now);
        else
          await this.#o.slack.editPost(teamId, {
            channel: post.channel,
            ts: post.ts,
            note: livingNote(record, post, now, clock.now()),
          });
        stats.edits++;
        pacer.delivered(teamId);
      } catch (thrown) {
        const outcome = await this.#failed(teamId, post, key, thrown);
        if (outcome === 'gone') return true;
        if (outcome === 'later') return false;
        forget = true;
      }
      const sig = liveSig(now);
      await store.update<WatchRecord>(key, (current) => {
        if (!current?.posts?.some((p) => p.ts === post.ts && p.channel === post.channel)) return SKIP;
        if (!forget) return markEdited(current, post, sig);
        return { ...current, posts: current.posts.filter((p) => p !== post && p.ts !== post.ts) };
      });
    }
    return false;
  }

  /** The listing with this resource's line as it is now, edited from the channel record. */
  async #editListing(record: WatchRecord, post: LivePost, now: LiveNow): Promise<void> {
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
          'a living post cannot be edited; forgotten',
        );
        return 'forget';
    }
  }
}

/** What an edited post says: the resource as it is now, and what the post was about. */
export function livingNote(record: WatchRecord, post: LivePost, now: LiveNow, at: number): LivingNote {
  return {
    kind: 'living',
    post: { kind: post.kind, was: post.was },
    resource: resourceFacts(record.snapshot, at),
    now,
    ...(record.watch.origin?.title ? { title: record.watch.origin.title } : {}),
  };
}

/** The card editor and the living posts' editor of one outbox, sharing its edit budget. */
export function editorsFor(deps: CardEditorDeps & { settings: OutboxSettings }): {
  cards: CardEditor;
  living: LivingEditor;
} {
  const cards = new CardEditor(deps);
  return { cards, living: new LivingEditor({ ...deps, cards }) };
}
