import { FORM, newActionTs, newTriggerId, postSigned } from './slack-requests.js';

/**
 * Modal payloads as Slack sends them: `view_submission` (the submit button) and `block_actions`
 * from inside a view (a select with `dispatch_action`), form-encoded and signed like every other
 * interaction. Values are given per block id; the other input blocks of the view are reported
 * empty, as Slack does.
 */
type Json = Record<string, unknown>;

export interface ModalWho {
  teamId?: string;
  userId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** A view as Slack echoes it back: what the bot opened, plus id, hash and state. */
export interface OpenedView extends Json {
  id?: string;
  blocks?: Json[];
  private_metadata?: string;
  callback_id?: string;
}

/** `state.values` for the view's input blocks: text values by block id, selects keep their choice. */
export function stateValues(view: OpenedView, values: Record<string, string>): Record<string, Json> {
  const state: Record<string, Json> = {};
  for (const block of view.blocks ?? []) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = block.element as Json;
    const actionId = String(element.action_id);
    const given = values[block.block_id];
    if (element.type === 'static_select') {
      const initial = (element.initial_option as { value: string } | undefined)?.value;
      const value = given ?? initial;
      state[block.block_id] = {
        [actionId]: {
          type: 'static_select',
          selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null,
        },
      };
    } else {
      state[block.block_id] = {
        [actionId]: { type: 'plain_text_input', value: given ?? (element.initial_value as string) ?? null },
      };
    }
  }
  return state;
}

function viewPayload(view: OpenedView, values: Record<string, string>, who: ModalWho): Json {
  const teamId = who.teamId ?? 'T0FAKE001';
  return {
    id: view.id ?? 'V0FAKE0001',
    team_id: teamId,
    type: 'modal',
    callback_id: view.callback_id,
    private_metadata: view.private_metadata ?? '',
    hash: '1700000000.abcdef',
    title: view.title,
    blocks: view.blocks,
    state: { values: stateValues(view, values) },
    root_view_id: view.id ?? 'V0FAKE0001',
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
    app_id: 'A0MIGRATE',
    bot_id: 'B0FAKE001',
  };
}

function envelope(type: string, who: ModalWho): Json {
  const teamId = who.teamId ?? 'T0FAKE001';
  return {
    type,
    team: { id: teamId, domain: 'fake', ...(who.enterpriseId ? { enterprise_id: who.enterpriseId } : {}) },
    user: { id: who.userId ?? 'U0ALICE01', username: 'alice', name: 'alice', team_id: teamId },
    api_app_id: 'A0MIGRATE',
    token: 'deprecated-verification-token',
    trigger_id: newTriggerId(),
    is_enterprise_install: who.isEnterpriseInstall ?? false,
    enterprise: who.enterpriseId ? { id: who.enterpriseId, name: 'Org' } : null,
  };
}

export function viewSubmissionBody(
  view: OpenedView,
  values: Record<string, string>,
  who: ModalWho = {},
): string {
  const payload = {
    ...envelope('view_submission', who),
    view: viewPayload(view, values, who),
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A select inside the modal changed (`dispatch_action`): what Slack sends before any submit. */
export function viewSelectBody(
  view: OpenedView,
  blockId: string,
  actionId: string,
  value: string,
  values: Record<string, string>,
  who: ModalWho = {},
): string {
  const payload = {
    ...envelope('block_actions', who),
    container: { type: 'view', view_id: view.id ?? 'V0FAKE0001' },
    view: viewPayload(view, { ...values, [blockId]: value }, who),
    actions: [
      {
        type: 'static_select',
        action_id: actionId,
        block_id: blockId,
        selected_option: { text: { type: 'plain_text', text: value }, value },
        action_ts: newActionTs(),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface ViewAck {
  status: number;
  ms: number;
  /** The JSON the bot acked with (`response_action` …), or undefined for an empty ack. */
  body: Json | undefined;
  raw: string;
}

export async function postViewSubmission(
  eventsUrl: string,
  signingSecret: string,
  view: OpenedView,
  values: Record<string, string>,
  who: ModalWho = {},
): Promise<ViewAck> {
  const http = await postSigned(eventsUrl, signingSecret, viewSubmissionBody(view, values, who), FORM);
  let body: Json | undefined;
  try {
    body = http.text ? (JSON.parse(http.text) as Json) : undefined;
  } catch {
    body = undefined;
  }
  return { status: http.status, ms: http.ms, body, raw: http.text };
}

/** Slack's documented modal limits (reference/chatops-anchors.md §3.4) the fake does not check. */
export function modalLimitProblems(view: OpenedView): string[] {
  const problems: string[] = [];
  for (const key of ['title', 'submit', 'close'] as const) {
    const text = (view[key] as { text?: string } | undefined)?.text;
    if (text !== undefined && text.length > 24) problems.push(`${key} "${text}" > 24 chars`);
  }
  if ((view.private_metadata ?? '').length > 3000) problems.push('private_metadata > 3000 chars');
  if (String(view.callback_id ?? '').length > 255) problems.push('callback_id > 255 chars');
  const blocks = view.blocks ?? [];
  if (blocks.length > 100) problems.push(`${blocks.length} blocks > 100`);
  const hasInput = blocks.some((b) => b.type === 'input');
  if (hasInput && !view.submit) problems.push('a modal with inputs needs submit');
  for (const block of blocks) {
    if (block.type !== 'input') continue;
    const label = (block.label as { text?: string } | undefined)?.text ?? '';
    if (label.length === 0 || label.length > 2000)
      problems.push(`label of ${String(block.block_id)} is 1–2000 chars`);
    const hint = (block.hint as { text?: string } | undefined)?.text;
    if (hint !== undefined && hint.length > 2000) problems.push(`hint of ${String(block.block_id)} > 2000`);
    const element = block.element as Json;
    const placeholder = (element.placeholder as { text?: string } | undefined)?.text;
    if (placeholder !== undefined && placeholder.length > 150)
      problems.push(`placeholder of ${String(block.block_id)} > 150`);
    const max = element.max_length as number | undefined;
    if (max !== undefined && (max < 1 || max > 3000))
      problems.push(`max_length of ${String(block.block_id)} is 1–3000`);
    if (element.type === 'static_select') {
      const options = (element.options as Json[] | undefined) ?? [];
      if (options.length === 0 || options.length > 100)
        problems.push(`options of ${String(block.block_id)} are 1–100`);
      for (const o of options) {
        const text = (o.text as { text?: string }).text ?? '';
        if (text.length > 75) problems.push(`option "${text}" > 75 chars`);
      }
    }
  }
  return problems;
}
