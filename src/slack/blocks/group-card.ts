import type { KnownBlock } from '@slack/types';
import type { MigrationResource, NormalizedState } from '../../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { GroupTally } from '../../watcher/group-tally.js';
import { encodeResourceButton } from '../resource-button.js';
import { code, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import { stateLabelIn, stateWords } from './state-words.js';

/** Task states in the order a group card lists them: what needs someone first. */
const ORDER: readonly NormalizedState[] = [
  'failed',
  'paused',
  'pausing',
  'running',
  'retrying',
  'queued',
  'succeeded',
  'cancelled',
  'unknown',
];

/** One failed task of a group, the same on its card, in its thread and in the full list. */
export function failedTaskLine(connection: string, t: { id: string; name: string; code?: string }): string {
  return `• ${escapeMrkdwn(truncate(t.name, 80))} ${code(`${connection}:${t.id}`)}${t.code ? ` ${code(t.code)}` : ''}`;
}

/**
 * The lead of a task group's state line, from its tasks: OMS keeps a group "running monitor task"
 * (Migrating) while its tasks fail, and a card that said only Migrating hid the failures. The worst
 * state among its tasks leads, counted ("Failed: 2 of 4 tasks"), with the group's own state beside
 * it when that differs. Undefined when the group's own state reads worse (a pausing group), is not
 * a task's (deleting), or when no task was read: the group's own label stands.
 */
export function groupStateLead(
  group: Pick<MigrationResource, 'state'>,
  tally: GroupTally,
  tr: Translator = ENGLISH,
): string | undefined {
  const worst = ORDER.find((s) => (tally.counts[s] ?? 0) > 0);
  const own = ORDER.indexOf(group.state);
  if (!worst || own === -1 || own < ORDER.indexOf(worst)) return undefined;
  const lead = tr.t('group.worst', {
    state: stateLabelIn(worst, tr),
    n: tr.count(tally.counts[worst] ?? 0),
    total: `${tr.count(tally.tasks)}${tally.partial ? '+' : ''}`,
    count: tally.tasks,
  });
  if (worst === group.state) return `*${lead}*`;
  return `*${lead}* · ${tr.t('group.own', { state: stateWords(group.state, tr).toLowerCase() })}`;
}

/** The thread line when more of a group's tasks failed: how many of how many, and the first ones. */
export function tasksFailedLines(
  name: string,
  connection: string,
  tally: GroupTally | undefined,
  tr: Translator = ENGLISH,
): string[] {
  if (!tally) return [tr.t('group.moreTasksFailed', { name })];
  const counts = { failed: tr.count(tally.failedCount), tasks: tr.count(tally.tasks), n: tally.tasks };
  return [
    tr.t('group.tasksFailed', { name, ...counts }),
    ...tally.failed.map((t) => failedTaskLine(connection, t)),
  ];
}

/**
 * A task group's card: its tasks counted by state, the first failed tasks with their codes, and a
 * button for the rest. A group of 1,000 tasks is this one card.
 */
export function groupTallyBlocks(
  group: Pick<MigrationResource, 'connection' | 'id'>,
  tally: GroupTally,
  tr: Translator = ENGLISH,
): KnownBlock[] {
  const counts = ORDER.filter((s) => (tally.counts[s] ?? 0) > 0).map(
    (s) => `${tr.count(tally.counts[s] ?? 0)} ${stateWords(s, tr).toLowerCase()}`,
  );
  const tasks = tr.t('group.tasks', { n: `${tr.count(tally.tasks)}${tally.partial ? '+' : ''}` });
  const head = `*${tasks}*${counts.length > 0 ? ` · ${counts.join(' · ')}` : ''}`;
  const blocks: KnownBlock[] = [section(head)];
  if (tally.failedCount === 0) return blocks;
  const lines = tally.failed.map((t) => failedTaskLine(group.connection, t));
  const more = tally.failedCount - tally.failed.length;
  if (more > 0) lines.push(tr.t('group.moreFailed', { n: tr.count(more) }));
  blocks.push(section(lines.join('\n')));
  if (more > 0)
    blocks.push({
      type: 'actions',
      block_id: truncate(`group:failed:${group.connection}:${group.id}`, 255),
      elements: [
        {
          type: 'button',
          action_id: 'group.failed',
          text: { type: 'plain_text', text: tr.t('group.listAll', { n: tr.count(tally.failedCount) }) },
          value: encodeResourceButton({ connection: group.connection, kind: 'task-group', id: group.id }),
        },
      ],
    });
  return blocks;
}

const LISTED = 40;

/** The failed tasks of a group, one line each with its code, bounded for Slack. */
export function renderGroupFailures(
  found: {
    group: MigrationResource;
    failed: MigrationResource[];
    more: boolean;
  },
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const { group, failed } = found;
  const title = tr.t('group.failures.title', {
    name: escapeMrkdwn(truncate(group.name, 120)),
    ref: code(`${group.connection}:${group.id}`),
    n: failed.length,
    count: `${tr.count(failed.length)}${found.more ? '+' : ''}`,
  });
  if (failed.length === 0) return { text: tr.t('group.failures.none', { title }), blocks: [] };
  const lines = failed
    .slice(0, LISTED)
    .map((t) => failedTaskLine(t.connection, { id: t.id, name: t.name, code: t.lastError?.code }));
  const rest = failed.length - LISTED;
  if (rest > 0 || found.more)
    lines.push(
      tr.t('group.failures.rest', {
        n: rest > 0 ? tr.count(rest) : 'more',
        command: code(`/migrate list ${group.connection} failed tasks`),
      }),
    );
  return {
    text: title,
    blocks: [section(title), section(lines.join('\n'))],
  };
}
