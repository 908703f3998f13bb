import type { KnownBlock, View } from '@slack/types';
import type { CapabilityButton, VerifiedRun } from '../../contract/card.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { CreateSummary } from '../../providers/create-request.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import type { ApprovalRecord } from '../approvals/approval-record.js';
import { APPROVAL_WORDS } from '../approvals/words.js';
import { encodeVerificationButton } from '../verification/verification-button.js';
import { DELTA_RUN_WORDS } from './words.js';

/** The capability's name: the notes it says in a run's thread are drawn by it (`renderNote`). */
export const DELTA_RUNS = 'delta-runs';

/** "Run changes since" on a verification post: opens what the delta would run. */
export const RERUN_ACTION = 'verification.rerun';
/** The confirmation modal's callback id: submitting it asks for the delta through the approval. */
export const RERUN_VIEW = 'verification.rerun.confirm';

type Rerun = NonNullable<ApprovalRecord['rerun']>;
type RerunWhat = 'since' | 'again' | 'restart';

/** What the provider declares a delta run of this kind to be, if it has one (registry data only). */
export function rerunWhat(provider: string | undefined, kind: string): RerunWhat | undefined {
  if (!provider || !isProviderId(provider)) return undefined;
  const reruns = providerDefinition(provider).reruns;
  return reruns?.kinds.includes(kind as never) ? reruns.what : undefined;
}

/** The button under a verification post of a run that succeeded, where the provider has a delta run. */
export function rerunButton(run: VerifiedRun, tr: Translator): CapabilityButton[] {
  const what = rerunWhat(run.provider, run.kind);
  if (!what || run.state !== 'succeeded') return [];
  return [
    {
      type: 'button',
      action_id: RERUN_ACTION,
      text: { type: 'plain_text', text: tr.with(DELTA_RUN_WORDS).t(`rerun.button.${what}`) },
      value: encodeVerificationButton(run, run.at),
    },
  ];
}

/** "Delta 1 of <run>: only the objects changed since …" (the approval request, the modal). */
export function rerunLine(rerun: Rerun, provider: string, tr: Translator = ENGLISH): string {
  const of = rerun.thread?.permalink
    ? `<${rerun.thread.permalink}|${escapeMrkdwn(truncate(rerun.of.name, 120))}>`
    : code(truncate(rerun.of.name, 120));
  if (rerun.retry)
    return tr.with(DELTA_RUN_WORDS).t(`rerun.line.retry.${rerun.retry.what}`, {
      n: rerun.n,
      of,
      objects: rerun.retry.objects ?? 0,
      prefix: code(truncate(rerun.retry.prefix ?? '', 200)),
      provider: isProviderId(provider) ? providerDefinition(provider).shortName : provider,
    });
  const what = rerun.mode === 'restart' ? 'restart' : rerun.since !== undefined ? 'since' : 'again';
  return tr.with(DELTA_RUN_WORDS).t(`rerun.line.${what}`, {
    n: rerun.n,
    of,
    since: rerun.since !== undefined ? slackDate(new Date(rerun.since)) : '',
    provider: isProviderId(provider) ? providerDefinition(provider).shortName : provider,
  });
}

/**
 * What the requester sees before asking: the delta's name, what it takes from the run
 * it follows, what the provider will run (source, destination, options), and that an approver
 * decides. `metadata` carries only which verification it follows: the plan is made again on submit.
 */
export function rerunConfirmModal(
  input: { rerun: Rerun; provider: string; name: string; summary: CreateSummary; connection: string },
  metadata: string,
  tr: Translator = ENGLISH,
): View {
  const { summary } = input;
  const facts = [
    `*${tr.with(APPROVAL_WORDS).t('approval.source')}*: ${escapeMrkdwn(summary.source)}`,
    `*${tr.with(APPROVAL_WORDS).t('approval.destination')}*: ${escapeMrkdwn(summary.destination)}`,
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          tr.with(DELTA_RUN_WORDS).t('rerun.modal.intro', {
            name: code(truncate(input.name, 200)),
            connection: code(input.connection),
          }),
          3000,
        ),
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(rerunLine(input.rerun, input.provider, tr), 3000) },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(facts.join('\n'), 3000) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: tr.with(DELTA_RUN_WORDS).t('rerun.modal.approval') }],
    },
  ];
  return {
    type: 'modal',
    callback_id: RERUN_VIEW,
    private_metadata: metadata,
    title: { type: 'plain_text', text: truncate(tr.with(DELTA_RUN_WORDS).t('rerun.modal.title'), 24) },
    submit: { type: 'plain_text', text: truncate(tr.with(DELTA_RUN_WORDS).t('rerun.modal.submit'), 24) },
    close: { type: 'plain_text', text: tr.t('modal.cancel') },
    blocks,
  };
}

/**
 * Said once in a run's thread when a delta run of it is asked for, or made: the chain stays in
 * one thread, posted by the outbox like every other line about the run (`WatchNotes.say`, as
 * this capability's `SaidNote`; entries stored before it was one read as one, `record-expand.ts`).
 * Mentions and ids only; the words are drawn at delivery, in the channel's language.
 */
export interface ChainNote {
  kind: 'chain';
  event: 'requested' | 'created';
  /** The delta's number in the chain (or the retry's, in the chain's retries). */
  n: number;
  /** A retry of what the run did not bring over; absent: a delta. */
  series?: 'retry';
  /** Slack user ids. */
  requester: string;
  approver?: string;
  /** The approval request it went through, and the link to it. */
  request: { id: string; permalink?: string };
  /** The delta run once made: `connection:id`. */
  ref: string;
}

/** What the run's thread is told when its delta is asked for, or made: data the outbox posts. */
export function chainNoteOf(
  record: Pick<ApprovalRecord, 'requester' | 'decidedBy' | 'message' | 'connection' | 'resourceId' | 'id'> & {
    rerun: Rerun;
  },
  event: ChainNote['event'],
): SaidNote {
  const permalink = record.message?.permalink;
  const note: ChainNote = {
    kind: 'chain',
    event,
    n: record.rerun.n,
    ...(record.rerun.retry ? { series: 'retry' as const } : {}),
    requester: record.requester,
    ...(record.decidedBy ? { approver: record.decidedBy } : {}),
    request: { id: record.id, ...(permalink ? { permalink } : {}) },
    ref: `${record.connection}:${record.resourceId ?? ''}`,
  };
  return { kind: 'said', capability: DELTA_RUNS, note };
}

/** The line in the run's thread (the chain, in one thread), in the channel's language. */
export function renderChainLine(
  note: ChainNote,
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const { id, permalink } = note.request;
  const text = tr
    .with(DELTA_RUN_WORDS)
    .t(`rerun.thread.${note.series === 'retry' ? 'retry.' : ''}${note.event}`, {
      n: note.n,
      requester: `<@${note.requester}>`,
      approver: `<@${note.approver ?? 'unknown'}>`,
      request: permalink ? `<${permalink}|${escapeMrkdwn(id)}>` : code(id),
      ref: code(note.ref),
    });
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
