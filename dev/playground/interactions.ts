import type { Conversation, ResponseContext } from './conversation.js';
import { CHANNEL, findUser, type PlaygroundUser } from './people.js';
import { type BotAnswer, FORM, interactivityBody, JSON_TYPE, postSignedToBot } from './signed-request.js';
import {
  type ActionSource,
  appHomeOpenedBody,
  blockActionsPayload,
  blockSuggestionPayload,
  type StateValues,
  slashCommandBody,
  userChangeBody,
  viewClosedPayload,
  viewSubmissionPayload,
} from './slack-payloads.js';

export interface InteractionsOptions {
  conversation: Conversation;
  /** The bot's `/slack/events` URL. */
  eventsUrl: string;
  signingSecret: string;
  /** Builds the `response_url` for an id (served by the page server, which feeds the conversation). */
  responseUrl: (id: string) => string;
}

/** Something the person on the page did, refused before anything reaches the bot. */
export class PageRequestError extends Error {}

export type ActionTarget = { kind: 'message'; ts: string } | { kind: 'view'; viewId: string };

/**
 * Slack's side of the conversation: what a person does on the page becomes the signed request
 * Slack would send the bot, and the bot's acknowledgement is applied as Slack would apply it.
 */
export class Interactions {
  readonly #options: InteractionsOptions;

  constructor(options: InteractionsOptions) {
    this.#options = options;
  }

  get #conversation(): Conversation {
    return this.#options.conversation;
  }

  /** The composer: `/migrate …` goes to the bot; other text is an ordinary message. */
  async compose(userId: string, text: string, threadTs?: string): Promise<void> {
    const user = this.#user(userId);
    const trimmed = text.trim();
    if (trimmed === '') return;
    const context: ResponseContext = { userId, channel: CHANNEL.id, threadTs, command: trimmed };
    if (!trimmed.startsWith('/')) {
      this.#conversation.postFromUser(userId, trimmed, threadTs);
      return;
    }
    const [command = '', ...rest] = trimmed.split(/\s+/);
    if (command !== '/migrate') {
      this.#conversation.postNotice(
        userId,
        `\`${command}\` is not a valid command. Try \`/migrate help\`.`,
        context,
      );
      return;
    }
    const responseId = this.#conversation.newResponse(context);
    const body = slashCommandBody(
      user,
      rest.join(' '),
      this.#options.responseUrl(responseId),
      this.#conversation.newTrigger(userId),
    );
    const answer = await this.#send(body, FORM, userId, '/migrate', context);
    if (answer) this.#conversation.applyCommandAck(context, answer.text);
  }

  /** A button, overflow, select or date picker used on a message, a modal or the Home tab. */
  async act(userId: string, target: ActionTarget, action: Record<string, unknown>, values: StateValues) {
    const user = this.#user(userId);
    let source: ActionSource;
    let context: ResponseContext | undefined;
    if (target.kind === 'message') {
      const message = this.#conversation.message(target.ts);
      if (!message || (message.visibleTo && message.visibleTo !== userId))
        throw new PageRequestError('That message is gone.');
      context = { userId, channel: message.channel, sourceTs: message.ts, threadTs: message.threadTs };
      source = {
        kind: 'message',
        channel: message.channel,
        ts: message.ts,
        isEphemeral: message.visibleTo !== undefined,
        message: {
          type: 'message',
          ts: message.ts,
          text: message.text,
          blocks: message.blocks,
          bot_id: 'B0FAKE001',
        },
        responseUrl: this.#options.responseUrl(this.#conversation.newResponse(context)),
      };
    } else {
      const view = this.#conversation.view(userId, target.viewId);
      if (!view) throw new PageRequestError('That view is closed.');
      source = { kind: 'view', view };
    }
    const payload = blockActionsPayload(user, source, action, values, this.#conversation.newTrigger(userId));
    await this.#send(interactivityBody(payload), FORM, userId, 'migrate', context);
  }

  /** The modal's submit button: the acknowledgement closes it, shows errors or changes the stack. */
  async submitView(userId: string, viewId: string, values: StateValues): Promise<void> {
    const user = this.#user(userId);
    const view = this.#conversation.view(userId, viewId);
    if (!view) throw new PageRequestError('That view is closed.');
    const payload = viewSubmissionPayload(user, view, values, this.#conversation.newTrigger(userId));
    const answer = await this.#send(interactivityBody(payload), FORM, userId, 'migrate');
    if (answer) this.#conversation.applyViewSubmissionAck(userId, viewId, answer.text);
  }

  /** Cancel (top view) or ✕ (every view); the bot hears of it only if the view asked to. */
  async closeView(userId: string, viewId: string, all: boolean): Promise<void> {
    const user = this.#user(userId);
    const closed = this.#conversation.closeModal(userId, viewId, all);
    if (closed?.view.notify_on_close === true) {
      await this.#send(interactivityBody(viewClosedPayload(user, closed, all)), FORM, userId, 'migrate');
    }
  }

  /** Options for an `external_select`: the bot's acknowledgement is the options JSON. */
  async suggest(
    userId: string,
    viewId: string,
    actionId: string,
    blockId: string,
    value: string,
    values: StateValues,
  ): Promise<unknown> {
    const user = this.#user(userId);
    const view = this.#conversation.view(userId, viewId);
    if (!view) throw new PageRequestError('That view is closed.');
    const payload = blockSuggestionPayload(user, view, actionId, blockId, value, values);
    const answer = await this.#send(interactivityBody(payload), FORM, userId, 'migrate', undefined, false);
    if (!answer?.text) return { options: [] };
    try {
      return JSON.parse(answer.text);
    } catch {
      return { options: [] };
    }
  }

  /** Opening the app's Home tab sends `app_home_opened`; the bot answers with `views.publish`. */
  /** Slack's `user_change` for a person whose profile (language) changed. */
  async userChanged(userId: string): Promise<void> {
    const user = this.#user(userId);
    await this.#send(userChangeBody(user), JSON_TYPE, userId, 'migrate', undefined, false);
  }

  async openHome(userId: string): Promise<void> {
    const user = this.#user(userId);
    const body = appHomeOpenedBody(user, this.#conversation.home(userId));
    await this.#send(body, JSON_TYPE, userId, 'migrate', undefined, false);
  }

  #user(userId: string): PlaygroundUser {
    const user = findUser(userId);
    if (!user) throw new PageRequestError(`No such user in the playground: ${userId}`);
    return user;
  }

  /**
   * Sends a signed request; when the bot does not acknowledge in time or refuses it, the user
   * sees what Slack would show instead ("… failed with the error …").
   */
  async #send(
    body: string,
    contentType: string,
    userId: string,
    what: string,
    context?: Pick<ResponseContext, 'channel' | 'threadTs'>,
    notify = true,
  ): Promise<BotAnswer | undefined> {
    let error: string;
    try {
      const answer = await postSignedToBot(
        this.#options.eventsUrl,
        this.#options.signingSecret,
        body,
        contentType,
      );
      if (answer.status === 200) return answer;
      error = answer.status === 404 ? 'dispatch_failed' : `http_error (HTTP ${answer.status})`;
    } catch (cause) {
      error =
        cause instanceof Error && cause.name === 'TimeoutError' ? 'operation_timeout' : 'dispatch_failed';
    }
    if (notify) this.#conversation.postNotice(userId, `${what} failed with the error "${error}"`, context);
    return undefined;
  }
}
