import { explainForDisplay } from '../../../catalogue/explain.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { createTarget } from '../../../providers/create-request.js';
import { slackDate as neutralDate } from '../../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import { kindLabel } from '../../../slack/blocks/provider-words.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { awaitingStart, startBeforeRestore, startedLate, startInterrupted } from '../scheduled-start.js';
import { APPROVAL_WORDS } from '../words.js';

/** `<!date^…>` shows each reader their own time zone; the fallback is UTC. */
export function slackDate(iso: string): string {
  const date = new Date(iso);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/** A time in the reader's language: English keeps "… at 14:05"; others get Slack's tokens alone. */
export function when(iso: string, tr: Translator): string {
  return tr.locale === 'en' ? slackDate(iso) : neutralDate(new Date(iso));
}

/**
 * Who asked, as a mention: the person, or the person who made the API token it came with, named
 * with the token (inert: a token's name is never markup).
 */
export function requesterWords(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  const person = `<@${record.requester}>`;
  if (!record.viaToken) return person;
  return tr
    .with(APPROVAL_WORDS)
    .t('approval.viaToken', { requester: person, token: code(escapeMrkdwn(truncate(record.viaToken, 64))) });
}

export function ref(record: ApprovalRecord): string {
  return code(`${record.connection}:${record.resourceId ?? ''}`);
}

/** The kind being created ("OMS migration task") in the reader's language. */
export function targetLabel(record: ApprovalRecord, tr: Translator): string {
  return kindLabel(tr, createTarget(record.provider, record.kind));
}

/** One line saying how the request ended (or that it is still open). */
export function outcomeLine(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  const by = record.decidedBy ? `<@${record.decidedBy}>` : tr.with(APPROVAL_WORDS).t('approval.someone');
  const at = record.decidedAt ? when(record.decidedAt, tr) : '';
  switch (record.status) {
    case 'pending':
      return tr.with(APPROVAL_WORDS).t('approval.outcome.pending', { at: when(record.expiresAt, tr) });
    case 'approved':
      if (record.resourceId) {
        const created = tr.with(APPROVAL_WORDS).t('approval.outcome.created', { by, at, ref: ref(record) });
        return startedLate(record) ? `${created}\n${lateLine(record, tr)}` : created;
      }
      if (awaitingStart(record) && record.startAt)
        return tr
          .with(APPROVAL_WORDS)
          .t('approval.outcome.scheduled', { by, at, start: when(record.startAt, tr) });
      return tr.with(APPROVAL_WORDS).t('approval.outcome.creating', { by, at });
    case 'cancelled':
      return tr.with(APPROVAL_WORDS).t('approval.outcome.cancelled', {
        by: record.cancelledBy ? `<@${record.cancelledBy}>` : tr.with(APPROVAL_WORDS).t('approval.someone'),
        at: record.cancelledAt ? when(record.cancelledAt, tr) : '',
      });
    case 'failed':
      if (startInterrupted(record))
        return tr.with(APPROVAL_WORDS).t('approval.outcome.interrupted', { by, at });
      if (startBeforeRestore(record))
        return tr.with(APPROVAL_WORDS).t('approval.outcome.restored', { by, at });
      if (record.failure?.outcomeUnknown)
        return tr.with(APPROVAL_WORDS).t('approval.outcome.unknown', { by, at });
      return record.decidedBy
        ? tr.with(APPROVAL_WORDS).t('approval.outcome.failed', { by, at })
        : tr.with(APPROVAL_WORDS).t('approval.outcome.notPosted');
    case 'rejected':
      return tr.with(APPROVAL_WORDS).t('approval.outcome.rejected', { by, at });
    case 'expired':
      return tr.with(APPROVAL_WORDS).t('approval.outcome.expired', { at });
  }
}

/** "Started late": due at its start time, created when the bot was back. */
export function lateLine(record: ApprovalRecord, tr: Translator = ENGLISH): string {
  return tr.with(APPROVAL_WORDS).t('approval.outcome.startedLate', {
    due: record.startAt ? when(record.startAt, tr) : '',
    at: record.startedAt ? when(record.startedAt, tr) : '',
  });
}

/**
 * The failure's message: the bot's own sentence (the request could not be posted) in the reader's
 * language, with the channel as a link; a provider's message as it said it, inert.
 */
function failureMessage(failure: NonNullable<ApprovalRecord['failure']>, tr: Translator): string {
  const said = failure.localized;
  const reader = tr.with(APPROVAL_WORDS);
  if (tr.locale === 'en' || !said || !reader.has(said.key))
    return escapeMrkdwn(truncate(failure.message, 500));
  if (said.key === 'approval.error.cannotPost') {
    // The channel as a link (`<#C…>`); records stored before English was written once hold its bare id.
    const channel = String(said.values?.channel ?? '').replace(/^<#([CGD][A-Z0-9]{2,20})>$/, '$1');
    return reader.t(said.key, {
      channel: /^[CGD][A-Z0-9]{2,20}$/.test(channel) ? `<#${channel}>` : escapeMrkdwn(channel),
      code: escapeMrkdwn(String(said.values?.code ?? '')),
    });
  }
  return escapeMrkdwn(truncate(reader.t(said.key, said.values), 500));
}

/** The provider's error (never translated), explained with the catalogue in the reader's language. */
export function failureLines(
  failure: NonNullable<ApprovalRecord['failure']>,
  tr: Translator = ENGLISH,
): string[] {
  const lines = [`> ${failureMessage(failure, tr)}`];
  if (failure.errorCode) {
    const explained = explainForDisplay(failure.errorCode, failure.httpStatus, tr.locale);
    if (explained.known) {
      const meaning = escapeMrkdwn(truncate(explained.description ?? explained.title, 600));
      lines.push(tr.t('failure.meaning', { text: meaning }));
      if (explained.solution)
        lines.push(tr.t('failure.fix', { text: escapeMrkdwn(truncate(explained.solution, 600)) }));
    } else lines.push(escapeMrkdwn(explained.title));
  }
  if (failure.requestId)
    lines.push(tr.with(APPROVAL_WORDS).t('approval.requestId', { id: code(failure.requestId) }));
  return lines;
}

/** A guardrail asks for several approvers: how many, how many so far and whose, and the ticket. */
export function needsLines(record: ApprovalRecord, tr: Translator): string | undefined {
  const needs = record.needs;
  const ticket = record.ticket ?? needs?.ticket;
  const ticketLine = ticket
    ? tr.with(APPROVAL_WORDS).t('approval.needs.ticket', { ticket: code(ticket) })
    : '';
  if (!needs) return ticketLine || undefined;
  const votes = record.votes ?? [];
  const lines = [
    tr.with(APPROVAL_WORDS).t('approval.needs.rule', { rule: escapeMrkdwn(needs.rule), n: needs.approvers }),
  ];
  if (votes.length > 0)
    lines.push(
      tr.with(APPROVAL_WORDS).t('approval.needs.votes', {
        count: votes.length,
        n: needs.approvers,
        who: votes.map((v) => `<@${v.by}>`).join(', '),
      }),
    );
  if (needs.group)
    lines.push(tr.with(APPROVAL_WORDS).t('approval.needs.group', { group: `<!subteam^${needs.group}>` }));
  if (ticketLine) lines.push(ticketLine);
  return lines.join('\n');
}
