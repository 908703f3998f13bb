import type { KnownBlock } from '@slack/types';
import type { ReportNote } from '../../watcher/notification.js';
import { formatBytes, formatCount, formatDuration } from './format.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';
import type { Rendered } from './watch-notifications.js';

/**
 * The short report a finished task's thread gets: how long, how fast, what moved, what did not and
 * where the provider listed what failed. The chart follows as an image (uploaded separately).
 */
export function renderCompletionReport(note: ReportNote): Rendered {
  const r = note.report;
  const rate = (bps: number | undefined) => (bps === undefined ? undefined : `${formatBytes(bps)}/s`);
  const lines = [
    `:bar_chart: *Report for ${escapeMrkdwn(r.name)}* ${code(`${r.connection}:${r.id}`)} (${r.state})`,
  ];
  const facts: [string, string | undefined][] = [
    ['Duration', r.durationSeconds === undefined ? undefined : formatDuration(r.durationSeconds)],
    ['Average', rate(r.averageBytesPerSecond)],
    ['Peak', rate(r.peakBytesPerSecond)],
    [
      'Moved',
      r.bytesMoved === undefined
        ? undefined
        : `${formatBytes(r.bytesMoved)}${r.bytesTotal !== undefined ? ` of ${formatBytes(r.bytesTotal)}` : ''}`,
    ],
    ['Objects', r.objectsMoved === undefined ? undefined : formatCount(r.objectsMoved)],
    ['Skipped', r.objectsSkipped ? formatCount(r.objectsSkipped) : undefined],
    ['Failed', r.objectsFailed ? formatCount(r.objectsFailed) : undefined],
  ];
  const shown = facts.filter((f): f is [string, string] => f[1] !== undefined);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines[0]!, 3000) } },
  ];
  if (shown.length > 0)
    blocks.push({
      type: 'section',
      fields: shown.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })),
    });
  if (r.failedObjectList)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: truncate(`Failed objects are listed in ${code(r.failedObjectList)}.`, 3000) },
      ],
    });
  const summary = shown.map(([label, value]) => `${label} ${value}`).join(' · ');
  return { text: truncate(`Report for ${escapeMrkdwn(r.name)}: ${summary}`, 3000), blocks };
}

/** The chart's file name and title; the alt text says what it shows for screen readers. */
export function chartLabels(note: ReportNote): { filename: string; title: string; altText: string } {
  const safe = note.report.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  return {
    filename: `throughput-${safe}.png`,
    title: truncate(`Throughput of ${note.report.name}`, 200),
    altText: truncate(`Throughput over time of ${note.report.name}, in MB/s`, 1000),
  };
}
