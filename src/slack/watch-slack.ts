import { type Clock, systemClock } from '../clock.js';
import { ENGLISH, type Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import { throughputChartPng } from '../reports/throughput-chart.js';
import type { SecretRegistry } from '../secrets.js';
import type { ReportNote, WatchNotification } from '../watcher/outbox/notification.js';
import type { ViewNote } from '../watcher/outbox/thread-views.js';
import {
  DeliveryError,
  type ViewDraw,
  type WatchContent,
  type WatchPost,
  type WatchSlack,
} from '../watcher/outbox/watch-slack.js';
import type { CardDrawing } from './blocks/capability-drawing.js';
import { chartLabels } from './blocks/completion-report.js';
import { renderLivingPost } from './blocks/living-posts.js';
import { truncate } from './blocks/mrkdwn.js';
import { type Rendered, renderParentCard, renderWatchNotification } from './blocks/watch-notifications.js';
import { type MessageContent, SlackSender } from './sender.js';
import { SlackApiError } from './slack-api-error.js';
import type { SlackClients } from './slack-clients.js';

/** Slack's answers that mean the bot cannot post in a channel any more (until someone acts). */
const CHANNEL_GONE: ReadonlySet<string> = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/** Slack's answers after which trying again later can help (the others drop the entry). */
const TRANSIENT_PLATFORM_ERRORS: ReadonlySet<string> = new Set([
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

/** Marks the watcher's posts, so a replay after a crash can find them by their dedup key. */
const EVENT_TYPE = 'migrate_bot_notification';

/**
 * The watcher's Slack: it renders what the watcher stored (a card's facts, a notification, or an
 * entry an older version stored already rendered) with `blocks/watch-notifications.ts` when it is
 * sent, posts through the sender with the background client (a 429 fails fast, the outbox retries),
 * and turns Slack's failures into the outbox's `DeliveryError`s.
 */
export class SlackWatchDelivery implements WatchSlack {
  readonly #sender: SlackSender;
  readonly #language: ChannelLanguage;
  readonly #logger: Logger | undefined;
  readonly #clock: Clock;
  readonly #drawing: CardDrawing;
  readonly #views: ViewRender;
  readonly #notes: NoteRender;

  /**
   * `clock`: the bot's one clock (a card's "checked" time is when it is sent); `language` gives a
   * channel's language when a post is rendered (English without it); `lines`, what the
   * capabilities draw on a card from its facts (`StartedCapabilities.cardLines`), their buttons, lines
   * under a failure and sentences in its notice (`cardButtons`, `failureLines`, `cardNotices`);
   * `drawing.render`, a capability's own post from its view (`StartedCapabilities.render`, ADR 0017), in a
   * channel or a thread; `drawing.renderNote`, a note it said about a resource.
   */
  constructor(
    sender: SlackSender,
    clock: Clock,
    language: ChannelLanguage = async () => ENGLISH,
    logger?: Logger,
    drawing: Partial<CardDrawing> & { render?: ViewRender; renderNote?: NoteRender } = {},
  ) {
    this.#sender = sender;
    this.#clock = clock;
    this.#language = language;
    this.#logger = logger;
    this.#drawing = {
      cardLines: (facts, tr, now, resource) => drawing.cardLines?.(facts, tr, now, resource) ?? [],
      cardButtons: (facts, tr, resource) => drawing.cardButtons?.(facts, tr, resource) ?? [],
      failureLines: (facts, tr) => drawing.failureLines?.(facts, tr) ?? [],
      cardNotices: (card, tr) => drawing.cardNotices?.(card, tr) ?? [],
      actedLine: (last, state, tr) => drawing.actedLine?.(last, state, tr),
      actedBy: (via, by, tr) => drawing.actedBy?.(via, by, tr),
    };
    this.#views = (name, view, tr, now) => drawing.render?.(name, view, tr, now);
    this.#notes = (name, note, tr, now) => drawing.renderNote?.(name, note, tr, now);
  }

  async post(post: WatchPost): Promise<string> {
    const tr = await this.#language(post.teamId, post.channel);
    const now = this.#clock.now();
    const note = 'note' in post.content ? post.content.note : undefined;
    const drawn = note?.kind === 'view' ? this.#drawn(note, tr, now) : undefined;
    const message = drawn
      ? { text: drawn.text, ...(drawn.blocks ? { blocks: drawn.blocks as never } : {}) }
      : note && noteOf(note)
        ? this.#noted(note, tr, now)
        : render(post.content, tr, now, this.#drawing);
    const ts = await deliver(async () => {
      const posted = await this.#sender.to(post.teamId, { purpose: 'background' }).post({
        channel: post.channel,
        ...message,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: EVENT_TYPE, event_payload: { key: post.key } },
        ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
        ...(post.threadTs && post.broadcast ? { reply_broadcast: true } : {}),
      });
      return posted.ts;
    });
    if (note?.kind === 'report') await this.#uploadChart(post, note);
    if (drawn?.file) await this.#upload(post.teamId, post.channel, post.threadTs ?? ts, drawn.file, post.key);
    return ts;
  }

  /** A capability's post from its view; one no capability draws is refused (dropped, logged). */
  #drawn(note: ViewNote, tr: Translator, now: number): NonNullable<ReturnType<ViewRender>> {
    const drawn = this.#views(note.capability, note.view, tr, now);
    if (!drawn) throw new DeliveryError('refused', { slackError: 'no_view_renderer' });
    return drawn;
  }

  /** A note a capability said (`said`, an event of its timed work), drawn by it; else refused. */
  #noted(note: WatchNotification, tr: Translator, now: number): MessageContent {
    const of = noteOf(note);
    const drawn = of && this.#notes(of.capability, of.note, tr, now);
    if (!drawn) throw new DeliveryError('refused', { slackError: 'no_note_renderer' });
    return { text: drawn.text, ...(drawn.blocks ? { blocks: drawn.blocks as never } : {}) };
  }

  /**
   * A capability post's file (a verification's CSV), after its text, like the chart: the outbox
   * delivers the text exactly once; a file that cannot be uploaded is logged and left out rather
   * than posting twice.
   */
  async #upload(
    teamId: string,
    channel: string,
    threadTs: string,
    file: ViewFile,
    key: string,
  ): Promise<void> {
    try {
      await this.#sender.to(teamId, { purpose: 'background' }).uploadFile({
        channel,
        threadTs,
        bytes: Buffer.from(file.text, 'utf8'),
        filename: file.filename,
        title: truncate(file.title, 200),
      });
    } catch (error) {
      this.#logger?.warn({ err: error, key }, 'file of a capability post not uploaded; its text was posted');
    }
  }

  /**
   * The report's throughput chart, after its text. The text is what the outbox delivers exactly
   * once; a chart that cannot be drawn or uploaded is logged and left out rather than posting the
   * report twice.
   */
  async #uploadChart(post: WatchPost, note: ReportNote): Promise<void> {
    if (!note.report.chartable) return;
    try {
      const labels = chartLabels(note, await this.#language(post.teamId, post.channel));
      const bytes = await throughputChartPng(note.samples, {
        axes: labels.axes,
        durationSeconds: note.report.durationSeconds,
      });
      await this.#sender.to(post.teamId, { purpose: 'background' }).uploadFile({
        channel: post.channel,
        threadTs: post.threadTs,
        bytes,
        filename: labels.filename,
        title: labels.title,
        altText: labels.altText,
      });
    } catch (error) {
      this.#logger?.warn(
        { err: error, key: post.key },
        'completion chart not uploaded; the report text was posted',
      );
    }
  }

  async editCard(teamId: string, edit: Parameters<WatchSlack['editCard']>[1]): Promise<void> {
    const tr = await this.#language(teamId, edit.channel);
    const now = this.#clock.now();
    const card = renderParentCard(
      edit.card,
      tr,
      now,
      this.#drawing.cardLines(edit.card.facts, tr, now, edit.card.resource),
      this.#drawing,
    );
    await deliver(() =>
      this.#sender
        .to(teamId, { purpose: 'background' })
        .update({ channel: edit.channel, ts: edit.ts, ...card }),
    );
  }

  async editPost(teamId: string, edit: Parameters<WatchSlack['editPost']>[1]): Promise<void> {
    const tr = await this.#language(teamId, edit.channel);
    const note = edit.note;
    const post =
      note.kind === 'living'
        ? renderLivingPost(note, tr, this.#drawing)
        : noteOf(note)
          ? this.#noted(note, tr, this.#clock.now())
          : renderWatchNotification(note, tr, this.#drawing);
    await deliver(() =>
      this.#sender
        .to(teamId, { purpose: 'background' })
        .update({ channel: edit.channel, ts: edit.ts, ...post }),
    );
  }

  async drawView(teamId: string, draw: ViewDraw): Promise<string> {
    const tr = await this.#language(teamId, draw.channel);
    const drawn = this.#drawn(
      { kind: 'view', capability: draw.capability, id: '', view: draw.view },
      tr,
      this.#clock.now(),
    );
    const message = { text: drawn.text, ...(drawn.blocks ? { blocks: drawn.blocks as never } : {}) };
    const to = this.#sender.to(teamId, { purpose: 'background' });
    if (draw.ts) {
      const ts = draw.ts;
      await deliver(() => to.update({ channel: draw.channel, ts, ...message }));
      return ts;
    }
    const ts = await deliver(async () => {
      const posted = await to.post({
        channel: draw.channel,
        ...message,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: EVENT_TYPE, event_payload: { key: draw.key } },
      });
      return posted.ts;
    });
    if (drawn.file) await this.#upload(teamId, draw.channel, draw.thread ?? ts, drawn.file, draw.key);
    return ts;
  }

  async findPosted(
    teamId: string,
    where: Parameters<WatchSlack['findPosted']>[1],
  ): Promise<string | undefined> {
    return deliver(() => this.#sender.to(teamId, { purpose: 'background' }).findByMetadata(where));
  }
}

/**
 * The watcher's Slack over a sender of its own (tests, benchmarks); the bot shares one sender.
 * `drawing`: the capabilities that draw on its posts (none by default).
 */
export function watchSlackFor(
  clients: SlackClients,
  secrets: SecretRegistry,
  clock: Clock = systemClock,
  drawing?: ConstructorParameters<typeof SlackWatchDelivery>[4],
): SlackWatchDelivery {
  return new SlackWatchDelivery(new SlackSender(clients, secrets), clock, undefined, undefined, drawing);
}

/** The language posts in a channel are rendered in, asked each time one is sent. */
export type ChannelLanguage = (teamId: string, channel: string) => Promise<Translator>;

/** A note capability `name` said about a resource, drawn by it (undefined: it draws none). */
export type NoteRender = (
  capability: string,
  note: unknown,
  tr: Translator,
  now: number,
) => { text: string; blocks?: unknown[] } | undefined;

/** The capability that said `note` and what it wrote, if a capability said it. */
function noteOf(note: WatchNotification): { capability: string; note: unknown } | undefined {
  if (note.kind === 'said') return { capability: note.capability, note: note.note };
  if (note.kind === 'event' && note.capability) return { capability: note.capability, note };
  return undefined;
}

/** A file that goes with a capability's post when it is first posted. */
type ViewFile = { filename: string; title: string; text: string };

/** A capability's living post drawn from its view (undefined: it draws none). */
export type ViewRender = (
  capability: string,
  view: unknown,
  tr: Translator,
  now: number,
) => { text: string; blocks?: unknown[]; file?: ViewFile } | undefined;

function render(
  content: WatchContent,
  tr: Translator,
  now: number,
  drawing: CardDrawing,
): Rendered | MessageContent {
  if ('card' in content) {
    const { card } = content;
    return renderParentCard(card, tr, now, drawing.cardLines(card.facts, tr, now, card.resource), drawing);
  }
  if ('note' in content && content.note.kind !== 'view' && content.note.kind !== 'said')
    return renderWatchNotification(content.note, tr, drawing);
  return 'rendered' in content
    ? { text: content.rendered.text, blocks: content.rendered.blocks }
    : { text: '' };
}

async function deliver<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw deliveryError(error);
  }
}

/** A Slack failure as the outbox acts on it; anything else (a token that could not be had) is lost. */
export function deliveryError(error: unknown): DeliveryError {
  if (!(error instanceof SlackApiError)) return new DeliveryError('lost', { cause: error });
  switch (error.kind) {
    case 'platform': {
      const code = error.code ?? 'unknown_error';
      const failure = CHANNEL_GONE.has(code)
        ? 'channel-gone'
        : TRANSIENT_PLATFORM_ERRORS.has(code)
          ? 'busy'
          : 'refused';
      return new DeliveryError(failure, { slackError: code, cause: error });
    }
    case 'rate-limited':
      return new DeliveryError('rate-limited', {
        retryAfterMs: Math.max(1, error.retryAfterSeconds ?? 1) * 1000,
        cause: error,
      });
    case 'http':
      return new DeliveryError('unavailable', { cause: error });
    case 'lost':
      return new DeliveryError('lost', { cause: error });
  }
}
