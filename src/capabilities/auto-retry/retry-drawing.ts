import type { CapabilityButton, CapabilityRendered, CardResource } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { encodeResourceButton } from '../../slack/resource-button.js';
import type { RetryAttempt, RetryFact, RetryNote, RetrySaid } from './retry-fact.js';
import { AUTO_RETRY_WORDS } from './words.js';

export const STOP_ACTION = 'auto-retry.stop';
export const NOW_ACTION = 'auto-retry.now';

const when = (at: number) => slackDate(new Date(at));
/** "`TRF.0015` (transient)": the code and its class stay as the catalogue spells them. */
const failureWords = (f: { code?: string; cls: string }) =>
  f.code ? `${code(truncate(f.code, 40))} (${f.cls})` : `(${f.cls})`;

/** A refusal in the reader's language where its key is known (a guardrail's, the policy's), else as said. */
function refusalWords(f: Pick<RetryFact, 'said' | 'saidKey'>, tr: Translator): string {
  const known = f.saidKey && tr.has(f.saidKey.key) ? f.saidKey : undefined;
  return known ? tr.t(known.key as never, known.values) : escapeMrkdwn(truncate(f.said ?? '', 300));
}

function why(f: Pick<RetryFact, 'reason' | 'said' | 'saidKey' | 'code' | 'cls'>, tr: Translator): string {
  const w = tr.with(AUTO_RETRY_WORDS);
  switch (f.reason) {
    case 'budget':
      return w.t('auto-retry.why.budget');
    case 'max':
      return w.t('auto-retry.why.max');
    case 'class':
      return w.t('auto-retry.why.class', { failure: failureWords(f) });
    case 'refused':
      return w.t('auto-retry.why.refused', { said: refusalWords(f, tr) });
    case 'claimed':
      return w.t('auto-retry.why.claimed');
    case 'not-offered':
      return w.t('auto-retry.why.not-offered');
    case 'error':
      return w.t('auto-retry.why.error');
    default:
      return w.t('auto-retry.why.off');
  }
}

/** The card's line of where the series stands (and a list's or Home's row). */
export function retryLine(fact: unknown, tr: Translator): string | undefined {
  const f = fact as RetryFact | undefined;
  if (!f?.status) return undefined;
  const w = tr.with(AUTO_RETRY_WORDS);
  switch (f.status) {
    case 'waiting':
      return w.t('auto-retry.card.waiting', {
        failure: failureWords(f),
        attempt: f.attempt,
        max: f.max,
        when: when(f.at),
      });
    case 'running':
      return w.t('auto-retry.card.running', { attempt: f.attempt, max: f.max, when: when(f.at) });
    case 'succeeded':
      return w.t('auto-retry.card.succeeded', { n: f.attempt });
    case 'gave-up':
      return w.t('auto-retry.card.gaveUp', {
        n: f.history.filter((h) => h.n > 0).length,
        max: f.max,
        why: why(f, tr),
      });
    case 'stopped':
      return w.t('auto-retry.card.stopped', { user: `<@${f.stoppedBy ?? ''}>` });
  }
}

/** Don't retry and Retry now, while a retry waits (on the card and what the failure's posts show). */
export function retryButtons(fact: unknown, tr: Translator, resource: CardResource): CapabilityButton[] {
  const f = fact as RetryFact | undefined;
  if (f?.status !== 'waiting' || resource.state !== 'failed') return [];
  const value = encodeResourceButton(resource);
  const w = tr.with(AUTO_RETRY_WORDS);
  return [
    {
      type: 'button',
      action_id: NOW_ACTION,
      text: { type: 'plain_text', text: w.t('auto-retry.button.now') },
      value,
    },
    {
      type: 'button',
      action_id: STOP_ACTION,
      text: { type: 'plain_text', text: w.t('auto-retry.button.stop') },
      value,
      style: 'danger',
    },
  ];
}

function historyLines(history: readonly RetryAttempt[], tr: Translator): string[] {
  const w = tr.with(AUTO_RETRY_WORDS);
  return history.map((h) =>
    h.interrupted
      ? w.t('auto-retry.history.interrupted', { n: h.n, when: when(h.at) })
      : h.n === 0
        ? w.t('auto-retry.history.first', { failure: failureWords(h), when: when(h.at) })
        : w.t('auto-retry.history.retry', { n: h.n, failure: failureWords(h), when: when(h.at) }),
  );
}

/** Its notes in a card's thread: a failure held, a success after retries, the end of a series. */
export function renderRetryNote(note: unknown, tr: Translator): CapabilityRendered | undefined {
  const n = note as RetryNote;
  const w = tr.with(AUTO_RETRY_WORDS);
  const name = escapeMrkdwn(truncate(n.name ?? '', 200));
  let text: string;
  let history: readonly RetryAttempt[] = [];
  if (n.type === 'held')
    text = w.t('auto-retry.note.held', {
      name,
      failure: failureWords(n),
      attempt: n.attempt,
      max: n.max,
      when: when(n.at),
    });
  else if (n.type === 'succeeded') {
    text = w.t('auto-retry.note.succeeded', { name, n: n.retries });
    history = n.history;
  } else if (n.type === 'gave-up') {
    text = w.t(n.reason === 'claimed' ? 'auto-retry.note.gaveUpQuiet' : 'auto-retry.note.gaveUp', {
      name,
      why: why(n, tr),
    });
    history = n.history;
  } else if (n.type === 'stopped') text = w.t('auto-retry.note.stopped', { name, user: `<@${n.by}>` });
  else return undefined;
  const lines =
    history.length > 0
      ? [w.t('auto-retry.note.history'), ...historyLines(history, tr).map((l) => `• ${l}`)]
      : [];
  const body = truncate([text, ...lines].join('\n'), 3000);
  return { text: truncate(text, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

/** The card's "who acted" line for an automatic retry, and an event's "by …" words. */
export function retryActedLine(said: unknown, by: string, tr: Translator): string | undefined {
  const s = said as RetrySaid | undefined;
  if (!s?.attempt) return undefined;
  return tr.with(AUTO_RETRY_WORDS).t('auto-retry.acted', { attempt: s.attempt, max: s.max, by: `<@${by}>` });
}

export function retryActedBy(said: unknown, by: string, tr: Translator): string | undefined {
  const s = said as RetrySaid | undefined;
  if (!s?.attempt) return undefined;
  return tr
    .with(AUTO_RETRY_WORDS)
    .t('auto-retry.actedBy', { attempt: s.attempt, max: s.max, by: `<@${by}>` });
}
