import { randomBytes } from 'node:crypto';
import { BOT_USER_ID, CHANNEL, dmChannelOf } from './people.js';
import type { StoredView } from './slack-payloads.js';

/** One message as the page shows it. */
export interface PlaygroundMessage {
  /** Slack's message id; also the key the page uses. */
  ts: string;
  /** `C0FAKE001` for the channel, a `D…` id for a user's direct messages with the bot. */
  channel: string;
  /** Who posted it: a user id, the bot's, or `USLACKBOT` for the playground's own notices. */
  author: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  /** A thread reply also shown in the channel. */
  replyBroadcast?: boolean;
  /** Ephemeral: only this user sees it. */
  visibleTo?: string;
  /** The slash command this answers and who typed it, shown above the answer. */
  command?: string;
  requestedBy?: string;
  /** A problem the playground reports (e.g. Slack refused the bot's blocks), not a chat message. */
  notice?: boolean;
  edited: boolean;
  postedAt: number;
  /** Bumped at every change, so the page redraws only what changed. */
  version: number;
}

/** A modal as the page shows it: the view plus the validation errors of its last submission. */
export interface ModalView extends StoredView {
  errors: Record<string, string>;
}

export type ConversationChange =
  | { type: 'message'; message: PlaygroundMessage }
  | { type: 'message-deleted'; ts: string }
  | { type: 'modals'; userId: string; stack: ModalView[] }
  | { type: 'home'; userId: string; view: StoredView | undefined };

export interface ConversationSnapshot {
  messages: PlaygroundMessage[];
  modals: Record<string, ModalView[]>;
  homes: Record<string, StoredView>;
}

/** Where a `response_url` answer goes: who asked, in which channel, and from which message. */
export interface ResponseContext {
  userId: string;
  channel: string;
  /** The message whose button was pressed: `replace_original` and `delete_original` act on it. */
  sourceTs?: string;
  threadTs?: string;
  /** The slash command being answered. */
  command?: string;
}

type Body = Record<string, unknown>;

const SLACKBOT = 'USLACKBOT';

/**
 * The channel, threads, direct messages, modals and Home tabs as Slack would show them, rebuilt
 * from the bot's Web API calls (fed by `FakeSlack.observe`), its `response_url` posts and its
 * acknowledgements. Every change is announced so the page can update live.
 */
export class Conversation {
  readonly #messages = new Map<string, PlaygroundMessage>();
  readonly #modals = new Map<string, ModalView[]>();
  readonly #homes = new Map<string, StoredView>();
  readonly #triggers = new Map<string, string>();
  readonly #responses = new Map<string, ResponseContext>();
  readonly #listeners = new Set<(change: ConversationChange) => void>();
  #counter = 0;

  onChange(listener: (change: ConversationChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  snapshot(): ConversationSnapshot {
    return {
      messages: [...this.#messages.values()],
      modals: Object.fromEntries(this.#modals),
      homes: Object.fromEntries(this.#homes),
    };
  }

  message(ts: string): PlaygroundMessage | undefined {
    return this.#messages.get(ts);
  }

  /** The view with this id among the user's open modals or their Home tab. */
  view(userId: string, viewId: string): StoredView | undefined {
    const home = this.#homes.get(userId);
    if (home?.id === viewId) return home;
    return this.#modals.get(userId)?.find((v) => v.id === viewId);
  }

  home(userId: string): StoredView | undefined {
    return this.#homes.get(userId);
  }

  /** A fresh `trigger_id` for a request from `userId`; `views.open` with it opens a modal for them. */
  newTrigger(userId: string): string {
    const trigger = `${++this.#counter}.${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.#triggers.set(trigger, userId);
    return trigger;
  }

  /** Registers where answers to a fresh `response_url` go; returns the id to put in the URL. */
  newResponse(context: ResponseContext): string {
    const id = `r${++this.#counter}-${randomBytes(6).toString('hex')}`;
    this.#responses.set(id, context);
    return id;
  }

  /**
   * Applies one Web API call the bot made, if Slack accepted it. (`response_url` posts come through
   * `applyResponsePost`, from the page server that hands those URLs out.)
   */
  applyWebApiCall(method: string, body: Body, answer: Body): void {
    if (answer.ok !== true) {
      if (method.startsWith('chat.') || method.startsWith('views.')) this.#reportRefusedCall(method, answer);
      return;
    }
    switch (method) {
      case 'chat.postMessage':
        this.#add({
          ts: String(answer.ts),
          channel: this.#channelOf(body.channel),
          author: BOT_USER_ID,
          ...content(body),
          threadTs: threadOf(body, String(answer.ts)),
          replyBroadcast: body.reply_broadcast === true || body.reply_broadcast === 'true',
        });
        return;
      case 'chat.postEphemeral':
        this.#add({
          ts: String(answer.message_ts),
          channel: this.#channelOf(body.channel),
          author: BOT_USER_ID,
          ...content(body),
          threadTs: threadOf(body, String(answer.message_ts)),
          visibleTo: String(body.user),
        });
        return;
      case 'chat.update':
        this.#update(String(body.ts), body, true);
        return;
      case 'chat.delete':
        this.#delete(String(body.ts));
        return;
      case 'views.open':
      case 'views.push':
        this.#openModal(method, body, answer);
        return;
      case 'views.update':
        this.#updateView(body);
        return;
      case 'views.publish':
        this.#publishHome(body, answer);
        return;
    }
  }

  /** A post to a `response_url` the playground handed out; false when the id is unknown. */
  applyResponsePost(id: string, body: Body): boolean {
    const context = this.#responses.get(id);
    if (!context) return false;
    const source = context.sourceTs ? this.#messages.get(context.sourceTs) : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (source) this.#delete(source.ts);
      return true;
    }
    if ((body.replace_original === true || body.replace_original === 'true') && source) {
      this.#update(source.ts, body, false);
      return true;
    }
    const ts = this.#localTs();
    this.#add({
      ts,
      channel: context.channel,
      author: BOT_USER_ID,
      ...content(body),
      threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : context.threadTs,
      // Slack's default for response_url answers is ephemeral.
      visibleTo: body.response_type === 'in_channel' ? undefined : context.userId,
      ...(context.command ? { command: context.command, requestedBy: context.userId } : {}),
    });
    // A command's response_url replaces the message the command produced (e.g. "not answering yet").
    if (context.command && !context.sourceTs) context.sourceTs = ts;
    return true;
  }

  /** Slack refused a `response_url` post (e.g. `invalid_blocks`): the person who acted sees why. */
  reportRefusedResponse(id: string, reason: string): boolean {
    const context = this.#responses.get(id);
    if (!context) return false;
    this.postNotice(context.userId, `Slack refused the bot's answer: \`${reason.slice(0, 500)}\``, context);
    return true;
  }

  /** A slash command's acknowledgement may itself carry the answer (Slack shows it as ephemeral). */
  applyCommandAck(context: ResponseContext, ackText: string): void {
    if (ackText.trim() === '') return;
    const body = parseAck(ackText) ?? { text: ackText };
    this.#add({
      ts: this.#localTs(),
      channel: context.channel,
      author: BOT_USER_ID,
      ...content(body),
      threadTs: context.threadTs,
      visibleTo: body.response_type === 'in_channel' ? undefined : context.userId,
      ...(context.command ? { command: context.command, requestedBy: context.userId } : {}),
    });
  }

  /**
   * What a `view_submission` acknowledgement does: nothing closes the submitted view, `errors`
   * shows messages under the fields, `update`/`push` change the stack, `clear` closes every view.
   */
  applyViewSubmissionAck(userId: string, viewId: string, ackText: string): void {
    const ack = parseAck(ackText) ?? {};
    const stack = [...(this.#modals.get(userId) ?? [])];
    const index = stack.findIndex((v) => v.id === viewId);
    if (index < 0) return;
    const current = stack[index]!;
    switch (ack.response_action) {
      case 'errors':
        stack[index] = { ...current, errors: stringRecord(ack.errors) };
        break;
      case 'update':
        stack[index] = { ...current, view: asBody(ack.view), hash: newHash(), errors: {} };
        break;
      case 'push':
        stack.push({
          id: newViewId(),
          hash: newHash(),
          view: asBody(ack.view),
          rootViewId: stack[0]?.id,
          previousViewId: current.id,
          errors: {},
        });
        break;
      case 'clear':
        stack.length = 0;
        break;
      default:
        stack.splice(index);
    }
    this.#setModals(userId, stack);
  }

  /** The user closed a modal: `all` (the ✕) closes the stack, Cancel only the top view. */
  closeModal(userId: string, viewId: string, all: boolean): StoredView | undefined {
    const stack = [...(this.#modals.get(userId) ?? [])];
    const index = stack.findIndex((v) => v.id === viewId);
    if (index < 0) return undefined;
    const closed = stack[index];
    stack.splice(all ? 0 : index);
    this.#setModals(userId, stack);
    return closed;
  }

  /** Text typed in the composer that is not a command: an ordinary message from that user. */
  postFromUser(userId: string, text: string, threadTs?: string): PlaygroundMessage {
    return this.#add({
      ts: this.#localTs(),
      channel: CHANNEL.id,
      author: userId,
      text,
      blocks: [],
      threadTs,
    });
  }

  /** A Slackbot line only `userId` sees, e.g. "/migrate failed with the error operation_timeout". */
  postNotice(userId: string, text: string, context?: Pick<ResponseContext, 'channel' | 'threadTs'>): void {
    this.#add({
      ts: this.#localTs(),
      channel: context?.channel ?? CHANNEL.id,
      author: SLACKBOT,
      text,
      blocks: [],
      threadTs: context?.threadTs,
      visibleTo: userId,
      notice: true,
    });
  }

  #reportRefusedCall(method: string, answer: Body): void {
    const details = Array.isArray(answer.errors) ? `: ${answer.errors.join('; ')}` : '';
    this.#add({
      ts: this.#localTs(),
      channel: CHANNEL.id,
      author: SLACKBOT,
      text: `Slack refused the bot's \`${method}\` call with \`${String(answer.error)}\`${details}`,
      blocks: [],
      notice: true,
    });
  }

  readonly #files = new Map<string, Buffer>();

  /**
   * A file the bot shared (`files.completeUploadExternal`) shows as Slack shows a file share: a
   * message with the image, in the channel or thread it was shared to. The page fetches its bytes
   * from `/files/<id>`.
   */
  addFile(file: {
    fileId: string;
    title?: string;
    channel?: string;
    threadTs?: string;
    bytes: Buffer;
  }): void {
    if (!file.channel) return;
    this.#files.set(file.fileId, file.bytes);
    const title = file.title ?? 'file';
    this.#add({
      ts: `${(Date.now() / 1000).toFixed(6)}`,
      channel: this.#channelOf(file.channel),
      author: BOT_USER_ID,
      text: title,
      // A PNG (the chart) shows as an image; a text file (the verification CSV) as its first lines.
      blocks: isPng(file.bytes)
        ? [
            {
              type: 'image',
              image_url: `/files/${encodeURIComponent(file.fileId)}`,
              alt_text: title,
              title: { type: 'plain_text', text: title },
            },
          ]
        : [{ type: 'section', text: { type: 'mrkdwn', text: textFilePreview(title, file.bytes) } }],
      ...(file.threadTs ? { threadTs: file.threadTs } : {}),
    });
  }

  /** A shared file's bytes, by its id. */
  file(id: string): Buffer | undefined {
    return this.#files.get(id);
  }

  #add(fields: Omit<PlaygroundMessage, 'edited' | 'postedAt' | 'version'>): PlaygroundMessage {
    const message: PlaygroundMessage = { ...fields, edited: false, postedAt: Date.now(), version: 1 };
    if (message.threadTs === undefined) delete message.threadTs;
    this.#messages.set(message.ts, message);
    this.#emit({ type: 'message', message });
    return message;
  }

  #update(ts: string, body: Body, edited: boolean): void {
    const old = this.#messages.get(ts);
    if (!old) return;
    const hasBlocks = Array.isArray(body.blocks);
    const message: PlaygroundMessage = {
      ...old,
      text: typeof body.text === 'string' ? body.text : old.text,
      // Updating only the text drops the blocks, as Slack does; updating neither keeps them.
      blocks: hasBlocks ? (body.blocks as unknown[]) : typeof body.text === 'string' ? [] : old.blocks,
      edited: old.edited || edited,
      version: old.version + 1,
    };
    this.#messages.set(ts, message);
    this.#emit({ type: 'message', message });
  }

  #delete(ts: string): void {
    if (this.#messages.delete(ts)) this.#emit({ type: 'message-deleted', ts });
  }

  #openModal(method: string, body: Body, answer: Body): void {
    const userId = this.#triggers.get(String(body.trigger_id));
    if (!userId) return;
    const id = String(asBody(answer.view).id ?? newViewId());
    const stack = method === 'views.open' ? [] : [...(this.#modals.get(userId) ?? [])];
    stack.push({
      id,
      hash: newHash(),
      view: asBody(body.view),
      rootViewId: stack[0]?.id ?? id,
      previousViewId: stack.at(-1)?.id,
      errors: {},
    });
    this.#setModals(userId, stack);
  }

  #updateView(body: Body): void {
    const matches = (v: StoredView) =>
      (body.view_id !== undefined && v.id === body.view_id) ||
      (body.external_id !== undefined && v.view.external_id === body.external_id);
    const view = asBody(body.view);
    for (const [userId, stack] of this.#modals) {
      const index = stack.findIndex(matches);
      if (index < 0) continue;
      const next = [...stack];
      next[index] = { ...stack[index]!, view, hash: newHash(), errors: {} };
      this.#setModals(userId, next);
      return;
    }
    for (const [userId, home] of this.#homes) {
      if (!matches(home)) continue;
      this.#homes.set(userId, { ...home, view, hash: newHash() });
      this.#emit({ type: 'home', userId, view: this.#homes.get(userId) });
      return;
    }
  }

  #publishHome(body: Body, answer: Body): void {
    const userId = String(body.user_id);
    const previous = this.#homes.get(userId);
    const home: StoredView = {
      id: previous?.id ?? String(asBody(answer.view).id ?? newViewId()),
      hash: newHash(),
      view: asBody(body.view),
    };
    this.#homes.set(userId, home);
    this.#emit({ type: 'home', userId, view: home });
  }

  #setModals(userId: string, stack: ModalView[]): void {
    if (stack.length === 0) this.#modals.delete(userId);
    else this.#modals.set(userId, stack);
    this.#emit({ type: 'modals', userId, stack });
  }

  /** A post to a user id lands in that user's direct messages with the bot. */
  #channelOf(channel: unknown): string {
    const id = String(channel ?? CHANNEL.id);
    return id.startsWith('U') || id.startsWith('W') ? dmChannelOf(id) : id;
  }

  /** Message ids for messages Slack would number itself (ephemeral answers, notices). */
  #localTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.#counter).padStart(6, '0')}`;
  }

  #emit(change: ConversationChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

function content(body: Body): { text: string; blocks: unknown[] } {
  return {
    text: typeof body.text === 'string' ? body.text : '',
    blocks: Array.isArray(body.blocks) ? body.blocks : [],
  };
}

/** A reply's thread, or none when the message starts one (or was not a reply). */
function threadOf(body: Body, ts: string): string | undefined {
  const thread = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
  return thread && thread !== ts ? thread : undefined;
}

function parseAck(text: string): Body | undefined {
  if (text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

function asBody(value: unknown): Body {
  return value && typeof value === 'object' ? (value as Body) : {};
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asBody(value)).map(([k, v]) => [k, String(v)]));
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

function newViewId(): string {
  return `V${randomBytes(5).toString('hex').toUpperCase()}`;
}

function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 4).toString('hex') === '89504e47';
}

function textFilePreview(title: string, bytes: Buffer): string {
  const text = bytes.toString('utf8').replace(/`/g, "'").slice(0, 2_500);
  return `:page_facing_up: *${title}*\n\`\`\`${text}\`\`\``;
}
