import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { BotMetrics } from '../../metrics/metrics.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import { requestKind } from './ack-first-receiver.js';
import { MAX_CLOCK_SKEW_SECONDS, SIGNATURE_PROPERTY } from './verified-request.js';

/**
 * How long a request's key is remembered. A signature is accepted while its timestamp is within
 * 5 minutes of now either way, so one signed request can be replayed for up to 10 minutes; Slack's
 * last retry of an event comes about 6 minutes after its first delivery (at once, after 1 minute,
 * after 5 more).
 */
export const SEEN_TTL_MS = 2 * MAX_CLOCK_SKEW_SECONDS * 1000;

/**
 * The one rule against duplicate Slack requests: the key of every request is claimed in the store
 * (shared by every replica) before any listener runs, and a request whose key was seen is
 * acknowledged and dropped. A view submission has a second key, the submitted form itself
 * (`viewSubmissionKey`): the same form submitted twice is one submission.
 */
export class InboundDedupe {
  readonly #kv: AtomicKv;
  readonly #logger: Logger;
  readonly #metrics: BotMetrics | undefined;

  constructor(kv: AtomicKv, logger: Logger, metrics?: BotMetrics) {
    this.#kv = kv;
    this.#logger = logger;
    this.#metrics = metrics;
  }

  /**
   * Global middleware, registered before every other: Bolt runs it for every request of every
   * kind (command, action, view, options, shortcut, event, function step), in both receivers.
   */
  middleware(): Middleware<AnyMiddlewareArgs> {
    return async (args) => {
      const body = args.body as unknown as Record<string, unknown>;
      const key = inboundKey(body, args.context);
      const form = viewSubmissionKey(body);
      if (
        (key === undefined || (await this.#firstSeen(key))) &&
        (form === undefined || (await this.#firstSeen(form)))
      )
        return this.#run(args, form);
      this.#metrics?.duplicateDropped(dedupeKind(body));
      this.#logger.info(
        { kind: dedupeKind(body), retryNum: args.context.retryNum },
        'dropped a duplicate Slack request',
      );
      // Bolt acked the other events already; every other kind (and `function_executed`) is acked
      // here, so a duplicate still gets its 200 (in Socket Mode, its envelope acknowledged).
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (typeof ack === 'function') await ack();
    };
  }

  /**
   * Runs the listeners. A submission whose listener failed (threw) did nothing: its form's key is
   * given back, so submitting the same form again is tried again.
   */
  async #run(args: Parameters<Middleware<AnyMiddlewareArgs>>[0], form: string | undefined): Promise<void> {
    if (form === undefined) return args.next();
    try {
      await args.next();
    } catch (error) {
      await this.#kv
        .update(`inbound:${form}`, () => undefined)
        .catch((released: unknown) => {
          this.#logger.warn({ err: released }, 'could not release a failed view submission');
        });
      throw error;
    }
  }

  /**
   * A store that cannot be reached lets the request through: every listener that changes
   * something needs the store too, and refuses on its own with a message the user can read.
   */
  async #firstSeen(key: string): Promise<boolean> {
    try {
      return await this.#kv.claim(`inbound:${key}`, SEEN_TTL_MS);
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not check a Slack request for duplicates');
      return true;
    }
  }
}

/**
 * What makes a request the same request:
 * - an event: its `event_id`, the same on every retry of every event type;
 * - over HTTP, anything else: its signature (`v0=HMAC(timestamp + body)`), which only the same bytes
 *   with the same timestamp carry; two clicks differ in `trigger_id` and `action_ts`. An options
 *   request has no id of its own: one repeated with the same text within its second is dropped
 *   (that menu shows no options once; typing goes on as usual);
 * - in Socket Mode there is no signature, and no one but Slack can write into the socket the bot
 *   opened with its app token, so only Slack's redelivery is a duplicate: it carries the same
 *   `trigger_id`, which Slack makes for each command, click, shortcut and submission. Options
 *   requests and `view_closed` carry none, and are not deduplicated there: Slack does not redeliver
 *   an options request (the menu shows an error), and `view_closed` changes nothing here.
 */
export function inboundKey(body: Record<string, unknown>, context: Context): string | undefined {
  if (body.type === 'event_callback' && typeof body.event_id === 'string') return `event:${body.event_id}`;
  const signature = context[SIGNATURE_PROPERTY];
  if (typeof signature === 'string') return `sig:${signature}`;
  if (typeof body.trigger_id === 'string' && body.trigger_id !== '') return `trigger:${body.trigger_id}`;
  return undefined;
}

/**
 * The second key of a view submission: the form as submitted. Slack re-enables a modal's Submit
 * when the answer to a submission takes over 3 s, and the second press is a new request (its own
 * `trigger_id` and signature) carrying the same view from the same person: the same `view.id`, the
 * same `view.hash` (Slack changes it only when the view is updated) and the same values. A form corrected after
 * its errors differs in its values, and a form the bot updated in its `hash`: both are new.
 */
export function viewSubmissionKey(body: Record<string, unknown>): string | undefined {
  if (body.type !== 'view_submission') return undefined;
  const view = body.view as { id?: unknown; hash?: unknown; state?: { values?: unknown } } | undefined;
  if (typeof view?.id !== 'string' || view.id === '') return undefined;
  const values = createHash('sha256')
    .update(stableJson(view.state?.values ?? null))
    .digest('base64url');
  const user = (body.user as { id?: unknown } | undefined)?.id;
  return `view:${view.id}:${typeof view.hash === 'string' ? view.hash : ''}:${String(user ?? '')}:${values}`;
}

/** JSON with every object's keys sorted: the same values give the same text in any key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The metric label: the request's kind, with workflow steps (`function_executed`) apart from other events. */
export function dedupeKind(body: Record<string, unknown>): string {
  const event = body.event as { type?: unknown } | undefined;
  if (body.type === 'event_callback' && event?.type === 'function_executed') return 'function';
  return requestKind(body);
}
