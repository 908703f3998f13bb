import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { cutsInProgress, stepAt } from './cut-list.js';
import { type StepName, type StepState, stateKey } from './cut-record.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

/** Cut-overs a Home tab lists (the rest are counted, and `/migrate cutover list` shows them). */
const HOME_CUTS = 8;

/** What Home shows of the workspace's cut-overs in progress (from the cut-over records only). */
export interface CutsHome {
  kind: 'home';
  cuts: {
    name: string;
    ref: string;
    channel: string;
    starter: string;
    freezeMin: number;
    step: StepName;
    state: StepState;
  }[];
  more: number;
}

export async function cutsHome(s: CutoverState, who: { teamId: string }): Promise<CutsHome | undefined> {
  const { cuts, more } = await cutsInProgress(s.core.state, who.teamId);
  if (cuts.length === 0) return undefined;
  return {
    kind: 'home',
    cuts: cuts.slice(0, HOME_CUTS).map((c) => {
      const step = stepAt(c);
      return {
        name: c.name,
        ref: `${c.connection}:${c.resourceId}`,
        channel: c.channel,
        starter: c.starter,
        freezeMin: c.freezeMin,
        step,
        state: c.steps[step].state,
      };
    }),
    more: more + Math.max(0, cuts.length - HOME_CUTS),
  };
}

/** "Cut-overs in progress (2)", one line each: the resource, where its post is, who started it, its step. */
export function renderCutsHome(home: CutsHome, tr: Translator): CapabilityRendered {
  const t = tr.with(CUTOVER_WORDS);
  const lines = home.cuts.map((c) =>
    t.t('cutover.cut.list.line', {
      name: escapeMrkdwn(c.name),
      ref: code(c.ref),
      channel: `<#${c.channel}>`,
      starter: `<@${c.starter}>`,
      step: t.t(`cutover.cut.step.${c.step}`, { freeze: c.freezeMin }),
      state: t.t(stateKey(c.step, c.state)),
    }),
  );
  if (home.more > 0) lines.push(t.t('cutover.cut.home.more', { n: home.more }));
  const title = `*${t.t('cutover.cut.home.title')}* (${home.cuts.length + home.more})`;
  const text = truncate([title, ...lines, t.t('cutover.cut.home.hint')].join('\n'), 3000);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
