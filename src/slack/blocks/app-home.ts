import type { KnownBlock } from '@slack/types';
import type { Role } from '../../access/roles.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { ENGLISH, type MessageKey, type Translator } from '../../i18n/translator.js';
import { orderForTriage, triageSummary } from '../../resources/triage.js';
import type { BrokenState } from '../../watcher/records/watch-store.js';
import type { WorkspaceUse } from '../../watcher/records/workspace-limits.js';
import { encodeResourceButton } from '../resource-button.js';
import { progressBar } from './format.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { displayName, resourceRef } from './resource-card.js';
import { stateLabelIn } from './state-words.js';
import { brokenLabel } from './watch-notices.js';
import { workspaceUseLines } from './workspace-use.js';

export interface ConnectionHealth {
  name: string;
  provider: string;
  host: string;
  /** undefined when healthy; otherwise what went wrong, already explained. */
  problem?: string;
}

export interface HomeView {
  /**
   * Sections the capabilities draw (`StartedCapabilities.homeBlocks`), in their order: `first` what waits
   * for this person (requests to approve), on top; `extra` the others (a plan's waves).
   */
  first?: KnownBlock[];
  extra?: KnownBlock[];
  role: Role;
  connections: ConnectionHealth[];
  running: MigrationResource[];
  failed: MigrationResource[];
  /** Paused (or pausing): work someone stopped, which may need someone to resume it. */
  paused?: MigrationResource[];
  /** Connections whose resources could not be read. */
  unreadable: string[];
  /** Watches whose channel Slack refuses: nothing is posted about them until someone fixes it. */
  brokenWatches?: BrokenWatchRow[];
  /** The workspace's watches and subscriptions against its caps (absent when the store did not answer). */
  use?: WorkspaceUse;
  /** Titles requesters typed, by `connection:id`, where the provider named the resource itself. */
  titles?: ReadonlyMap<string, string>;
  /**
   * The lines the capabilities draw under each row (`StartedCapabilities.rowLines`), by `connection:id`:
   * who is on a failure, the window that holds a paused one.
   */
  rowLines?: ReadonlyMap<string, readonly string[]>;
}

export interface BrokenWatchRow {
  name: string;
  /** `connection:id`. */
  ref: string;
  channelId: string;
  /** What happened: said in the viewer's language (`brokenLabel`). */
  broken: BrokenState;
  /** The steps that fix it, as the catalogue's key and the commands and channel it names. */
  fix: { key: string; values: Record<string, string> };
}

/** Rows per section, so the Home tab stays within 100 blocks. */
export const HOME_ROWS = 15;
/** The most blocks a click's answer takes at the top of the tab. */
const NOTICE_BLOCKS = 3;

/** `notice`: what the viewer's last click on this tab did (the Home tab has no reply of its own). */
export function renderAppHome(
  view: HomeView,
  tr: Translator = ENGLISH,
  notice?: string | readonly KnownBlock[],
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'migrate-bot' } },
    context(tr.t('home.role', { role: `*${view.role}*` })),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'home.refresh',
          text: { type: 'plain_text', text: tr.t('home.refresh') },
          value: 'refresh',
        },
      ],
    },
  ];
  if (typeof notice === 'string' && notice) blocks.push(section(notice));
  // A reply's own blocks (a sentence and a reason): a few, so the tab stays within 100 blocks.
  else if (typeof notice === 'object') blocks.push(...notice.slice(0, NOTICE_BLOCKS));
  // What waits for this person comes first: at 3 a.m. nobody scrolls to find it.
  blocks.push(...(view.first ?? []));
  blocks.push(
    { type: 'divider' },
    titled(
      `*${tr.t('home.connections')}*`,
      view.connections.length === 0
        ? tr.t('home.noConnections')
        : view.connections
            .map(
              (c) =>
                `${c.problem ? ':warning:' : ':large_green_circle:'} ${code(c.name)} · ${escapeMrkdwn(c.provider)} · ${code(c.host)}${c.problem ? ` — ${escapeMrkdwn(c.problem)}` : ''}`,
            )
            .join('\n'),
    ),
  );
  if (view.use) blocks.push(context(workspaceUseLines(view.use, tr).join('\n')));
  const broken = view.brokenWatches ?? [];
  if (broken.length > 0) {
    blocks.push(
      { type: 'divider' },
      titled(
        `*:no_entry: ${tr.t('home.broken')}* (${broken.length}): ${tr.t('home.brokenWhy')}`,
        broken
          .slice(0, HOME_ROWS)
          .map(
            (w) =>
              `• *${escapeMrkdwn(truncate(w.name, 80))}* ${code(w.ref)} <#${w.channelId}>: ${brokenLabel(w.broken, tr)}\n    _${tr.t('home.toFix')}_ ${tr.t(w.fix.key as MessageKey, w.fix.values)}`,
          )
          .join('\n'),
      ),
    );
  }
  // Triage order, as in `/migrate list`: a summary line, then what needs a person first.
  const paused = view.paused ?? [];
  const summary = triageSummary([...view.failed, ...paused, ...view.running], tr);
  if (summary) blocks.push({ type: 'divider' }, context(summary));
  for (const [title, rows, none] of [
    [tr.t('home.failed'), view.failed, tr.t('home.noneFailed')],
    [tr.t('home.paused'), paused, tr.t('home.nonePaused')],
    [tr.t('home.running'), view.running, tr.t('home.noneRunning')],
  ] as const) {
    blocks.push({ type: 'divider' }, titled(`*${title}* (${rows.length})`, rows.length ? '' : none));
    blocks.push(
      ...orderForTriage(rows)
        .slice(0, HOME_ROWS)
        .map((r) => {
          const ref = resourceRef(r);
          return resourceRow(r, tr, view.titles?.get(ref), view.rowLines?.get(ref));
        }),
    );
  }
  // The capabilities' own sections (the time windows, a plan's waves), after the rows.
  if (view.extra?.length) blocks.push({ type: 'divider' }, ...view.extra);
  if (view.unreadable.length > 0) {
    blocks.push(
      context(`:warning: ${tr.t('home.unreadable', { list: view.unreadable.map(code).join(', ') })}`),
    );
  }
  return blocks;
}

function titled(title: string, body: string): KnownBlock {
  return section(body ? `${title}\n${body}` : title);
}

function resourceRow(
  r: MigrationResource,
  tr: Translator,
  title?: string,
  lines: readonly string[] = [],
): KnownBlock {
  const named = displayName(r.name, title);
  const progress =
    r.progress !== undefined ? `${progressBar(r.progress, 8)} ${tr.percent(r.progress)} · ` : '';
  const error = r.lastError?.code ? ` · ${code(r.lastError.code)}` : '';
  const onIt = lines.map((line) => `\n${line}`).join('');
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: truncate(
        `*${escapeMrkdwn(named.lead)}* ${stateLabelIn(r.state, tr)}\n${progress}${tr.t('home.ofBytes', { done: tr.bytes(r.bytes.done), total: tr.bytes(r.bytes.total) })}${error} · ${code(resourceRef(r))}${named.beside ? ` ${code(named.beside)}` : ''}${onIt}`,
        3000,
      ),
    },
    accessory: {
      type: 'button',
      action_id: 'home.open',
      text: { type: 'plain_text', text: tr.t('list.open') },
      value: encodeResourceButton(r),
    },
  };
}
