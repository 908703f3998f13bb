import type { CapabilityRendered } from '../../contract/card.js';
import { NORMALIZED_STATES, type NormalizedState } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';
import { providerDefinitions } from '../../providers/registry.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { stateLabelIn } from '../../slack/blocks/state-words.js';
import { approvalButtons, approvalContext } from './plan-approval-card.js';
import { cancelWords, sentences, startConfirmText } from './plan-effect.js';
import { type OpensEta, opensEtas } from './plan-eta.js';
import type { Gate } from './plan-types.js';
import { openEta, type PlanView, type ResourceLine, type WaveHold, type WaveView } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/** A wave with more resources than this shows counts per state, and only what holds it by name. */
export const LINES_PER_WAVE = 12;
/** States a plan's Pause touches; UpCloud jobs cannot be paused (seed: no pause operation). */
const PAUSABLE = new Set(['running', 'queued', 'retrying']);

export const PLAN_ACTIONS = {
  pause: 'plan.pause',
  resume: 'plan.resume',
  cancel: 'plan.cancel',
  signoff: 'plan.signoff',
  start: 'plan.start',
} as const;

function stateWord(state: string, tr: Translator): string {
  if (state === 'planned') return `:memo: ${tr.with(PLAN_WORDS).t('plan.state.planned')}`;
  return (NORMALIZED_STATES as readonly string[]).includes(state)
    ? stateLabelIn(state as NormalizedState, tr)
    : `:grey_question: ${tr.with(PLAN_WORDS).t('plan.state.unseen')}`;
}

/** One line per resource: readable at phone width. */
export function resourceLine(l: ResourceLine, tr: Translator): string {
  const progress = l.progress !== undefined && l.state !== 'succeeded' ? ` ${tr.percent(l.progress)}` : '';
  const claim = l.claimBy
    ? ` · ${tr.with(PLAN_WORDS).t('plan.line.claim', { user: `<@${l.claimBy}>` })}`
    : '';
  const failure = l.code ? ` ${code(l.code)}` : '';
  // A planned migration's key: what `plan remove` takes (its name may be no word to type).
  const key = l.ref.startsWith('planned/') ? ` ${code(l.id)}` : '';
  return `• ${code(l.connection)} ${escapeMrkdwn(truncate(l.name, 60))} — ${stateWord(l.state, tr)}${progress}${failure}${key}${claim}`;
}

export function gateWords(gate: Gate | undefined, tr: Translator): string {
  if (!gate) return tr.with(PLAN_WORDS).t('plan.gate.start');
  if (gate.kind === 'at')
    return tr.with(PLAN_WORDS).t('plan.gate.at', { when: slackDate(new Date(gate.at)), zone: gate.zone });
  // The wait reads inside the sentence ("opens 2 h after …"), not tacked on after it ("… + 2 h").
  return tr
    .with(PLAN_WORDS)
    .t(gate.of === 'signed-off' ? 'plan.gate.afterSigned' : 'plan.gate.afterSucceeded', {
      h: gate.hours,
    });
}

export function holdWords(hold: WaveHold, tr: Translator): string {
  switch (hold.on) {
    case 'start':
      return tr.with(PLAN_WORDS).t('plan.hold.start');
    case 'paused':
      return tr.with(PLAN_WORDS).t('plan.hold.paused');
    case 'cancelled':
      return tr.with(PLAN_WORDS).t('plan.hold.cancelled');
    case 'order':
      return tr.with(PLAN_WORDS).t('plan.hold.order', { wave: hold.wave ?? 1 });
    case 'time':
      return tr.with(PLAN_WORDS).t('plan.hold.time', { when: slackDate(new Date(hold.opensAt ?? 0)) });
    default:
      return hold.holder
        ? tr.with(PLAN_WORDS).t('plan.hold.holder', {
            wave: hold.wave ?? 1,
            name: escapeMrkdwn(truncate(hold.holder.name, 60)),
            connection: code(hold.holder.connection),
            state: stateWord(hold.holder.state, tr),
          })
        : tr.with(PLAN_WORDS).t('plan.hold.order', { wave: hold.wave ?? 1 });
  }
}

/**
 * A closed wave's mark: red only when a failure holds it; a wave waiting its turn (the plan not
 * started, an earlier wave still running, its time not come) is white, a paused plan's is paused.
 */
function waitMark(hold: WaveHold | undefined): string {
  if (hold?.holder?.state === 'failed') return ':red_circle:';
  if (hold?.on === 'paused') return ':double_vertical_bar:';
  if (hold?.on === 'cancelled') return ':black_circle:';
  return ':white_circle:';
}

/** When a closed wave is expected to open, or why the card cannot say (a time gate says its own). */
function opensWords(eta: OpensEta | undefined, hold: WaveHold | undefined, tr: Translator): string[] {
  if (!eta || hold?.on === 'time') return [];
  const text =
    'at' in eta
      ? tr.with(PLAN_WORDS).t('plan.eta.opens', { when: slackDate(new Date(eta.at)) })
      : tr.with(PLAN_WORDS).t(`plan.eta.${eta.why}`);
  return [`:hourglass_flowing_sand: ${text}`];
}

function waveText(w: WaveView, tr: Translator, opens?: OpensEta): string {
  const head = `*${tr.with(PLAN_WORDS).t('plan.card.wave', { n: w.n })}* · ${gateWords(w.gate, tr)}`;
  const where = [
    w.openedAt !== undefined
      ? `:large_green_circle: ${tr.with(PLAN_WORDS).t('plan.wave.open', { when: slackDate(new Date(w.openedAt)) })}`
      : `${waitMark(w.hold)} ${w.hold ? holdWords(w.hold, tr) : ''}`,
    ...opensWords(opens, w.hold, tr),
  ].join('\n');
  if (w.held && tr.has(w.held.key)) {
    const values = Object.fromEntries(
      Object.entries(w.held.values).map(([k, v]) => [k, typeof v === 'string' ? escapeMrkdwn(v) : v]),
    );
    const why = tr.t(w.held.key, values);
    return [
      head,
      where,
      tr.with(PLAN_WORDS).t('plan.wave.held', { n: w.n, why }),
      ...w.resources.map((l) => resourceLine(l, tr)),
    ]
      .slice(0, LINES_PER_WAVE + 3)
      .join('\n');
  }
  if (w.resources.length <= LINES_PER_WAVE)
    return [head, where, ...w.resources.map((l) => resourceLine(l, tr))].join('\n');
  // Long waves collapse to counts per state; the failed ones are still named.
  const counts = new Map<string, number>();
  for (const l of w.resources) counts.set(l.state, (counts.get(l.state) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${stateWord(state, tr)} ${tr.count(n)}`).join(' · ');
  const failed = w.resources.filter((l) => l.state === 'failed').slice(0, 5);
  return [head, where, summary, ...failed.map((l) => resourceLine(l, tr))].join('\n');
}

/** Names for a confirmation dialog (Slack allows 300 characters there). */
function names(lines: readonly ResourceLine[]): string {
  return truncate(lines.map((l) => l.name).join(', '), 180);
}

/** A migration of a provider whose runs cannot be paused and report states only (UpCloud's jobs). */
function runsToEnd(line: ResourceLine): boolean {
  return providerDefinitions().find((d) => d.id === line.provider)?.runsToEnd === true;
}

/**
 * A job of such a provider that gave no byte or object counts when last read: the totals leave
 * it out, and the card says why. One that gives them is counted like any other (a planned one
 * has none yet, of any provider).
 */
function uncounted(line: ResourceLine): boolean {
  return (
    runsToEnd(line) &&
    line.state !== 'planned' &&
    line.bytes?.total === undefined &&
    line.objects?.total === undefined
  );
}

/** What Pause plan would touch, and what it cannot (UpCloud jobs): the confirmation says both. */
export function pauseTargets(view: PlanView): { touch: ResourceLine[]; cannot: ResourceLine[] } {
  const live = view.waves.flatMap((w) => w.resources).filter((l) => PAUSABLE.has(l.state));
  return {
    touch: live.filter((l) => !runsToEnd(l)),
    cannot: live.filter(runsToEnd),
  };
}

function confirm(title: string, text: string, tr: Translator) {
  return {
    title: { type: 'plain_text', text: truncate(title, 100) },
    text: { type: 'plain_text', text: truncate(text, 300) },
    confirm: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.confirm.go') },
    deny: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.confirm.back') },
  };
}

function buttons(view: PlanView, tr: Translator): unknown[] {
  if (view.status === 'cancelled' || view.status === 'ended') return [];
  const out: unknown[] = [];
  const value = view.id;
  if (view.status === 'draft' && view.start)
    out.push({
      type: 'button',
      action_id: PLAN_ACTIONS.start,
      value,
      style: 'primary',
      text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.start') },
      confirm: confirm(
        tr.with(PLAN_WORDS).t('plan.button.start'),
        startConfirmText(view.name, view.start, tr),
        tr,
      ),
    });
  if (view.status === 'running') {
    const { touch, cannot } = pauseTargets(view);
    const text = [
      tr.with(PLAN_WORDS).t('plan.confirm.pause', { n: touch.length, list: names(touch) }),
      ...(cannot.length > 0
        ? [tr.with(PLAN_WORDS).t('plan.confirm.cannotPause', { list: names(cannot) })]
        : []),
    ]
      .join(' ')
      // Chinese sentences end in a full stop that needs no space after it.
      .replace(/([。！？]) /gu, '$1');
    out.push({
      type: 'button',
      action_id: PLAN_ACTIONS.pause,
      value,
      text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.pause') },
      confirm: confirm(tr.with(PLAN_WORDS).t('plan.button.pause'), text, tr),
    });
  }
  if (view.status === 'paused')
    out.push({
      type: 'button',
      action_id: PLAN_ACTIONS.resume,
      value,
      text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.resume') },
      confirm: confirm(
        tr.with(PLAN_WORDS).t('plan.button.resume'),
        tr.with(PLAN_WORDS).t('plan.confirm.resume', { n: view.paused }),
        tr,
      ),
    });
  out.push({
    type: 'button',
    action_id: PLAN_ACTIONS.cancel,
    value,
    style: 'danger',
    text: { type: 'plain_text', text: tr.with(PLAN_WORDS).t('plan.button.cancel') },
    confirm: confirm(
      tr.with(PLAN_WORDS).t('plan.button.cancel'),
      sentences(cancelWords(view, tr, (lines) => truncate(names(lines), 90))),
      tr,
    ),
  });
  return out;
}

/** The plan card (pure): each wave with its gate and what holds it, the totals, its buttons. */
export function renderPlanCard(view: PlanView, tr: Translator, now: number): CapabilityRendered {
  const opens = opensEtas(view, runsToEnd, now);
  const t = view.totals;
  const title = tr.with(PLAN_WORDS).t('plan.card.title', {
    name: escapeMrkdwn(truncate(view.name, 80)),
    id: code(view.id),
    status: tr.with(PLAN_WORDS).t(`plan.status.${view.status}`),
  });
  const totals = [
    tr.with(PLAN_WORDS).t('plan.card.totals', {
      moved: tr.bytes(t.bytesDone),
      left: tr.bytes(t.bytesLeft),
      objectsMoved: tr.count(t.objectsDone),
      objectsLeft: tr.count(t.objectsLeft),
    }),
    tr.with(PLAN_WORDS).t('plan.card.counts', {
      succeeded: t.succeeded,
      total: t.resources,
      failed: t.failed,
      unsigned: t.unsigned,
    }),
  ];
  const eta = openEta(view);
  if (eta.at !== undefined || eta.unknown > 0)
    totals.push(
      eta.at !== undefined
        ? tr.with(PLAN_WORDS).t('plan.card.eta', { when: slackDate(new Date(eta.at)), unknown: eta.unknown })
        : tr.with(PLAN_WORDS).t('plan.card.etaUnknown', { unknown: eta.unknown }),
    );
  const context: string[] = [tr.with(PLAN_WORDS).t('plan.card.owner', { user: `<@${view.owner}>` })];
  if (view.waves.some((w) => w.resources.some(uncounted)))
    context.push(tr.with(PLAN_WORDS).t('plan.card.statesOnly'));
  if (view.paused > 0 && view.status === 'paused')
    context.push(tr.with(PLAN_WORDS).t('plan.card.paused', { n: view.paused }));
  if (view.status === 'cancelled' && view.closedBy)
    context.push(tr.with(PLAN_WORDS).t('plan.card.cancelled', { user: `<@${view.closedBy}>` }));
  context.push(...approvalContext(view, tr));
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    { type: 'section', text: { type: 'mrkdwn', text: totals.join('\n') } },
    ...view.waves.map((w) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(waveText(w, tr, opens.get(w.n)), 2900) },
    })),
    ...(view.waves.length === 0
      ? [{ type: 'section', text: { type: 'mrkdwn', text: tr.with(PLAN_WORDS).t('plan.card.empty') } }]
      : []),
    { type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  const actions = [...approvalButtons(view, tr), ...buttons(view, tr)];
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: `plan:${view.id}`, elements: actions });
  return { text: `${title} — ${totals[1]}`, blocks };
}
