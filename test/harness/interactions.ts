import { blockLimitProblems } from '../../dev/fake-slack/block-limits.js';
import type { FakeSlack, RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import { FORM, newActionTs, newTriggerId, postSigned } from './slack-requests.js';
import { SIGNING_SECRET, type TestBot } from './test-bot.js';

/**
 * Interaction payloads the create flow gets from Slack, signed like every other request:
 * `view_submission`, `block_suggestion` (external selects), `shortcut` (global) and `block_actions`
 * from inside a modal. Field values are given by field name (the block id up to its first `.`);
 * every other input of the view is reported the way Slack does (empty, or its initial choice).
 */
type Json = Record<string, unknown>;

export interface Who {
  userId?: string;
  teamId?: string;
}

/** A modal as the bot last sent it, with the id Slack gave it. */
export interface ShownView {
  id: string;
  hash: string;
  view: Json;
  method: string;
  call: RecordedCall;
}

function fieldOf(blockId: string): string {
  const dot = blockId.indexOf('.');
  return dot < 0 ? blockId : blockId.slice(0, dot);
}

/** `view.state.values` for every input block of `view`, filled from `values` (by field name). */
export function stateFor(view: Json, values: Record<string, string | undefined>): Record<string, Json> {
  const state: Record<string, Json> = {};
  for (const block of (view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = block.element as Json;
    const actionId = String(element.action_id);
    const field = fieldOf(block.block_id);
    const given = field in values ? values[field] : undefined;
    const has = field in values;
    let entry: Json;
    switch (element.type) {
      case 'static_select':
      case 'external_select': {
        const initial = (element.initial_option as { value: string } | undefined)?.value;
        const value = has ? given : initial;
        entry = {
          type: element.type,
          selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null,
        };
        break;
      }
      case 'datepicker':
        entry = { type: 'datepicker', selected_date: has ? (given ?? null) : (element.initial_date ?? null) };
        break;
      case 'timepicker':
        entry = { type: 'timepicker', selected_time: has ? (given ?? null) : (element.initial_time ?? null) };
        break;
      case 'conversations_select':
        entry = {
          type: 'conversations_select',
          selected_conversation: has ? (given ?? null) : ((element.initial_conversation as string) ?? null),
        };
        break;
      default:
        entry = {
          type: 'plain_text_input',
          value: has ? (given ?? null) : ((element.initial_value as string | undefined) ?? null),
        };
    }
    state[block.block_id] = { [actionId]: entry };
  }
  return state;
}

function viewPayload(shown: ShownView, values: Record<string, string | undefined>, teamId: string): Json {
  return {
    ...shown.view,
    id: shown.id,
    team_id: teamId,
    hash: shown.hash,
    state: { values: stateFor(shown.view, values) },
    root_view_id: shown.id,
    previous_view_id: null,
    app_id: 'A0MIGRATE',
    bot_id: 'B0FAKE001',
  };
}

function envelope(type: string, who: Who): Json {
  const teamId = who.teamId ?? 'T0FAKE001';
  return {
    type,
    team: { id: teamId, domain: 'fake' },
    user: { id: who.userId ?? 'U0ALICE01', username: 'user', name: 'user', team_id: teamId },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    is_enterprise_install: false,
  };
}

const form = (payload: Json) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export function viewSubmissionBody(
  shown: ShownView,
  values: Record<string, string | undefined>,
  who: Who = {},
) {
  return form({
    ...envelope('view_submission', who),
    trigger_id: newTriggerId(),
    view: viewPayload(shown, values, who.teamId ?? 'T0FAKE001'),
    response_urls: [],
  });
}

export function blockSuggestionBody(
  shown: ShownView,
  actionId: string,
  query: string,
  values: Record<string, string | undefined>,
  who: Who = {},
) {
  const block = ((shown.view.blocks as Json[]) ?? []).find(
    (b) => (b.element as Json | undefined)?.action_id === actionId,
  );
  return form({
    ...envelope('block_suggestion', who),
    action_id: actionId,
    block_id: block?.block_id ?? actionId,
    value: query,
    container: { type: 'view', view_id: shown.id },
    view: viewPayload(shown, values, who.teamId ?? 'T0FAKE001'),
  });
}

export function viewSelectBody(
  shown: ShownView,
  actionId: string,
  value: string,
  values: Record<string, string | undefined>,
  who: Who = {},
) {
  const block = ((shown.view.blocks as Json[]) ?? []).find(
    (b) => (b.element as Json | undefined)?.action_id === actionId,
  );
  const blockId = String(block?.block_id ?? actionId);
  return form({
    ...envelope('block_actions', who),
    trigger_id: newTriggerId(),
    container: { type: 'view', view_id: shown.id },
    view: viewPayload(shown, { ...values, [fieldOf(blockId)]: value }, who.teamId ?? 'T0FAKE001'),
    actions: [
      {
        type: 'static_select',
        action_id: actionId,
        block_id: blockId,
        selected_option: { text: { type: 'plain_text', text: value }, value },
        action_ts: newActionTs(),
      },
    ],
  });
}

/** A button inside a modal clicked, with the form's values as typed (`block_actions` from a view). */
export function viewButtonBody(
  shown: ShownView,
  actionId: string,
  values: Record<string, string | undefined>,
  who: Who = {},
) {
  return form({
    ...envelope('block_actions', who),
    trigger_id: newTriggerId(),
    container: { type: 'view', view_id: shown.id },
    view: viewPayload(shown, values, who.teamId ?? 'T0FAKE001'),
    actions: [{ type: 'button', action_id: actionId, block_id: actionId, action_ts: newActionTs() }],
  });
}

export function shortcutBody(callbackId: string, triggerId: string, who: Who = {}) {
  return form({
    ...envelope('shortcut', who),
    callback_id: callbackId,
    trigger_id: triggerId,
    action_ts: newActionTs(),
  });
}

/** A click on a button of a posted (non-ephemeral) message, e.g. Approve on the approval request. */
export function messageButtonBody(
  click: { actionId: string; value: string; channelId: string; messageTs: string; responseUrl: string },
  who: Who = {},
) {
  return form({
    ...envelope('block_actions', who),
    trigger_id: newTriggerId(),
    container: {
      type: 'message',
      message_ts: click.messageTs,
      channel_id: click.channelId,
      is_ephemeral: false,
    },
    channel: { id: click.channelId, name: 'approvals' },
    message: { ts: click.messageTs },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: `approval:${click.value}`,
        value: click.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: newActionTs(),
      },
    ],
  });
}

/** A click on a button of the app's Home tab: no channel, no response_url, the tab's view as container. */
export function homeButtonBody(click: { actionId: string; value: string }, who: Who = {}) {
  return form({
    ...envelope('block_actions', who),
    trigger_id: newTriggerId(),
    container: { type: 'view', view_id: 'V0HOME0001' },
    view: { id: 'V0HOME0001', type: 'home', team_id: who.teamId ?? 'T0FAKE001', blocks: [] },
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: `home-approval:${click.value}`,
        value: click.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: newActionTs(),
      },
    ],
  });
}

/**
 * Keeps the modal the bot last showed, with the id Slack would give it: `views.open` answers a new
 * id; `views.update` keeps the id it names (the fake answers another one, Slack does not).
 */
export class ViewTracker {
  readonly shown: ShownView[] = [];
  #stop: () => void;

  constructor(fakeSlack: FakeSlack) {
    this.#stop = fakeSlack.observe((call, answer) => {
      if (call.method !== 'views.open' && call.method !== 'views.update') return;
      if (answer.ok !== true) return;
      const answered = answer.view as Json;
      const id = call.method === 'views.update' ? String(call.body.view_id) : String(answered.id);
      this.shown.push({
        id,
        hash: `hash-${this.shown.length + 1}`,
        view: call.body.view as Json,
        method: call.method,
        call,
      });
    });
  }

  get latest(): ShownView | undefined {
    return this.shown.at(-1);
  }

  stop(): void {
    this.#stop();
  }
}

/** Posts interaction payloads to the test bot and reads the HTTP answer (the ack body). */
export class Interactions {
  readonly #t: TestBot;

  constructor(t: TestBot) {
    this.#t = t;
  }

  async #post(body: string): Promise<{ status: number; body: Json | undefined; ms: number }> {
    const res = await postSigned(this.#t.eventsUrl, SIGNING_SECRET, body, FORM);
    let parsed: Json | undefined;
    try {
      parsed = res.text ? (JSON.parse(res.text) as Json) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, ms: res.ms };
  }

  submit(shown: ShownView, values: Record<string, string | undefined>, who: Who = {}) {
    return this.#post(viewSubmissionBody(shown, values, who));
  }

  suggest(
    shown: ShownView,
    actionId: string,
    query: string,
    values: Record<string, string | undefined>,
    who: Who = {},
  ) {
    return this.#post(blockSuggestionBody(shown, actionId, query, values, who));
  }

  select(
    shown: ShownView,
    actionId: string,
    value: string,
    values: Record<string, string | undefined>,
    who: Who = {},
  ) {
    return this.#post(viewSelectBody(shown, actionId, value, values, who));
  }

  clickView(shown: ShownView, actionId: string, values: Record<string, string | undefined>, who: Who = {}) {
    return this.#post(viewButtonBody(shown, actionId, values, who));
  }

  shortcut(callbackId: string, triggerId: string, who: Who = {}) {
    return this.#post(shortcutBody(callbackId, triggerId, who));
  }

  clickMessage(
    click: { actionId: string; value: string; channelId: string; messageTs: string; responseUrl: string },
    who: Who = {},
  ) {
    return this.#post(messageButtonBody(click, who));
  }

  clickHome(click: { actionId: string; value: string }, who: Who = {}) {
    return this.#post(homeButtonBody(click, who));
  }
}

/**
 * Slack's limits for a modal beyond the block checks of the fake: title/submit/close ≤ 24,
 * private_metadata ≤ 3000, callback_id ≤ 255, 100 blocks, input labels and hints ≤ 2000,
 * placeholders ≤ 150, options ≤ 100 with text and value ≤ 75, unique block ids.
 */
export function viewLimitProblems(view: Json): string[] {
  const problems = blockLimitProblems(view.blocks, 'modal');
  for (const key of ['title', 'submit', 'close'] as const) {
    const text = (view[key] as { text?: string } | undefined)?.text;
    if (key === 'title' && !text) problems.push('title is required');
    if (text !== undefined && (text.length === 0 || text.length > 24))
      problems.push(`${key} must be 1–24 chars`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000)
    problems.push('private_metadata > 3000');
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
    problems.push('callback_id > 255');
  const blocks = (view.blocks as Json[] | undefined) ?? [];
  if (blocks.some((b) => b.type === 'input') && !view.submit)
    problems.push('a modal with inputs needs submit');
  blocks.forEach((block, i) => {
    if (block.type !== 'input') return;
    const at = `blocks[${i}]`;
    const label = (block.label as { text?: string } | undefined)?.text ?? '';
    if (label.length === 0 || label.length > 2000) problems.push(`${at}.label must be 1–2000 chars`);
    const hint = (block.hint as { text?: string } | undefined)?.text;
    if (hint !== undefined && (hint.length === 0 || hint.length > 2000)) problems.push(`${at}.hint`);
    const element = block.element as Json;
    const placeholder = (element.placeholder as { text?: string } | undefined)?.text;
    if (placeholder !== undefined && placeholder.length > 150) problems.push(`${at}.placeholder > 150`);
    const options = element.options as Json[] | undefined;
    if (options) problems.push(...optionProblems(options, `${at}.element.options`));
    if (element.initial_option)
      problems.push(...optionProblems([element.initial_option as Json], `${at}.initial_option`));
    if (typeof element.action_id === 'string' && element.action_id.length > 255)
      problems.push(`${at}.action_id > 255`);
  });
  return problems;
}

/** Options as a `block_suggestion` answer or a select carries them: ≤ 100, text and value ≤ 75. */
export function optionProblems(options: unknown, at = 'options'): string[] {
  if (!Array.isArray(options)) return [`${at} must be an array`];
  const problems: string[] = [];
  if (options.length > 100) problems.push(`${at}: ${options.length} > 100`);
  options.forEach((o: Json, i) => {
    const text = (o.text as { text?: string } | undefined)?.text ?? '';
    const value = typeof o.value === 'string' ? o.value : '';
    if (text.length === 0 || text.length > 75) problems.push(`${at}[${i}].text must be 1–75 chars`);
    if (value.length === 0 || value.length > 75) problems.push(`${at}[${i}].value must be 1–75 chars`);
  });
  return problems;
}

/** A `response_action` answer to a view submission: errors per block (existing block ids) or a view. */
export function responseActionProblems(answer: Json, view?: Json): string[] {
  const problems: string[] = [];
  if (answer.response_action === 'errors') {
    const errors = answer.errors as Record<string, string>;
    const ids = new Set(((view?.blocks as Json[] | undefined) ?? []).map((b) => b.block_id));
    for (const [blockId, message] of Object.entries(errors)) {
      if (view && !ids.has(blockId)) problems.push(`errors: no block ${blockId} in the view`);
      if (message.length === 0 || message.length > 2000)
        problems.push(`errors.${blockId} must be 1–2000 chars`);
    }
  } else if (answer.response_action === 'update' || answer.response_action === 'push') {
    problems.push(...viewLimitProblems(answer.view as Json));
  }
  return problems;
}
