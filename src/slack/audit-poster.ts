import type { AuditPoster } from '../audit/audit-log.js';
import { ENGLISH } from '../i18n/translator.js';
import { auditLine } from './blocks/audit-line.js';
import type { SlackLocales } from './locales.js';
import type { SlackSender } from './sender.js';

/**
 * Posts each audit entry (data from `audit/`) as one line to the workspace's audit channel, in
 * that channel's language.
 */
export function slackAuditPoster(
  sender: SlackSender,
  locales?: Pick<SlackLocales, 'translatorForChannel'>,
): AuditPoster {
  return async (teamId, channel, entry) => {
    const tr = locales ? await locales.translatorForChannel(teamId, channel) : ENGLISH;
    await sender
      .to(teamId, { purpose: 'background' })
      .post({ channel, text: auditLine(entry, tr), unfurl_links: false, unfurl_media: false });
  };
}
