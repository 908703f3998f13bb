import type { Button, KnownBlock } from '@slack/types';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { encodeListPage, type ListQuery } from '../list-query.js';
import { encodeResourceButton } from '../resource-button.js';
import { formatBytes, formatPercent, progressBar } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import { resourceRef, stateLabel } from './resource-card.js';

/** Slack allows 50 blocks per message: 2 header blocks, one per row, one footer, leaving room. */
export const MAX_LIST_ROWS = 40;

export interface ListView {
  title: string;
  /** The rows of this page. */
  resources: MigrationResource[];
  /** Total matching, when the providers told us. */
  total: number;
  /** Connections that could not be read, with why (shown, never hidden as "no tasks"). */
  failures: { connection: string; message: string }[];
  paging?: { query: ListQuery; page: number; pageSize: number; hasNext: boolean };
  emptyHint?: string;
}

export function renderResourceList(view: ListView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(view.title, 150) } },
  ];
  if (view.resources.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: view.emptyHint ?? 'Nothing matches.' } });
  }
  for (const r of view.resources.slice(0, MAX_LIST_ROWS)) {
    if (r.unreadable) {
      // Nothing to open: the provider's record could not be read (its id, when it had one, is shown).
      const text = `*Unreadable ${r.kind}*  ${code(resourceRef(r))}\nThe provider returned it in a shape the bot cannot read; the other rows are complete.`;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
      continue;
    }
    const progress =
      r.progress !== undefined ? `${progressBar(r.progress, 8)} ${formatPercent(r.progress)} · ` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(r.name)}*  ${stateLabel(r)}\n${progress}${formatBytes(r.bytes.done)} of ${formatBytes(r.bytes.total)} · ${code(resourceRef(r))}`,
          3000,
        ),
      },
      accessory: {
        type: 'button',
        action_id: 'resource.open',
        text: { type: 'plain_text', text: 'Open' },
        value: encodeResourceButton(r),
      },
    });
  }
  const shown = Math.min(view.resources.length, MAX_LIST_ROWS);
  const first = view.paging ? view.paging.page * view.paging.pageSize : 0;
  const notes = [
    shown === 0 ? `${view.total} in all.` : `Showing ${first + 1}–${first + shown} of ${view.total}.`,
  ];
  if (view.total > first + shown && !view.paging?.hasNext) {
    notes.push('Narrow it with a state or a connection, e.g. `/migrate list failed`.');
  }
  for (const f of view.failures)
    notes.push(`:warning: ${code(f.connection)} could not be read: ${escapeMrkdwn(f.message)}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(notes.join(' '), 3000) }] });
  const paging = view.paging;
  if (paging && (paging.page > 0 || paging.hasNext)) {
    const buttons: Button[] = [];
    if (paging.page > 0) {
      buttons.push(
        pageButton('list.page.previous', '← Previous', encodeListPage(paging.query, paging.page - 1)),
      );
    }
    if (paging.hasNext)
      buttons.push(pageButton('list.page.next', 'Next →', encodeListPage(paging.query, paging.page + 1)));
    blocks.push({ type: 'actions', elements: buttons });
  }
  return blocks;
}

function pageButton(actionId: string, label: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value };
}
