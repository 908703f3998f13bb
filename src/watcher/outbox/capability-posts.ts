import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { hashValue } from '../records/hash53.js';
import type { Outbox } from './outbox.js';

/** Where a capability's living post is, and what it last showed (a hash of its view). */
interface PostRecord {
  channel: string;
  ts?: string;
  sig?: number;
}

export type Shown = 'posted' | 'edited' | 'same' | 'held';

/**
 * A capability's own living posts (ADR 0017: a plan's card), kept beside the watches: the
 * capability hands a view (data), the one outbox posts or edits it through the same Slack, in the
 * workspace's edit budget, and the view is rendered by the capability at send time in the
 * channel's language. An edit is made only when the view changed since it was last shown; the
 * record is written with a compare-and-set, so a restart finds the same post and never posts twice.
 */
export class CapabilityPosts {
  readonly #kv: AtomicKv;
  readonly #outbox: Pick<Outbox, 'drawView'>;

  constructor(watcher: { store: { backend: AtomicKv }; outbox: Pick<Outbox, 'drawView'> }) {
    this.#kv = watcher.store.backend;
    this.#outbox = watcher.outbox;
  }

  /**
   * Shows `view` in the post `id` of `capability` in `channel`: posts it the first time, edits it
   * when it changed since. `held`: the edit budget is spent (a later call edits). A file the view
   * renders with goes into `thread` (else the post's own) when it is first posted. Throws the
   * outbox's `DeliveryError`.
   */
  async show(
    teamId: string,
    where: { capability: string; id: string; channel: string; thread?: string },
    view: unknown,
  ) {
    const key = postKey(teamId, where.capability, where.id);
    const sig = hashValue(view);
    const before = await this.#read(key);
    if (before?.ts && before.sig === sig) return 'same' satisfies Shown;
    const draw = {
      channel: where.channel,
      capability: where.capability,
      view,
      key,
      ...(where.thread ? { thread: where.thread } : {}),
    };
    const ts = await this.#outbox.drawView(teamId, before?.ts ? { ...draw, ts: before.ts } : draw);
    if (!ts) return 'held' satisfies Shown;
    await this.#kv.update(key, (raw) => {
      const current = raw ? (JSON.parse(raw) as PostRecord) : undefined;
      // Another replica posted it meanwhile: its ts stays (this one's post is the extra).
      if (current?.ts && current.ts !== ts) return SKIP;
      return JSON.stringify({ channel: where.channel, ts, sig } satisfies PostRecord);
    });
    return (before?.ts ? 'edited' : 'posted') satisfies Shown;
  }

  /** Where the post is, if it was posted. */
  async where(
    teamId: string,
    capability: string,
    id: string,
  ): Promise<{ channel: string; ts: string } | undefined> {
    const r = await this.#read(postKey(teamId, capability, id));
    return r?.ts ? { channel: r.channel, ts: r.ts } : undefined;
  }

  /** Forgets the post (it stays in Slack as last drawn). */
  async forget(teamId: string, capability: string, id: string): Promise<void> {
    await this.#kv.update(postKey(teamId, capability, id), () => undefined);
  }

  async #read(key: string): Promise<PostRecord | undefined> {
    const raw = await this.#kv.get(key);
    return raw ? (JSON.parse(raw) as PostRecord) : undefined;
  }
}

function postKey(teamId: string, capability: string, id: string): string {
  return `cpost:${teamId}:${capability}:${id}`;
}
