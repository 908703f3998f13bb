import type { KnownBlock, View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { request } from 'undici';
import type { Masker, SecretRegistry } from '../secrets.js';
import { SlackApiError } from './slack-api-error.js';
import type { SlackClients } from './slack-clients.js';

/** What the sender needs of a Web API client: Bolt's per-request client or one of `SlackClients`. */
export type SlackClient = Pick<WebClient, 'chat' | 'views' | 'conversations' | 'files'> & {
  /** Workflow steps; optional so a client built for messages alone still fits. */
  functions?: Pick<WebClient['functions'], 'completeSuccess' | 'completeError'>;
};

export interface SendOptions {
  /** The request's own client (Bolt's `client`); otherwise one from `SlackClients` for `purpose`. */
  client?: SlackClient;
  /** `background` clients fail fast on 429 (the outbox retries later); `interactive` by default. */
  purpose?: 'interactive' | 'background';
  /** Values masked in this answer only (what a person typed in a form that was then refused). */
  alsoMask?: readonly string[];
}

export interface MessageContent {
  text: string;
  blocks?: readonly KnownBlock[] | readonly unknown[];
}

export interface PostMessage extends MessageContent {
  channel: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
}

export interface ViewRef {
  id?: string;
  hash?: string;
}

type RespondFn = (message: Record<string, unknown>) => Promise<unknown>;
type AckFn<R> = (response?: R) => Promise<void>;

/**
 * The one door to Slack. Every post, edit, ephemeral, direct message, modal and Home tab leaves
 * through here, scrubbed of the receiving workspace's secrets and the bot's own (whatever built
 * it: a provider's error text, a resource name), and every Web API failure comes back as a
 * `SlackApiError`. Obtained per workspace: `sender.to(teamId)`.
 */
export class SlackSender {
  readonly #clients: SlackClients;
  readonly #secrets: SecretRegistry;

  constructor(clients: SlackClients, secrets: SecretRegistry) {
    this.#clients = clients;
    this.#secrets = secrets;
  }

  to(teamId: string, options: SendOptions = {}): TeamSender {
    const masker = this.#secrets.forTeam(teamId).with(options.alsoMask ?? []);
    const client = options.client
      ? async () => options.client as SlackClient
      : () => this.#clients.forTeam(teamId, options.purpose ?? 'interactive');
    return new TeamSender(masker, client);
  }
}

/** The sender bound to one workspace (its secrets, its token). */
export class TeamSender {
  readonly #masker: Masker;
  readonly #client: () => Promise<SlackClient>;

  constructor(masker: Masker, client: () => Promise<SlackClient>) {
    this.#masker = masker;
    this.#client = client;
  }

  /** The payload as it would leave: every string value with the workspace's secrets masked. */
  scrub<T>(payload: T): T {
    return this.#masker.payload(payload);
  }

  /** `chat.postMessage`; resolves to where it landed. */
  async post(message: PostMessage): Promise<{ channel: string; ts: string }> {
    const answer = await this.#call('chat.postMessage', (c, p) => c.chat.postMessage(p as never), message);
    if (!answer.ts)
      throw new SlackApiError('chat.postMessage', 'lost', { cause: new Error('answered without a ts') });
    return { channel: answer.channel ?? message.channel, ts: answer.ts };
  }

  /** A direct message: Slack opens the conversation with `user` on the first post. */
  async dm(
    user: string,
    message: MessageContent & Omit<PostMessage, 'channel'>,
  ): Promise<{ channel: string; ts: string }> {
    return this.post({ ...message, channel: user });
  }

  /** `chat.getPermalink`: the link that opens a message (in its thread, when it is a reply). */
  async permalink(channel: string, ts: string): Promise<string> {
    const answer = await this.#call('chat.getPermalink', (c, p) => c.chat.getPermalink(p as never), {
      channel,
      message_ts: ts,
    });
    if (!answer.permalink)
      throw new SlackApiError('chat.getPermalink', 'lost', { cause: new Error('answered without a link') });
    return answer.permalink;
  }

  /** `chat.update` of a message the bot posted. */
  async update(message: MessageContent & { channel: string; ts: string }): Promise<void> {
    await this.#call('chat.update', (c, p) => c.chat.update(p as never), message);
  }

  /** `chat.postEphemeral`: only `user` sees it, in `channel`. */
  async ephemeral(message: MessageContent & { channel: string; user: string }): Promise<void> {
    await this.#call('chat.postEphemeral', (c, p) => c.chat.postEphemeral(p as never), message);
  }

  /** `views.open` with a trigger (it lives 3 s and works once). */
  async openView(triggerId: string, view: View): Promise<ViewRef> {
    const answer = await this.#call('views.open', (c, p) => c.views.open(p as never), {
      trigger_id: triggerId,
      view,
    });
    return { id: answer.view?.id, hash: answer.view?.hash };
  }

  /** `views.push`: a modal on top of the current one. */
  async pushView(triggerId: string, view: View): Promise<ViewRef> {
    const answer = await this.#call('views.push', (c, p) => c.views.push(p as never), {
      trigger_id: triggerId,
      view,
    });
    return { id: answer.view?.id, hash: answer.view?.hash };
  }

  /** `views.update`; with `hash`, Slack refuses it (`hash_conflict`) when another update came first. */
  async updateView(viewId: string, view: View, hash?: string): Promise<void> {
    const payload = { view_id: viewId, view, ...(hash ? { hash } : {}) };
    await this.#call('views.update', (c, p) => c.views.update(p as never), payload);
  }

  /** `views.publish` of a user's Home tab. */
  async publishHome(userId: string, view: View): Promise<void> {
    await this.#call('views.publish', (c, p) => c.views.publish(p as never), { user_id: userId, view });
  }

  /**
   * `functions.completeSuccess`: a workflow step is done, with its outputs. Called with the
   * workspace's bot token (Slack accepts it for any of the app's executions), so a step finished
   * hours later by an approver's click needs no token kept from the `function_executed` event.
   */
  async completeStep(executionId: string, outputs: Record<string, unknown>): Promise<void> {
    await this.#call('functions.completeSuccess', (c, p) => functionsOf(c).completeSuccess(p), {
      function_execution_id: executionId,
      outputs,
    });
  }

  /** `functions.completeError`: the step failed; `error` is what the workflow's activity shows. */
  async failStep(executionId: string, error: string): Promise<void> {
    await this.#call('functions.completeError', (c, p) => functionsOf(c).completeError(p), {
      function_execution_id: executionId,
      error,
    });
  }

  /**
   * The `ts` of a message in `channel` (or in the thread `threadTs`) posted since `oldest` (Unix
   * seconds) whose metadata carries `key`; undefined when there is none.
   */
  async findByMetadata(where: {
    channel: string;
    threadTs?: string;
    oldest: string;
    key: string;
    /** Without a message carrying `key`: the latest whose key and ts this accepts instead. */
    alike?: (key: string, ts: string) => boolean;
  }): Promise<string | undefined> {
    const query = { channel: where.channel, oldest: where.oldest, include_all_metadata: true, limit: 200 };
    const answer = where.threadTs
      ? await this.#call('conversations.replies', (c, p) => c.conversations.replies(p), {
          ...query,
          ts: where.threadTs,
        })
      : await this.#call('conversations.history', (c, p) => c.conversations.history(p), query);
    const keyed = (answer.messages ?? []).flatMap((m) => {
      const key = (m.metadata?.event_payload as Record<string, unknown> | undefined)?.key;
      return typeof key === 'string' && m.ts ? [{ key, ts: m.ts }] : [];
    });
    const found = keyed.find((m) => m.key === where.key);
    if (found || !where.alike) return found?.ts;
    const alike = where.alike;
    // Slack's ts are seconds with six fixed decimals: the latest is the largest number.
    return keyed.filter((m) => alike(m.key, m.ts)).sort((a, b) => Number(b.ts) - Number(a.ts))[0]?.ts;
  }

  /**
   * Shares a file in a channel or thread with Slack's two-step upload: `files.getUploadURLExternal`,
   * the bytes POSTed to the URL it gives, then `files.completeUploadExternal` (scope `files:write`).
   */
  async uploadFile(file: {
    channel: string;
    threadTs?: string;
    bytes: Buffer;
    filename: string;
    title: string;
    altText?: string;
  }): Promise<{ fileId: string }> {
    const target = await this.#call(
      'files.getUploadURLExternal',
      (c, p) => c.files.getUploadURLExternal(p as never),
      {
        filename: file.filename,
        length: file.bytes.length,
        ...(file.altText ? { alt_txt: file.altText } : {}),
      },
    );
    if (!target.upload_url || !target.file_id)
      throw new SlackApiError('files.getUploadURLExternal', 'lost', { cause: new Error('no upload URL') });
    try {
      const answer = await request(target.upload_url, { method: 'POST', body: file.bytes });
      await answer.body.dump();
      if (answer.statusCode !== 200) throw new Error(`upload answered HTTP ${answer.statusCode}`);
    } catch (error) {
      throw new SlackApiError('files.upload', 'http', { cause: error });
    }
    await this.#call('files.completeUploadExternal', (c, p) => c.files.completeUploadExternal(p as never), {
      files: [{ id: target.file_id, title: file.title }],
      channel_id: file.channel,
      ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
    });
    return { fileId: target.file_id };
  }

  /** An answer through an interaction's `response_url` (Bolt's `respond`). */
  async respond(respond: RespondFn, message: Record<string, unknown>): Promise<void> {
    await respond(this.scrub(message));
  }

  /** The answer to a view submission or an options request, given in its ack. */
  async ack<R>(ack: AckFn<R>, response?: R): Promise<void> {
    await ack(this.scrub(response));
  }

  async #call<P, A>(
    method: string,
    call: (client: SlackClient, payload: P) => Promise<A>,
    payload: P,
  ): Promise<A> {
    const client = await this.#client();
    const scrubbed = this.#masker.payload(payload);
    try {
      return await call(client, scrubbed);
    } catch (error) {
      throw SlackApiError.from(method, error);
    }
  }
}

function functionsOf(client: SlackClient): NonNullable<SlackClient['functions']> {
  if (!client.functions) throw new Error('this Slack client cannot complete workflow steps');
  return client.functions;
}

/**
 * Last line of defence: no known secret value leaves in a Slack payload, whatever built it. `masker`
 * is the receiving workspace's (`deps.secrets.forTeam(teamId)`): its own secrets and the bot's. Only
 * string values change, so the payload keeps its shape whatever the secrets look like.
 */
export function scrubPayload<T>(masker: Masker, payload: T): T {
  return masker.payload(payload);
}
