import type { Button, KnownBlock } from '@slack/types';
import type { CapabilityButton, VerifiedRun } from '../../contract/card.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { displayName, refBeside } from '../../slack/blocks/display-name.js';
import { planButtons } from '../../slack/blocks/failure-buttons.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { actionLabel } from '../../slack/blocks/resource-card.js';
import type { Rendered } from '../../slack/blocks/watch-notifications.js';
import type { CardFacts } from '../../watcher/outbox/notification.js';
import { shownClaim } from '../on-call/on-call-fact.js';
import { ON_CALL } from '../on-call/on-call-state.js';
import { ON_CALL_WORDS } from '../on-call/words.js';
import { LIST_ORDER, type VerificationReport } from './report.js';
import type { VerificationNote } from './verification.js';
import { encodeVerificationButton } from './verification-button.js';
import type { VerificationCard } from './verification-card.js';
import { VERIFICATION_WORDS } from './words.js';

/** "Sign off" on a verification post: opens the note modal (slack/listeners/.../verification-signoff.ts). */
export const SIGNOFF_ACTION = 'verification.signoff';

/**
 * The verification post: the provider's counts reconciled in words, a mismatch said as
 * a warning, what a state-only provider cannot show said plainly, the check used and where the
 * lists are, and who signed it off. Figures come from the report alone, as does the CSV.
 */
export function renderVerification(
  note: VerificationNote,
  tr: Translator = ENGLISH,
  extra: readonly CapabilityButton[] = [],
): Rendered {
  const r = note.report;
  const named = displayName(r.name, note.title);
  const state = tr.t(`state.${r.state}`).toLowerCase();
  const title = tr.with(VERIFICATION_WORDS).t('verify.title', {
    name: escapeMrkdwn(named.lead),
    ref: refBeside(`${r.connection}:${r.id}`, named),
    state,
  });
  const outcome = outcomeLine(r, state, tr);
  const lines = [...figureLines(r, tr), ...listLines(r, tr)];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${title}\n${outcome}`, 3000) } },
  ];
  if (lines.length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(signoffLine(note, tr), 3000) }],
  });
  // The other capabilities' buttons (a delta run, a bucket check) after the sign-off; an actions
  // block holds at most 25 elements.
  const buttons = [
    ...[signoffButton(note, tr)].filter((b): b is Button => !!b),
    ...extra.map((b) => ({ ...b, text: { ...b.text, text: b.text.text.slice(0, 75) } })),
  ].slice(0, 25);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return {
    text: truncate(
      `${tr.with(VERIFICATION_WORDS).t('verify.text', { name: escapeMrkdwn(named.lead) })} ${outcome}`,
      3000,
    ),
    blocks,
  };
}

/** The run a verification post is about, as the capabilities' buttons under it are given it. */
export function verifiedRun(note: VerificationNote): VerifiedRun {
  const { connection, kind, id, state } = note.report;
  return { connection, kind, id, state, at: note.at, ...(note.provider ? { provider: note.provider } : {}) };
}

function outcomeLine(r: VerificationReport, state: string, tr: Translator): string {
  switch (r.outcome) {
    case 'matches':
      return tr
        .with(VERIFICATION_WORDS)
        .t(r.basis === 'estimate' ? 'verify.matchesEstimate' : 'verify.matches');
    case 'mismatch':
      return tr.with(VERIFICATION_WORDS).t('verify.mismatch', {
        objects: tr.count(Math.abs(r.objects.unaccounted ?? 0)),
        bytes: tr.bytes(Math.abs(r.bytes.unaccounted ?? 0)),
      });
    case 'unchecked':
      return r.unchecked === 'state-only'
        ? tr.with(VERIFICATION_WORDS).t('verify.stateOnly', { state })
        : tr
            .with(VERIFICATION_WORDS)
            .t(r.unchecked === 'total-not-final' ? 'verify.notFinal' : 'verify.noCounts');
  }
}

/** The reconciliation as sums: total = the parts the provider counts. */
export function figureLines(r: VerificationReport, tr: Translator): string[] {
  const lines: string[] = [];
  const n = (v: number | undefined) => tr.count(v ?? 0);
  const b = (v: number | undefined) => tr.bytes(v ?? 0);
  const o = r.objects;
  if (r.basis === 'outcomes' && o.total !== undefined)
    lines.push(
      tr.with(VERIFICATION_WORDS).t('verify.objectsOutcomes', {
        total: n(o.total),
        succeeded: n(o.succeeded),
        skipped: n(o.skipped),
        failed: n(o.failed),
      }),
    );
  if (r.basis === 'estimate' && o.total !== undefined)
    lines.push(
      tr
        .with(VERIFICATION_WORDS)
        .t('verify.objectsEstimate', { total: n(o.total), moved: n(o.succeeded), skipped: n(o.skipped) }),
    );
  const by = r.bytes;
  if (r.basis === 'outcomes' && by.total !== undefined) {
    lines.push(
      tr
        .with(VERIFICATION_WORDS)
        .t('verify.bytesOutcomes', { total: b(by.total), processed: b(by.accounted) }),
    );
    if (by.written !== undefined)
      lines.push(tr.with(VERIFICATION_WORDS).t('verify.bytesWritten', { written: b(by.written) }));
  }
  if (r.basis === 'estimate' && by.total !== undefined)
    lines.push(
      tr
        .with(VERIFICATION_WORDS)
        .t('verify.bytesEstimate', { total: b(by.total), moved: b(by.succeeded), skipped: b(by.skipped) }),
    );
  if (r.check)
    lines.push(
      tr
        .with(VERIFICATION_WORDS)
        .t('verify.check', { check: tr.with(VERIFICATION_WORDS).t(`verify.check.${r.check}`) }),
    );
  return lines;
}

function listLines(r: VerificationReport, tr: Translator): string[] {
  const lines: string[] = [];
  for (const which of LIST_ORDER) {
    const list = r.lists?.[which];
    if (!list) continue;
    const label = tr.with(VERIFICATION_WORDS).t(`verify.list.${which}`);
    if (!list.recorded)
      lines.push(
        tr
          .with(VERIFICATION_WORDS)
          .t('verify.listNotRecorded', { list: label, reason: code(list.error ?? '?') }),
      );
    else if (list.path)
      lines.push(
        list.bucket
          ? tr
              .with(VERIFICATION_WORDS)
              .t('verify.listAtBucket', { list: label, path: code(list.path), bucket: code(list.bucket) })
          : tr.with(VERIFICATION_WORDS).t('verify.listAt', { list: label, path: code(list.path) }),
      );
    else lines.push(tr.with(VERIFICATION_WORDS).t('verify.listNoPath', { list: label }));
    const names = list.names;
    if (names?.unread)
      lines.push(tr.with(VERIFICATION_WORDS).t('verify.listUnread', { why: code(names.unread) }));
    else if (names && names.keys.length > 0)
      lines.push(
        tr.with(VERIFICATION_WORDS).t('verify.listNames', {
          keys: names.keys.slice(0, NAMED_KEYS).map(namedKey).join(', '),
          more: names.keys.length - Math.min(names.keys.length, NAMED_KEYS),
          cut: names.more ? 'yes' : 'no',
        }),
      );
  }
  return lines;
}

/** Keys of a list named on the post; the CSV in the thread holds every key read. */
const NAMED_KEYS = 5;

/** A key someone chose, inert: control characters shown, cut, in code. */
function namedKey(key: string): string {
  const visible = [...key]
    .map((c) => {
      const n = c.charCodeAt(0);
      return n < 0x20 || n === 0x7f || n === 0x2028 || n === 0x2029
        ? `\\u${n.toString(16).padStart(4, '0')}`
        : c;
    })
    .join('');
  return code(truncate(visible, 120));
}

function signoffLine(note: VerificationNote, tr: Translator): string {
  const s = note.signoff;
  if (s) {
    const at = slackDate(new Date(s.at), '{date_short_pretty} {time}');
    const said = s.note.trim()
      ? tr.with(VERIFICATION_WORDS).t('verify.signedNote', { note: escapeMrkdwn(s.note.trim()) })
      : '';
    return `${tr.with(VERIFICATION_WORDS).t('verify.signedBy', { user: `<@${s.by}>`, at })}${said}`;
  }
  if (note.report.state === 'failed') return tr.with(VERIFICATION_WORDS).t('verify.failedNoSignoff');
  return note.requester
    ? tr.with(VERIFICATION_WORDS).t('verify.awaiting', { user: who(note.requester) })
    : tr.with(VERIFICATION_WORDS).t('verify.awaitingAnyone');
}

function who(user: string): string {
  return /^[UW][A-Z0-9]+$/.test(user) ? `<@${user}>` : user;
}

/** Only a run that succeeded and nobody signed yet offers the button. */
function signoffButton(note: VerificationNote, tr: Translator): Button | undefined {
  if (note.signoff || note.report.state === 'failed') return undefined;
  return {
    type: 'button',
    action_id: SIGNOFF_ACTION,
    style: 'primary',
    text: { type: 'plain_text', text: tr.with(VERIFICATION_WORDS).t('verify.signOff') },
    value: encodeVerificationButton(note.report, note.at),
  };
}

/**
 * What a person can do about a failed run the card still shows failed, from the card's own
 * buttons: who is on it (or "I'm on it" to take it), and the button that runs it again, if any.
 */
export interface FailedRunNext {
  /** Who is on its failure (a user id). */
  owner?: string;
  /** The label of the card's button that runs it again (Retry failed objects, Resume). */
  again?: string;
  /** Where a new migration is created when nothing runs it again. */
  connection: string;
}

/** What the card offers about its run's failure, while it shows it failed and has its buttons. */
export function failedRunNext(
  card: Pick<CardFacts, 'resource' | 'actions' | 'ended' | 'facts'>,
  tr: Translator,
): FailedRunNext | undefined {
  const r = card.resource;
  if (r.state !== 'failed' || card.ended) return undefined;
  // The claim the card shows: one about this failure (a later failure is nobody's yet).
  const owner = shownClaim(card.facts?.[ON_CALL], r)?.by;
  // The button the card itself shows (a Retry that cannot help this failure is not offered).
  const again = planButtons(r, card.actions).actions.find((a) => a === 'retry' || a === 'resume');
  return {
    ...(owner ? { owner } : {}),
    ...(again ? { again: actionLabel(again, tr, r.state) } : {}),
    connection: r.connection,
  };
}

/**
 * The card's line: who verified it, or that it ended without a sign-off (and a mismatch said). A
 * failed run is never signed off: its line says what can be done instead (`next`, while the card
 * still shows it failed; that it failed, once it runs again or is gone).
 */
export function verificationCardLine(v: VerificationCard, tr: Translator, next?: FailedRunNext): string {
  if (v.signoff) return tr.with(VERIFICATION_WORDS).t('verify.card.verified', { user: `<@${v.signoff.by}>` });
  if (v.failed)
    return next
      ? tr.with(VERIFICATION_WORDS).t('verify.card.failedRun', {
          who: next.owner ? `<@${next.owner}>` : 'nobody',
          take: tr.with(ON_CALL_WORDS).t('claim.take'),
          again: next.again ?? 'none',
          command: code(`/migrate create ${next.connection}`),
        })
      : tr.with(VERIFICATION_WORDS).t('verify.card.failedRunPast');
  const unsigned = tr.with(VERIFICATION_WORDS).t('verify.card.unverified');
  return v.outcome === 'mismatch'
    ? `${tr.with(VERIFICATION_WORDS).t('verify.card.mismatch')} ${unsigned}`
    : unsigned;
}
