import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { ChartAxisTitles } from '../../reports/throughput-chart.js';
import type { ReportNote } from '../../watcher/outbox/notification.js';
import { displayName, refBeside } from './display-name.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';
import type { Rendered } from './watch-notifications.js';

/**
 * The short report a finished task's thread gets, in the channel's language: how long, how fast,
 * what moved, what did not and where the provider listed what failed. The chart follows as an
 * image (uploaded separately). Names, ids and paths are never translated.
 */
export function renderCompletionReport(
  note: ReportNote,
  tr: Translator = ENGLISH,
  added: readonly string[] = [],
): Rendered {
  const r = note.report;
  const rate = (bps: number | undefined) => (bps === undefined ? undefined : `${tr.bytes(bps)}/s`);
  // English shows the provider's state word as it always did; others, the state in their words.
  const stateKey = `state.${r.state}`;
  const state = tr.locale !== 'en' && tr.has(stateKey) ? tr.t(stateKey) : r.state;
  // The requester's title leads where the provider made the name up; its name stays beside the ref.
  const named = displayName(r.name, note.title);
  const title = tr.t('report.title', {
    name: escapeMrkdwn(named.lead),
    ref: refBeside(`${r.connection}:${r.id}`, named),
    state,
  });
  const moved =
    r.bytesMoved === undefined
      ? undefined
      : r.bytesTotal === undefined
        ? tr.bytes(r.bytesMoved)
        : tr.t('report.movedOf', { moved: tr.bytes(r.bytesMoved), total: tr.bytes(r.bytesTotal) });
  // A watched average comes with its own duration and bytes, so the three agree.
  const watched = r.averageOver === 'watched';
  const facts: [string, string | undefined][] = [
    [
      tr.t(watched ? 'report.durationWatched' : 'report.duration'),
      r.durationSeconds === undefined ? undefined : tr.duration(r.durationSeconds),
    ],
    [
      tr.t('report.movedWatched'),
      watched && r.watchedBytes !== undefined ? tr.bytes(r.watchedBytes) : undefined,
    ],
    [
      tr.t(r.averageOver === 'watched' ? 'report.averageWatched' : 'report.average'),
      rate(r.averageBytesPerSecond),
    ],
    [tr.t('report.peak'), rate(r.peakBytesPerSecond)],
    [tr.t('report.moved'), moved],
    [tr.t('report.objects'), r.objectsMoved === undefined ? undefined : tr.count(r.objectsMoved)],
    [tr.t('report.skipped'), r.objectsSkipped ? tr.count(r.objectsSkipped) : undefined],
    [tr.t('report.failed'), r.objectsFailed ? tr.count(r.objectsFailed) : undefined],
  ];
  const shown = facts.filter((f): f is [string, string] => f[1] !== undefined);
  const blocks: KnownBlock[] = [section(title)];
  if (shown.length > 0)
    blocks.push({
      type: 'section',
      fields: shown.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })),
    });
  if (r.failedObjectList) blocks.push(context(tr.t('report.failedList', { path: code(r.failedObjectList) })));
  // What the capabilities add from their facts as the run ended (its runs, when it was retried).
  if (added.length > 0) blocks.push(section(truncate(added.join('\n'), 3000)));
  const summary = shown.map(([label, value]) => `${label} ${value}`).join(' · ');
  return {
    text: truncate(tr.t('report.text', { name: escapeMrkdwn(named.lead), summary }), 3000),
    blocks,
  };
}

/** The chart's file name, title and axis titles; the alt text says what it shows for screen readers. */
export function chartLabels(
  note: ReportNote,
  tr: Translator = ENGLISH,
): { filename: string; title: string; altText: string; axes: ChartAxisTitles } {
  const safe = note.report.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  // The chart is called what the report above it calls the resource.
  const name = displayName(note.report.name, note.title).lead;
  return {
    filename: `throughput-${safe}.png`,
    title: truncate(tr.t('report.chartTitle', { name }), 200),
    altText: truncate(tr.t('report.chartAlt', { name }), 1000),
    axes: {
      seconds: tr.t('report.chartSeconds'),
      minutes: tr.t('report.chartMinutes'),
      hours: tr.t('report.chartHours'),
    },
  };
}
