import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { csvLine } from '../../reports/csv-cell.js';
import { displayName } from '../../slack/blocks/display-name.js';
import { LIST_ORDER, type VerificationReport } from './report.js';
import type { VerificationNote } from './verification.js';
import { VERIFICATION_WORDS } from './words.js';

/** The CSV that goes with the post into the run's thread when it is first posted (not on edits). */
export function verificationFile(
  note: VerificationNote,
  tr: Translator,
): NonNullable<CapabilityRendered['file']> {
  const name = displayName(note.report.name, note.title).lead;
  const safe = note.report.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  return {
    filename: `verification-${safe}.csv`,
    title: tr.with(VERIFICATION_WORDS).t('verify.csv.title', { name }),
    text: verificationCsv(note.report, note.title),
  };
}

/**
 * The verification as CSV, from the same report the post is drawn from, so the file's
 * figures are the post's: exact numbers (bytes in bytes) where the post rounds for reading. One
 * `figure,value` row each; a figure the report does not have is left out, as the post leaves it out.
 * The run is named as the post names it: the provider's name, and the title its requester typed.
 * Every cell is written by `csvCell`, so no text anyone chose opens as a formula.
 */
export function verificationCsv(report: VerificationReport, title?: string): string {
  const rows: [string, string | number | undefined][] = [
    ['connection', report.connection],
    ['kind', report.kind],
    ['id', report.id],
    ['name', report.name],
    ['title', title],
    ['state', report.state],
    ['outcome', report.outcome],
    ['unchecked', report.unchecked],
    ['basis', report.basis],
    ['objects_total', report.objects.total],
    ['objects_succeeded', report.objects.succeeded],
    ['objects_skipped', report.objects.skipped],
    ['objects_failed', report.objects.failed],
    ['objects_accounted', report.objects.accounted],
    ['objects_unaccounted', report.objects.unaccounted],
    ['bytes_total', report.bytes.total],
    ['bytes_processed', report.basis === 'outcomes' ? report.bytes.accounted : undefined],
    ['bytes_succeeded', report.bytes.succeeded],
    ['bytes_skipped', report.bytes.skipped],
    ['bytes_written', report.bytes.written],
    ['bytes_unaccounted', report.bytes.unaccounted],
    ['consistency_check', report.check],
  ];
  for (const which of LIST_ORDER) {
    const list = report.lists?.[which];
    if (!list) continue;
    rows.push([`list_${which}_recorded`, list.recorded ? 'yes' : 'no']);
    rows.push([`list_${which}_path`, list.path]);
    rows.push([`list_${which}_bucket`, list.bucket]);
    rows.push([`list_${which}_error`, list.error]);
    // The keys the bot read of the list when the run ended: one row each, and whether it holds more.
    for (const key of list.names?.keys ?? []) rows.push([`list_${which}_object`, key]);
    if (list.names) rows.push([`list_${which}_more`, list.names.more ? 'yes' : 'no']);
    rows.push([`list_${which}_unread`, list.names?.unread]);
  }
  const lines = [['figure', 'value'], ...rows.filter((r) => r[1] !== undefined)].map(csvLine);
  return `${lines.join('\r\n')}\r\n`;
}
