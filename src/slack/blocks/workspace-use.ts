import type { Translator } from '../../i18n/translator.js';
import type { WorkspaceUse } from '../../watcher/records/workspace-limits.js';
import { code } from './mrkdwn.js';

/** Most connections listed by name on the channels line; a workspace has a handful. */
const CONNECTIONS_SHOWN = 10;

/**
 * A workspace's use against its caps, one line each ("12 of 5,000 watches · 3 of 50 subscriptions",
 * then channels per subscribed connection), and a warning when the watches cap is reached.
 */
export function workspaceUseLines(use: WorkspaceUse, tr: Translator): string[] {
  const lines = [
    tr.t('usage.line', {
      watches: tr.t('usage.watches', { ...use.watches }),
      subscriptions: tr.t('usage.subscriptions', { ...use.subscriptions }),
    }),
  ];
  if (use.channels.length > 0)
    lines.push(
      tr.t('usage.channelsLine', {
        list: use.channels
          .slice(0, CONNECTIONS_SHOWN)
          .map((c) => tr.t('usage.channels', { connection: code(c.connection), used: c.used, max: c.max }))
          .join(' · '),
      }),
    );
  if (use.watches.used >= use.watches.max) lines.push(tr.t('usage.watchesFull'));
  return lines;
}
