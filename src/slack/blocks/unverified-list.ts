import type { KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import type { WatchRecord } from '../../watcher/watch-store.js';
import { displayName, refBeside } from './display-name.js';
import { slackDate } from './format.js';
import { escapeMrkdwn, truncate } from './mrkdwn.js';
import { stateWords } from './state-words.js';

/** Slack takes 50 blocks a message: a title, then one line each, the rest counted. */
const MAX_LINES = 45;

/**
 * `/migrate list unverified` (issue 49): the runs that ended, were verified and nobody signed off,
 * newest first, each with whether its counts add up; Open leads to its card for the sign-off.
 */
export function renderUnverified(
  records: readonly WatchRecord[],
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  if (records.length === 0) {
    const text = tr.t('list.unverified.none');
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const newest = [...records].sort((a, b) => (b.verification?.at ?? 0) - (a.verification?.at ?? 0));
  const title = tr.t('list.unverified.title', { n: records.length });
  const lines = newest.slice(0, MAX_LINES).map((r) => {
    const report = r.verification!.report;
    const named = displayName(report.name, r.watch.origin?.title);
    return tr.t('list.unverified.line', {
      name: `*${escapeMrkdwn(truncate(named.lead, 120))}*`,
      ref: refBeside(`${report.connection}:${report.id}`, named),
      state: stateWords(report.state, tr),
      outcome: tr.t(`list.unverified.${report.outcome}`),
      at: slackDate(new Date(r.verification!.at)),
    });
  });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    ...lines.map(
      (line): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(line, 3000) } }),
    ),
  ];
  if (records.length > MAX_LINES)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `… +${records.length - MAX_LINES}` }],
    });
  return { text: `${title.replaceAll('*', '')}`, blocks };
}
