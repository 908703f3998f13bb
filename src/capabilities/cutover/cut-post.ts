import type { KnownBlock } from '@slack/types';
import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import { enqueue } from '../../watcher/outbox/mailbox.js';
import { showInThread, threadViewEntry } from '../../watcher/outbox/thread-views.js';
import { dedupBase, type WatchRecord } from '../../watcher/records/watch-store.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { writeCutFact } from './cut-fact.js';
import { type Cutover, STEPS, type StepState, stateKey } from './cut-record.js';
import type { CutoverState } from './state.js';
import { CUTOVER } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

export const SIGNOFF_ACTION = 'cutover.cut.signoff';
export const OVERRIDE_ACTION = 'cutover.cut.override';
export const ABORT_ACTION = 'cutover.cut.abort';

/** The living cut-over post's view: the record as it is (data; drawn at send time). */
export interface CutView {
  kind: 'cut';
  cut: Cutover;
}

// Slack's shortcodes, as the bot's other posts say them: the playground draws each (with no emoji font too).
const MARK: Record<StepState, string> = {
  waiting: ':white_circle:',
  running: ':arrows_counterclockwise:',
  green: ':large_green_circle:',
  red: ':red_circle:',
  override: ':large_yellow_circle:',
  skipped: ':heavy_minus_sign:',
};

/** The cut-over post, in the channel's language: its steps and their states, and what may be pressed. Pure. */
export function renderCut(view: CutView, tr: Translator): CapabilityRendered {
  const t = tr.with(CUTOVER_WORDS);
  const c = view.cut;
  const ref = code(`${c.connection}:${c.resourceId}`);
  const head = t.t(`cutover.cut.head.${c.status}`, {
    name: escapeMrkdwn(c.name),
    ref,
    starter: `<@${c.starter}>`,
    freeze: c.freezeMin,
  });
  const lines = STEPS.map((name, i) => {
    const s = c.steps[name];
    const state = t.t(stateKey(name, s.state));
    const label = t.t(`cutover.cut.step.${name}`, { freeze: c.freezeMin });
    const detail = name === 'check' ? checkDetail(c, t) : s.detail ? ` · ${s.detail}` : '';
    // The line's colon is the language's own (Chinese writes a full-width one).
    return `${MARK[s.state]} ${i + 1}. ${t.t('cutover.cut.step.line', { label, state })}${detail}`;
  });
  if (c.override)
    lines.push(
      t.t('cutover.cut.overridden', { by: `<@${c.override.by}>`, reason: escapeMrkdwn(c.override.reason) }),
    );
  if (c.signoff) lines.push(t.t('cutover.cut.signed', { by: `<@${c.signoff.by}>` }));
  if (c.aborted) lines.push(t.t('cutover.cut.abortedBy', { by: `<@${c.aborted.by}>` }));
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`${head}\n${lines.join('\n')}`, 3_000) } },
  ];
  const buttons = c.status === 'running' ? actions(c, t) : [];
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons } as KnownBlock);
  return { text: truncate(head, 300), blocks };
}

/** The check's figures and, when red, why (a name the check step keeps, said here). */
function checkDetail(c: Cutover, t: ReturnType<Translator['with']>): string {
  const f = c.check;
  const figures = f ? ` · ${t.t('cutover.cut.figures', { ...f, cut: f.cut ? 1 : 0 })}` : '';
  const why = c.steps.check.detail;
  const reason =
    why === 'differs' || why === 'not-s3' || why === 'unchecked'
      ? ` · ${t.t(`cutover.cut.check.${why}`)}`
      : '';
  return `${figures}${reason}`;
}

function actions(c: Cutover, t: ReturnType<Translator['with']>) {
  const button = (action_id: string, key: string, style?: 'primary' | 'danger') => ({
    type: 'button' as const,
    action_id,
    value: c.id,
    text: { type: 'plain_text' as const, text: t.t(key) },
    ...(style ? { style } : {}),
  });
  const out: (ReturnType<typeof button> & { confirm?: unknown })[] = [];
  if (c.steps.check.state === 'red') out.push(button(OVERRIDE_ACTION, 'cutover.cut.button.override'));
  if (c.steps.signoff.state === 'running')
    out.push(button(SIGNOFF_ACTION, 'cutover.cut.button.signoff', 'primary'));
  out.push({
    ...button(ABORT_ACTION, 'cutover.cut.button.abort', 'danger'),
    confirm: {
      title: { type: 'plain_text', text: t.t('cutover.cut.abort.title') },
      text: { type: 'mrkdwn', text: truncate(abortSays(c, t), 300) },
      confirm: { type: 'plain_text', text: t.t('cutover.cut.abort.confirm') },
      deny: { type: 'plain_text', text: t.t('cutover.cut.abort.deny') },
      style: 'danger',
    },
  });
  return out;
}

/**
 * What Abort does, from where the cut-over is (the dialog is drawn again at each step): no step
 * after, the freeze notice not taken back, a keep-in-sync the final delta's step stopped not
 * started again, a final delta at the provider not stopped, a check under way called off.
 */
function abortSays(c: Cutover, t: ReturnType<Translator['with']>): string {
  const st = c.steps;
  const lines = [t.t('cutover.cut.abort.stops')];
  if (st.freeze.state !== 'waiting') lines.push(t.t('cutover.cut.abort.freeze'));
  if (st.delta.state !== 'waiting') lines.push(t.t('cutover.cut.abort.sync'));
  if (st.delta.state === 'running') lines.push(t.t('cutover.cut.abort.delta'));
  if (st.check.state === 'running') lines.push(t.t('cutover.cut.abort.check'));
  lines.push(t.t('cutover.cut.abort.again'));
  return lines.join(' ');
}

/**
 * Hands the cut-over's view to the one editor: its post in the thread of the migration's card in the
 * cut-over's channel, posted the first time (one outbox entry, one dedup key), edited after.
 */
export async function showCut(s: CutoverState, cut: Cutover): Promise<void> {
  const target = { teamId: cut.team, connection: cut.connection, kind: cut.kind, id: cut.resourceId };
  const watches = (await watchesOf(s.core.watcher.store, target)).filter(
    (w) => w.record.watch.channelId === cut.channel,
  );
  const post = { capability: CUTOVER, id: `cut-${cut.id}` };
  const view: CutView = { kind: 'cut', cut };
  const now = s.core.clock.now();
  const posted: string[] = [];
  const edited: string[] = [];
  for (const { key } of watches) {
    await s.core.watcher.store.update<WatchRecord>(key, (current) => {
      if (!current || current.ended) return SKIP;
      const shown = showInThread(current, post, view);
      if (shown.found) {
        edited.push(key);
        return shown.record;
      }
      posted.push(key);
      return enqueue(current, [
        threadViewEntry(
          current,
          { ...post, key: `${dedupBase(current.watch)}:cutover-${cut.id}-post` },
          view,
          now,
        ),
      ]);
    });
  }
  for (const key of posted) await s.core.watcher.outbox.drain(key).catch(() => undefined);
  await s.core.watcher.notes.written(async () => ({ keys: edited }));
  await writeCutFact(s, cut);
}
