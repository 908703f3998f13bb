import type { SecretRegistry } from '../secrets.js';
import { code, escapeMrkdwn } from '../slack/blocks/mrkdwn.js';
import { scrubPayload } from '../slack/context.js';
import type { SlackClients } from '../slack/slack-clients.js';
import type { AuditEntry, AuditPoster } from './audit-log.js';

const RESULT_ICON: Record<AuditEntry['result'], string> = {
  ok: ':white_check_mark:',
  refused: ':no_entry:',
  failed: ':x:',
};

export function auditLine(entry: AuditEntry): string {
  const target = entry.target ? ` ${code(entry.target)}` : '';
  const detail = entry.detail ? ` — ${escapeMrkdwn(entry.detail.slice(0, 200))}` : '';
  const where = entry.channel ? ` in <#${entry.channel}>` : '';
  // The watcher records what happens to a watch with no person behind it (e.g. `watcher`).
  const who = /^[UW][A-Z0-9]+$/.test(entry.user) ? `<@${entry.user}>` : code(entry.user);
  return `${RESULT_ICON[entry.result]} ${who} *${escapeMrkdwn(entry.action)}*${target}${where} · ${entry.result}${detail} · op ${code(entry.op)}`;
}

/** Posts each audit entry as one line to the workspace's audit channel. */
export function postAuditEntry(clients: SlackClients, secrets: SecretRegistry): AuditPoster {
  return async (teamId, channel, entry) => {
    const client = await clients.forTeam(teamId, 'background');
    const text = auditLine(entry);
    await client.chat.postMessage(
      scrubPayload(secrets.forTeam(teamId), { channel, text, unfurl_links: false, unfurl_media: false }),
    );
  };
}
