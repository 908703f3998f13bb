import type { AuditEntry } from '../../audit/audit-log.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn } from './mrkdwn.js';

const RESULT_ICON: Record<AuditEntry['result'], string> = {
  ok: ':white_check_mark:',
  refused: ':no_entry:',
  failed: ':x:',
};

/**
 * One audit entry as one mrkdwn line: the audit channel's post (its language) and `/migrate
 * audit`'s list (the reader's). The action, target, detail and op id are records: never translated.
 */
export function auditLine(entry: AuditEntry, tr: Translator = ENGLISH): string {
  // The watcher records what happens to a watch with no person behind it (e.g. `watcher`).
  const who = /^[UW][A-Z0-9]+$/.test(entry.user) ? `<@${entry.user}>` : code(entry.user);
  return tr.t('audit.line', {
    icon: RESULT_ICON[entry.result],
    who,
    action: escapeMrkdwn(entry.action),
    target: entry.target ? ` ${code(entry.target)}` : '',
    where: entry.channel ? tr.t('audit.where', { channel: `<#${entry.channel}>` }) : '',
    result: tr.t(`audit.result.${entry.result}`),
    detail: entry.detail ? ` — ${escapeMrkdwn(entry.detail.slice(0, 200))}` : '',
    op: code(entry.op),
  });
}
