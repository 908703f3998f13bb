import type { AuditEntry } from '../../audit/audit-log.js';
import { code, escapeMrkdwn } from './mrkdwn.js';

const RESULT_ICON: Record<AuditEntry['result'], string> = {
  ok: ':white_check_mark:',
  refused: ':no_entry:',
  failed: ':x:',
};

/** One audit entry as one mrkdwn line: the audit channel's post and `/migrate audit`'s list. */
export function auditLine(entry: AuditEntry): string {
  const target = entry.target ? ` ${code(entry.target)}` : '';
  const detail = entry.detail ? ` — ${escapeMrkdwn(entry.detail.slice(0, 200))}` : '';
  const where = entry.channel ? ` in <#${entry.channel}>` : '';
  // The watcher records what happens to a watch with no person behind it (e.g. `watcher`).
  const who = /^[UW][A-Z0-9]+$/.test(entry.user) ? `<@${entry.user}>` : code(entry.user);
  return `${RESULT_ICON[entry.result]} ${who} *${escapeMrkdwn(entry.action)}*${target}${where} · ${entry.result}${detail} · op ${code(entry.op)}`;
}
