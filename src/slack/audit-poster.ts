import type { AuditPoster } from '../audit/audit-log.js';
import { auditLine } from './blocks/audit-line.js';
import type { SlackSender } from './sender.js';

/** Posts each audit entry (data from `audit/`) as one line to the workspace's audit channel. */
export function slackAuditPoster(sender: SlackSender): AuditPoster {
  return async (teamId, channel, entry) => {
    await sender
      .to(teamId, { purpose: 'background' })
      .post({ channel, text: auditLine(entry), unfurl_links: false, unfurl_media: false });
  };
}
