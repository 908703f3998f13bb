import type { KnownBlock, View } from '@slack/types';
import type { CapabilityButton } from '../../contract/card.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { CreateSummary } from '../../providers/create-request.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { rerunLine } from '../approvals/blocks/rerun-line.js';
import { APPROVAL_WORDS } from '../approvals/words.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { ChainNote } from '../shared/chain-note.js';
import type { VerifiedRun } from '../shared/verified-run.js';
import { encodeVerificationButton } from '../shared/verified-run.js';
import { DELTA_RUN_WORDS } from './words.js';

export { type ChainNote, chainNoteOf, DELTA_RUNS } from '../shared/chain-note.js';

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
