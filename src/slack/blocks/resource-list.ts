import type { Button, KnownBlock } from '@slack/types';
import type { MigrationResource, ResourceKind } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { encodeListPage, type ListQuery } from '../list-query.js';
import { encodeResourceButton } from '../resource-button.js';
import { progressBar, slackDate } from './format.js';
import { budgetShare } from './message-budget.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { displayName, kindPlural, kindWords, resourceRef } from './resource-card.js';
import { stateLabel } from './state-words.js';

/** Slack allows 50 blocks per message: 2 header blocks, one per row, one footer, leaving room. */
export const MAX_LIST_ROWS = 40;

/** Something that could not be listed: a whole connection, or one kind of it. */
export interface ListGap {
  connection: string;
  /** Unset when every kind the connection was asked for failed. */
  kind?: ResourceKind;
  /** One escaped mrkdwn sentence saying why (`describeUnreadable`), never a provider's body. */
  reason: string;
}

export interface ListView {
  title: string;
  /** The rows of this page, in triage order. */
  resources: MigrationResource[];
  /** "3 failed · 2 paused · 5 running" over everything listed (not only this page). */
  summary?: string;
  /** Total matching, when the providers told us. */
  total: number;
  /** What could not be read, with why (shown, never hidden as "no tasks"). */
  failures: ListGap[];
  /** Kinds asked for by name that a connection does not offer (its region has no API for them). */
  notOffered?: { connection: string; kind: ResourceKind }[];
  /** How many connection-and-kind lists answered: with none, an empty page is no verdict. */
  answered: number;
  paging?: { query: ListQuery; page: number; pageSize: number; hasNext: boolean };
  emptyHint?: string;
  /** Titles requesters typed, by `connection:id`, where the provider named the resource itself. */
  titles?: ReadonlyMap<string, string>;
  /**
   * The lines the capabilities draw under each row (`StartedCapabilities.rowLines`), by `connection:id`,
   * as Home draws them: who is on a failure, the window that holds it.
   */
  rowLines?: ReadonlyMap<string, readonly string[]>;
  /** The reader's language (English unless given). */
  tr?: Translator;
}

function gapLine(gap: ListGap, tr: Translator): string {
  if (!gap.kind) return tr.t('list.gap.connection', { reason: gap.reason, connection: code(gap.connection) });
  return tr.t('list.gap.kind', {
    kinds: kindPlural(gap.kind, tr),
    connection: code(gap.connection),
    reason: gap.reason,
  });
}

function notOfferedLine(n: { connection: string; kind: ResourceKind }, tr: Translator): string {
  return tr.t('list.notOffered', { connection: code(n.connection), kinds: kindPlural(n.kind, tr) });
}

export function renderResourceList(view: ListView): KnownBlock[] {
  const tr = view.tr ?? ENGLISH;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(view.title, 150) } },
  ];
  if (view.summary) blocks.push(context(view.summary));
  const empty = view.resources.length === 0;
  const absent = (view.notOffered ?? []).map((n) => notOfferedLine(n, tr));
  if (empty) {
    // A failed call is never presented as an empty result: the section says what could not be read.
    const lines = [...view.failures.map((g) => gapLine(g, tr)), ...absent];
    if (view.answered > 0 || lines.length === 0)
      lines.push(lines.length > 0 ? tr.t('list.nothingElse') : (view.emptyHint ?? tr.t('list.nothing')));
    blocks.push(section(lines.join('\n')));
  }
  // Every row of the page is shown (paging counts on it), so each gets its share of what Slack takes
  // in one message (message-budget.ts): a full page of 40 shortens long names to about 50 characters.
  const rows = view.resources.slice(0, MAX_LIST_ROWS);
  const share = budgetShare(rows.length, { min: 250, reserved: 1500 });
  const nameMax = Math.max(40, share - 200);
  for (const r of rows) {
    if (r.unreadable) {
      // Nothing to open: the provider's record could not be read (its id, when it had one, is shown).
      const text = tr.t('list.unreadable', { kind: kindWords(r.kind, tr), ref: code(resourceRef(r)) });
      blocks.push(section(text));
      continue;
    }
    const named = displayName(r.name, view.titles?.get(resourceRef(r)));
    // The provider's name goes beside the requester's title, on the id's line (it is an id to them).
    const beside = named.beside ? ` ${code(truncate(named.beside, nameMax))}` : '';
    const onIt = (view.rowLines?.get(resourceRef(r)) ?? []).map((line) => `\n${line}`).join('');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(truncate(named.lead, nameMax))}*  ${stateLabel(r, tr)}\n${rowDetail(r, tr)}${code(resourceRef(r))}${beside}${onIt}`,
          share,
        ),
      },
      accessory: {
        type: 'button',
        action_id: 'resource.open',
        text: { type: 'plain_text', text: tr.t('list.open') },
        value: encodeResourceButton(r),
      },
    });
  }
  const shown = Math.min(view.resources.length, MAX_LIST_ROWS);
  const first = view.paging ? view.paging.page * view.paging.pageSize : 0;
  const notes: string[] = [];
  if (!empty) notes.push(tr.t('list.showing', { from: first + 1, to: first + shown, total: view.total }));
  else if (view.failures.length === 0 && absent.length === 0)
    notes.push(tr.t('list.inAll', { total: view.total }));
  if (view.total > first + shown && !view.paging?.hasNext) notes.push(tr.t('list.narrow'));
  if (!empty) notes.push(...view.failures.map((g) => gapLine(g, tr)), ...absent);
  if (notes.length > 0) blocks.push(context(notes.join(' ')));
  const paging = view.paging;
  if (paging && (paging.page > 0 || paging.hasNext)) {
    const buttons: Button[] = [];
    if (paging.page > 0) {
      buttons.push(
        pageButton(
          'list.page.previous',
          tr.t('list.previous'),
          encodeListPage(paging.query, paging.page - 1),
        ),
      );
    }
    if (paging.hasNext)
      buttons.push(
        pageButton('list.page.next', tr.t('list.next'), encodeListPage(paging.query, paging.page + 1)),
      );
    blocks.push({ type: 'actions', elements: buttons });
  }
  return blocks;
}

/**
 * What the second line of a row says: a failure's code and when it failed; progress and bytes for
 * what moves; for a synchronization task (no total, it never ends) what it moved, not "— of —".
 */
function rowDetail(r: MigrationResource, tr: Translator): string {
  const parts: string[] = [];
  if (r.state === 'failed') {
    if (r.lastError?.code) parts.push(code(r.lastError.code));
    const at = r.updatedAt ?? r.startedAt;
    if (at) parts.push(tr.t('list.failedAgo', { ago: slackDate(at, '{ago}') }));
  }
  if (r.progress !== undefined) parts.push(`${progressBar(r.progress, 8)} ${tr.percent(r.progress)}`);
  if (r.bytes.total !== undefined)
    parts.push(
      tr.t('watch.transferred', { done: tr.bytes(r.bytes.done ?? 0), total: tr.bytes(r.bytes.total) }),
    );
  else if (r.bytes.done !== undefined) parts.push(tr.t('list.bytesMoved', { bytes: tr.bytes(r.bytes.done) }));
  else if (r.objects.done !== undefined)
    parts.push(tr.t('list.objectsMoved', { count: tr.count(r.objects.done) }));
  else if (r.state === 'monitoring') parts.push(tr.t('list.continuousSync'));
  return parts.length > 0 ? `${parts.join(' · ')} · ` : '';
}

function pageButton(actionId: string, label: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value };
}
