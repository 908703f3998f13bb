import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';
import type { HandlerContext, Reply } from '../../contract/handler-context.js';
import { LOCALES } from '../../i18n/locale.js';
import { ENGLISH, type Translator, translatorFor } from '../../i18n/translator.js';
import { newInteractiveScope, runInteractive, waitingOn } from '../../providers/interactive-calls.js';
import { code, escapeMrkdwn } from '../blocks/mrkdwn.js';
import { whoClicked } from '../button-handler.js';
import { type AppDeps, createHandlerContext, HANDLER_CONTEXT } from '../context.js';
import { homeContext } from '../home/home-context.js';
import { workSlotReleaser } from './ack-first-receiver.js';
import { afterAck } from './after-ack.js';
import { runSafely } from './run-safely.js';

export interface InteractiveBudget {
  /** The person hears something within this: the answer, or which connection is not answering. */
  firstAnswerMs: number;
  /** After this the request stops waiting and says so. The watcher's calls have no such limit. */
  giveUpMs: number;
}

/**
 * A person waits a few seconds for a first answer, and Slack's response_url stays valid for 30
 * minutes; 30 s covers a slow provider answer after one retry and is well short of that.
 */
export const INTERACTIVE_BUDGET: InteractiveBudget = { firstAnswerMs: 2_500, giveUpMs: 30_000 };

/**
 * Commands answer on their own response_url, so the interim message is replaced by the answer.
 * A button's response_url replaces the message the button is on (a card, an approval request), so
 * there the interim is a message of its own and the answer goes where it always does.
 */
export type InteractiveSurface = 'command' | 'button';

interface InteractiveOptions {
  surface: InteractiveSurface;
  /** Gives the request's work slot back (see `FairWorkQueue`). */
  releaseSlot: () => void;
  budget?: InteractiveBudget;
}

/** The fields of a slash-command payload the bot relies on. */
const commandPayloadSchema = z.object({
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  trigger_id: z.string().optional(),
  text: z.string().max(4000).default(''),
});

/**
 * The time budget, as one global middleware. Every slash command and button is acked here, once.
 * Those with a response_url (commands, buttons on a message: a person waits for the answer there)
 * then get their handler context, built here once from the signed payload, and their listener runs
 * inside the budget (`withinBudget`); the listener finds the context with `handlerContextOf`.
 * Home-tab buttons get theirs too, answered on the tab (`answerOnHome`). Modal buttons have no
 * response_url and go on to their listener as they came; a modal's submission is acked by its
 * listener, whose ack carries the form's errors (`modalContext`).
 */
export function answerInTime(deps: AppDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, context, next } = args;
    const surface = interactiveSurface(body);
    // Bolt gives a `respond` to the requests that carry a response_url.
    const respond = (args as { respond?: (message: Record<string, unknown>) => Promise<unknown> }).respond;
    if (!surface) return next();
    // Commands and buttons ack empty (every answer goes to the response_url, chat.* or views.*):
    // acked here, once, before anything else; a listener's own `ack()` after it changes nothing.
    await (args as { ack?: () => Promise<void> }).ack?.();
    if (!respond) return onHomeTab(body) ? answerOnHome(deps, args, next) : next();
    await afterAck();
    const who = surface === 'command' ? whoAsked(body) : whoPressed(body);
    const ctx = createHandlerContext(deps, who, respond, surface);
    context[HANDLER_CONTEXT] = ctx;
    const options = { surface, releaseSlot: workSlotReleaser(context), budget: deps.intake.budget };
    await withinBudget(ctx, options, next);
  };
}

/** A button of the Home tab (its container is the tab's view). */
function onHomeTab(body: AnyMiddlewareArgs['body']): boolean {
  return (body as { view?: { type?: string } }).view?.type === 'home';
}

/**
 * A Home-tab button: nobody waits on a response_url there, so no interim and no budget; the answer,
 * or what went wrong, is the tab redrawn with it on top.
 */
async function answerOnHome(
  deps: AppDeps,
  args: AnyMiddlewareArgs & AllMiddlewareArgs,
  next: () => Promise<void>,
): Promise<void> {
  await afterAck();
  const { teamId, userId } = whoClicked(args.body);
  const what = whoPressed(args.body).what ?? 'home';
  const ctx = homeContext(deps, { teamId, userId, what }, args.client);
  args.context[HANDLER_CONTEXT] = ctx;
  await runSafely(ctx, next);
}

function interactiveSurface(body: AnyMiddlewareArgs['body']): InteractiveSurface | undefined {
  if ('command' in body && typeof body.command === 'string') return 'command';
  return body.type === 'block_actions' ? 'button' : undefined;
}

function whoAsked(body: unknown) {
  const payload = commandPayloadSchema.parse(body);
  return {
    teamId: payload.team_id,
    userId: payload.user_id,
    channelId: payload.channel_id,
    triggerId: payload.trigger_id,
  };
}

/** The clicker and the button; the click's trigger (it lives 3 s) for a button that opens a form. */
function whoPressed(body: unknown) {
  const click = body as { trigger_id?: string; actions?: { action_id?: string }[] };
  return { ...whoClicked(body), triggerId: click.trigger_id, what: click.actions?.[0]?.action_id };
}

/**
 * Every interactive request's work after its ack: failures answered (`runSafely`), provider calls
 * in an interactive scope (one bulkhead per connection), and a time budget. When no answer has gone
 * out after `firstAnswerMs`, the work gives its slot back and the person is told which connection
 * is not answering yet; the answer, when it comes, replaces that message. After `giveUpMs` the
 * request says it stopped waiting, and whatever the work answers later is dropped.
 */
async function withinBudget(
  ctx: HandlerContext,
  options: InteractiveOptions,
  work: () => Promise<void>,
): Promise<void> {
  const budget = options.budget ?? INTERACTIVE_BUDGET;
  // From here on the handler's answers go through the budget; the interim and the give-up go out
  // the way its answers did before.
  const answers = new Answers(ctx, options.surface, ctx.reply);
  ctx.reply = (message) => answers.reply(message);
  const giveUp = new AbortController();
  // A call that has to queue for its connection needs no CPU: it gives the slot back at once.
  const scope = newInteractiveScope(options.releaseSlot, giveUp.signal);
  let unnamedTimer: NodeJS.Timeout | undefined;
  const firstAnswerTimer = setTimeout(() => {
    options.releaseSlot();
    if (waitingOn(scope).length > 0) return answers.interim(waitingOn(scope));
    // No provider called yet (the work is still on its own steps, as on a busy machine): the
    // interim names the first connection called from now on. Only work that calls none for a
    // quarter of the give-up budget more is said to be slow without a name.
    const interimNow = () => {
      clearTimeout(unnamedTimer);
      scope.onPending = undefined;
      answers.interim(waitingOn(scope));
    };
    scope.onPending = interimNow;
    unnamedTimer = setTimeout(interimNow, Math.max(budget.firstAnswerMs, budget.giveUpMs / 4));
  }, budget.firstAnswerMs);
  const started = performance.now();
  const stopWaiting = (afterMs: number) => {
    // Closed first, so the failures the abort causes are not answered after the give-up message.
    answers.giveUp(waitingOn(scope), afterMs);
    giveUp.abort();
  };
  const giveUpTimer = setTimeout(() => stopWaiting(budget.giveUpMs), budget.giveUpMs);
  // The process is shutting down and cannot wait for the answer any longer: the give-up now, so
  // the interim message is never the last word.
  // The request then ends with its give-up sent: a provider call still open (an abort reaches only
  // the queued ones) is not waited for.
  let leave = () => {};
  const left = new Promise<void>((resolve) => (leave = resolve));
  const shutdown = ctx.deps.intake.drain.deadline;
  const onShutdown = () => {
    stopWaiting(performance.now() - started);
    leave();
  };
  if (shutdown?.aborted) onShutdown();
  else shutdown?.addEventListener('abort', onShutdown, { once: true });
  try {
    const working = runInteractive(scope, () => runSafely(ctx, work));
    await Promise.race([working, left.then(() => void working.catch(() => undefined))]);
  } finally {
    clearTimeout(firstAnswerTimer);
    clearTimeout(unnamedTimer);
    scope.onPending = undefined;
    clearTimeout(giveUpTimer);
    shutdown?.removeEventListener('abort', onShutdown);
    // The request ends when its last post (an interim, a give-up) has gone out, not before: the
    // drain waits for it.
    await answers.sent();
  }
}

/** Whether a posted message is the interim "not answering yet" (clients waiting for the answer skip it). */
export function isInterimAnswer(message: { text?: unknown }): boolean {
  const text = message.text;
  return (
    typeof text === 'string' &&
    INTERIM_FRAMES.some(([head, tail]) => text.startsWith(head) && text.endsWith(tail))
  );
}

/** What every interim says around its `{what}`, in every language and on both surfaces. */
const INTERIM_FRAMES: [string, string][] = LOCALES.flatMap((locale) =>
  (['interim.command', 'interim.button'] as const).map((key) => {
    const [head = '', tail = ''] = translatorFor(locale).t(key, { what: '\u0000' }).split('\u0000');
    return [head, tail] as [string, string];
  }),
);

/** The posts of one request, in order: at most one interim, the answers, or the give-up. */
class Answers {
  readonly #ctx: HandlerContext;
  readonly #surface: InteractiveSurface;
  readonly #send: HandlerContext['reply'];
  /** Posts go out one after another, so an answer never overtakes the interim it replaces. */
  #chain: Promise<void> = Promise.resolve();
  #answered = false;
  /** An interim message is showing and no answer came after it yet. */
  #interimShowing = false;
  #closed = false;

  constructor(ctx: HandlerContext, surface: InteractiveSurface, send: HandlerContext['reply']) {
    this.#ctx = ctx;
    this.#surface = surface;
    this.#send = send;
  }

  interim(connections: string[]): void {
    if (this.#answered || this.#closed) return;
    this.#interimShowing = true;
    this.#ctx.logger.info({ waitingOn: connections }, 'no answer within the first-answer budget');
    const surface = this.#surface;
    this.#postWords((tr) => {
      const what =
        connections.length > 0
          ? tr.t('interim.waitingOn', { names: names(connections, tr), n: connections.length })
          : tr.t('interim.slow');
      return { text: tr.t(surface === 'command' ? 'interim.command' : 'interim.button', { what }) };
    }).catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'could not post the interim answer'));
  }

  reply(message: Reply): Promise<void> {
    if (this.#closed) {
      this.#ctx.logger.info('answer dropped: the request had given up waiting');
      return Promise.resolve();
    }
    this.#answered = true;
    const replacesInterim = this.#interimShowing && this.#surface === 'command';
    this.#interimShowing = false;
    if (!replacesInterim) return this.#post(message);
    if (!message.share) return this.#post({ ...message, replaceOriginal: true });
    // An ephemeral message cannot become a channel message: the answer is posted to the channel,
    // and the interim (seen only by the asker) says where it went.
    const shared = this.#post({ ...message, replaceOriginal: false });
    return shared.then(() =>
      this.#postWords((tr) => ({ text: tr.t('interim.answeredInChannel'), replaceOriginal: true })),
    );
  }

  giveUp(connections: string[], afterMs: number): void {
    // A request that has answered may go on working (and answer again) as long as it needs.
    if (this.#closed || this.#answered) return;
    this.#closed = true;
    this.#ctx.logger.warn({ waitingOn: connections }, 'gave up waiting for the answer');
    const replace = this.#interimShowing && this.#surface === 'command';
    const ref = code(this.#ctx.opId);
    this.#postWords((tr) => {
      const what =
        connections.length > 0
          ? tr.t('giveUp.didNotAnswer', { names: names(connections, tr), n: connections.length })
          : tr.t('giveUp.noAnswer');
      const after = tr.duration(Math.max(1, Math.round(afterMs / 1000)));
      return { text: tr.t('giveUp.text', { what, after, ref }), replaceOriginal: replace };
    }).catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'could not post the give-up message'));
  }

  /** Resolves when every post so far has gone out (or failed). */
  sent(): Promise<void> {
    return this.#chain;
  }

  /**
   * Posts words in the asker's language. The language is looked up in the chain, so the order of
   * posts holds; a look-up that fails says it in English rather than not at all.
   */
  #postWords(build: (tr: Translator) => Reply): Promise<void> {
    const words = this.#ctx.translator('person').catch(() => ENGLISH);
    const sent = this.#chain.then(async () => this.#send(build(await words)));
    this.#chain = sent.catch(() => {});
    return sent;
  }

  #post(message: Reply): Promise<void> {
    const sent = this.#chain.then(() => this.#send(message));
    this.#chain = sent.catch(() => {});
    return sent;
  }
}

/** `*hw-prod*`, `*hw-prod* and *ncp-kr*`, `*a*, *b* and *c*`, in the reader's language. */
function names(connections: string[], tr: Translator): string {
  return tr.list(connections.map((name) => `*${escapeMrkdwn(name)}*`));
}
