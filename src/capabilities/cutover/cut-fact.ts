import type { Translator } from '../../i18n/translator.js';
import { convergenceLines, type SyncFact } from './convergence.js';
import { stepAt } from './cut-list.js';
import { type Cutover, type StepName, type StepState, stateKey } from './cut-record.js';
import type { CutoverState } from './state.js';
import { CUTOVER } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/** The cut-over's part of the capability's card fact: where it is (written by the cut-over, kept by keep-sync). */
export interface CutFact {
  step: string;
  state: string;
  status: Cutover['status'];
  freezeMin: number;
}

type Fact = Partial<SyncFact> & { cut?: CutFact };

/** Keep-sync's fact with the cut-over's part it found kept (undefined: neither). */
export function withCut(sync: SyncFact | undefined, was: unknown): Fact | undefined {
  const cut = (was as Fact | undefined)?.cut;
  if (sync) return cut ? { ...sync, cut } : sync;
  return cut ? { cut } : undefined;
}

/** Writes where the cut-over is on the migration's cards (an aborted one: its line goes). */
export async function writeCutFact(s: CutoverState, cut: Cutover): Promise<void> {
  const at = stepAt(cut);
  const part: CutFact | undefined =
    cut.status === 'aborted'
      ? undefined
      : { step: at, state: cut.steps[at].state, status: cut.status, freezeMin: cut.freezeMin };
  await s.core.watcher.notes
    .fact(
      cut.team,
      { connection: cut.connection, kind: cut.kind, id: cut.resourceId },
      CUTOVER,
      (was: unknown) => {
        const { cut: _old, ...rest } = (was as Fact | undefined) ?? {};
        const next = part ? { ...rest, cut: part } : rest;
        return Object.keys(next).length > 0 ? next : undefined;
      },
    )
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not draw a cut-over on its card'));
}

/** The card's lines: keep-sync's and its convergence, then the cut-over's step. Pure. */
export function cutoverCardLines(fact: unknown, tr: Translator): string[] {
  const f = fact as Fact | undefined;
  if (!f) return [];
  const lines = f.everyH !== undefined ? convergenceLines(f as SyncFact, tr) : [];
  if (f.cut) {
    const t = tr.with(CUTOVER_WORDS);
    const key = f.cut.status === 'complete' ? 'cutover.cut.card.complete' : 'cutover.cut.card';
    lines.push(
      t.t(key, {
        step: t.t(`cutover.cut.step.${f.cut.step as 'freeze'}`, { freeze: f.cut.freezeMin }),
        state: t.t(stateKey(f.cut.step as StepName, f.cut.state as StepState)),
      }),
    );
  }
  return lines;
}
