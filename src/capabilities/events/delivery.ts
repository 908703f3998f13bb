import { createHmac, randomBytes } from 'node:crypto';
import { type Agent, fetch } from 'undici';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { allowListed } from '../../outbound/allow-list.js';
import { guardedAgent, isPrivateAddressError, type Resolve } from '../../outbound/guarded-connect.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { categoryOf, connectionOf, type EventEnvelope } from './envelope.js';
import { checkHookUrl } from './hook-url.js';
import type { Hook, HookStore } from './hooks.js';

/** Retries back off from 30 s, doubling, to at most an hour apart; an event is given up after a day. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3_600_000;
export const GIVE_UP_MS = 24 * 3_600_000;
/** A receiver has this long to answer (then the attempt failed and is retried). */
export const ANSWER_MS = 10_000;
/** A claim older than this was its replica's last act (it died mid-send): the event is sent again. */
const CLAIM_MS = 2 * ANSWER_MS;
/** Events waiting per webhook; past it the oldest are dropped (and counted). */
const MAX_QUEUED = 1_000;
/** Ids delivered lately, per webhook: an event enqueued again (another replica, another channel) is not. */
const RECENT_KEPT = 500;

interface Queued {
  id: string;
  type: string;
  /** The exact bytes signed and sent. */
  body: string;
  firstAt: number;
  attempts: number;
  notBefore?: number;
  sending?: { by: string; at: number };
}
interface Queue {
  items: Queued[];
  recent: string[];
}

const queueKey = (team: string, id: string) => `ev:q:${team}:${id}`;
const parseQueue = (raw: string | undefined): Queue =>
  raw === undefined ? { items: [], recent: [] } : (JSON.parse(raw) as Queue);

/** `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`, as Slack signs its requests. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function backoffMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/** True when the webhook asked for this event (its categories, its connection). */
export function wants(hook: Hook, event: EventEnvelope): boolean {
  if (event.type === 'webhook.test') return event.subject === `webhook:${hook.id}`;
  if (hook.events.length > 0 && !hook.events.includes(categoryOf(event.type))) return false;
  return !hook.connection || connectionOf(event) === hook.connection;
}

/**
 * Each webhook's events, delivered on a lane of its own: in order (the head waits for its retries,
 * so a resource's events never overtake each other), at least once, each attempt claimed with a
 * compare-and-set on the webhook's queue so one replica sends it. Nothing here is awaited by the
 * watcher's cycle or by Slack's posts: a receiver that hangs holds only its own lane.
 */
export class Deliveries {
  readonly #running = new Map<string, Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  #stopped = false;
  #agent: Agent | undefined;

  constructor(
    readonly deps: {
      kv: AtomicKv;
      hooks: HookStore;
      clock: Clock;
      logger: Logger;
      holder: string;
      allowedEndpoints: readonly string[];
      /** How receivers' names are resolved (tests); node:dns otherwise. */
      resolve?: Resolve;
    },
  ) {}

  /** Queues the events for every webhook of the team that wants them, then starts those lanes. */
  async enqueue(team: string, events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const now = this.deps.clock.now();
    for (const hook of await this.deps.hooks.list(team)) {
      const mine = events.filter((e) => wants(hook, e));
      if (mine.length === 0) continue;
      let dropped = 0;
      await this.deps.kv.update(queueKey(team, hook.id), (raw) => {
        const q = parseQueue(raw);
        const known = new Set([...q.items.map((i) => i.id), ...q.recent]);
        const fresh = mine
          .filter((e) => !known.has(e.id))
          .map((e) => ({ id: e.id, type: e.type, body: JSON.stringify(e), firstAt: now, attempts: 0 }));
        if (fresh.length === 0) return SKIP;
        const items = [...q.items, ...fresh];
        dropped = Math.max(0, items.length - MAX_QUEUED);
        return JSON.stringify({ ...q, items: items.slice(dropped) });
      });
      if (dropped > 0)
        await this.deps.hooks.count(team, hook.id, (s) => ({ ...s, dropped: s.dropped + dropped }));
      this.kick(team, hook);
    }
  }

  /** Starts every lane with something due (the retry job, on the bot's clock). */
  async kickAll(): Promise<void> {
    for (const team of await this.deps.hooks.teams())
      for (const hook of await this.deps.hooks.list(team)) this.kick(team, hook);
  }

  /** Runs the webhook's lane unless it runs here already; never awaited by the caller. */
  kick(team: string, hook: Hook): void {
    const lane = `${team}:${hook.id}`;
    if (this.#stopped || this.#running.has(lane)) return;
    const run = this.#lane(team, hook)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, webhook: hook.id }, 'webhook lane failed'),
      )
      .finally(() => this.#running.delete(lane));
    this.#running.set(lane, run);
  }

  /** Resolves once the webhook's lane does not run here (tests). */
  async idle(team: string, hookId: string): Promise<void> {
    for (let run = this.#running.get(`${team}:${hookId}`); run; run = this.#running.get(`${team}:${hookId}`))
      await run;
  }

  #pinned(): Agent {
    this.#agent ??= guardedAgent(this.deps.resolve);
    return this.#agent;
  }

  stop(): void {
    this.#stopped = true;
    void this.#agent?.close().catch(() => undefined);
    for (const abort of this.#aborts) abort.abort();
  }

  async forget(team: string, hookId: string): Promise<void> {
    await this.deps.kv.update(queueKey(team, hookId), () => undefined);
  }

  async queued(team: string, hookId: string): Promise<number> {
    return parseQueue(await this.deps.kv.get(queueKey(team, hookId))).items.length;
  }

  async #lane(team: string, hook: Hook): Promise<void> {
    while (!this.#stopped) {
      const claimed = await this.#claim(team, hook.id);
      if (!claimed) return;
      const outcome = await this.#send(team, hook, claimed.item);
      const settled = await this.#settle(team, hook.id, claimed, outcome.ok);
      await this.deps.hooks.count(team, hook.id, (s) => ({
        delivered: s.delivered + (outcome.ok ? 1 : 0),
        failures: s.failures + (outcome.ok ? 0 : 1),
        dropped: s.dropped + (settled === 'dropped' ? 1 : 0),
        last: { at: this.deps.clock.now(), ok: outcome.ok, status: outcome.status },
      }));
      if (!outcome.ok && settled !== 'dropped') return;
    }
  }

  /** The head of the queue, due and unclaimed (or claimed by a replica that died), claimed by this one. */
  async #claim(team: string, hookId: string): Promise<{ item: Queued; mark: string } | undefined> {
    const now = this.deps.clock.now();
    const mark = `${this.deps.holder}#${randomBytes(4).toString('hex')}`;
    const written = await this.deps.kv.update(queueKey(team, hookId), (raw) => {
      const q = parseQueue(raw);
      const head = q.items[0];
      if (!head || (head.notBefore ?? 0) > now) return SKIP;
      if (head.sending && now - head.sending.at < CLAIM_MS) return SKIP;
      const claimed = { ...head, attempts: head.attempts + 1, sending: { by: mark, at: now } };
      return JSON.stringify({ ...q, items: [claimed, ...q.items.slice(1)] });
    });
    const head = parseQueue(written).items[0];
    return head?.sending?.by === mark ? { item: head, mark } : undefined;
  }

  async #send(team: string, hook: Hook, item: Queued): Promise<{ ok: boolean; status: string }> {
    // The allow-list is read again: a host it no longer lets through is not sent to.
    if (!checkHookUrl(hook.url, this.deps.allowedEndpoints).ok) return { ok: false, status: 'refused' };
    // A host the allow-list names is the admin's to vouch for; any other is connected to only at an
    // address checked as the connection is made (a name rebound to an internal address is refused).
    const listed = allowListed(new URL(hook.url), this.deps.allowedEndpoints);
    const timestamp = String(Math.floor(this.deps.clock.now() / 1000));
    const abort = new AbortController();
    this.#aborts.add(abort);
    try {
      const secret = this.deps.hooks.secretOf(team, hook);
      const response = await fetch(hook.url, {
        ...(listed ? {} : { dispatcher: this.#pinned() }),
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(ANSWER_MS)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'migrate-bot-webhooks/1',
          'x-migrate-event-id': item.id,
          'x-migrate-event-type': item.type,
          'x-migrate-request-timestamp': timestamp,
          'x-migrate-signature': signature(secret, timestamp, item.body),
        },
        body: item.body,
      });
      await response.body?.cancel().catch(() => undefined);
      return { ok: response.status >= 200 && response.status < 300, status: String(response.status) };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (isPrivateAddressError(error)) return { ok: false, status: 'refused' };
      return {
        ok: false,
        status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable',
      };
    } finally {
      this.#aborts.delete(abort);
    }
  }

  /** Off the queue once answered 2xx (or given up); else due again after its backoff. Only our own claim. */
  async #settle(
    team: string,
    hookId: string,
    claimed: { item: Queued; mark: string },
    ok: boolean,
  ): Promise<'sent' | 'retry' | 'dropped'> {
    const now = this.deps.clock.now();
    const give = !ok && now - claimed.item.firstAt >= GIVE_UP_MS;
    await this.deps.kv.update(queueKey(team, hookId), (raw) => {
      const q = parseQueue(raw);
      const head = q.items[0];
      if (!head || head.id !== claimed.item.id || head.sending?.by !== claimed.mark) return SKIP;
      if (ok || give) {
        const recent = ok ? [...q.recent, head.id].slice(-RECENT_KEPT) : q.recent;
        return JSON.stringify({ items: q.items.slice(1), recent });
      }
      const { sending: _s, ...rest } = head;
      const retry = { ...rest, notBefore: now + backoffMs(head.attempts) };
      return JSON.stringify({ ...q, items: [retry, ...q.items.slice(1)] });
    });
    return ok ? 'sent' : give ? 'dropped' : 'retry';
  }
}
