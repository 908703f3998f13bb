import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { View } from '@slack/types';
import { channelScope, grantApplies } from '../../access/policy.js';
import { roleAllows } from '../../access/roles.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler, whoClicked } from '../../slack/button-handler.js';
import { type AppDeps, handlerContextOf, inChannel } from '../../slack/context.js';
import { runSafely } from '../../slack/intake/run-safely.js';
import { showCut } from './cut-post.js';
import { type Cutover, changeCut, moveStep, passed, readCut, STEPS } from './cut-record.js';
import { audit, say } from './cut-say.js';
import { release } from './cut-steps.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

export const OVERRIDE_VIEW = 'cutover.cut.override.form';
const REASON_MIN = 10;
const REASON_MAX = 500;

type Key = keyof (typeof CUTOVER_WORDS)['en'];
const bad = (key: Key, values?: Record<string, string | number>) =>
  InvalidInputError.in(CUTOVER_WORDS, key, values);

/** The cut-over a button names, with the policy asked in its channel (`approve` or `operate`). */
async function pressed(
  ctx: HandlerContext,
  s: CutoverState,
  value: unknown,
  needs: 'approve' | 'operate',
  what: string,
) {
  const id = String(value ?? '');
  const cut = /^[a-f0-9]{10}$/.test(id) ? await readCut(s.core.state, ctx.teamId, id) : undefined;
  await ctx.require(needs, channelScope(cut?.channel ?? ctx.channelId), what);
  if (!cut) throw bad('cutover.cut.refused.gone');
  if (cut.status !== 'running') throw bad('cutover.cut.refused.ended', { status: cut.status });
  return cut;
}

/** At most this many approvers are named to the starter (the grants' order). */
const NAMED_MAX = 5;

/**
 * Whom the starter may ask: the people and groups granted approver or above in the cut-over's
 * channel (or everywhere), not the starter; none granted, who can grant it. Workspace admins by
 * Slack's flag are approvers too, but Slack lists them only by reading every member: not named.
 */
async function whomToAsk(s: CutoverState, cut: Cutover, tr: Translator): Promise<string> {
  const t = tr.with(CUTOVER_WORDS);
  const scope = channelScope(cut.channel);
  const grants = await s.core.access.grants.list(cut.team);
  const who = grants
    .filter((g) => roleAllows(g.role, 'approve') && grantApplies(g.channel, scope))
    .filter((g) => !(g.subject.kind === 'user' && g.subject.id === cut.starter))
    .map((g) => (g.subject.kind === 'user' ? `<@${g.subject.id}>` : `<!subteam^${g.subject.id}>`));
  const named = [...new Set(who)].slice(0, NAMED_MAX);
  const channel = `<#${cut.channel}>`;
  if (named.length === 0) return t.t('cutover.cut.ask.none', { channel });
  return t.t('cutover.cut.ask.who', { who: named.join(', '), channel });
}

/** The two-person rule: the person who started the cut-over may not sign it off nor override it. */
async function notStarter(
  ctx: HandlerContext,
  s: CutoverState,
  cut: Cutover,
  key: 'cutover.cut.refused.selfSign' | 'cutover.cut.refused.selfOverride',
) {
  if (cut.starter !== ctx.userId) return;
  const ask = await whomToAsk(s, cut, await ctx.translator('person'));
  throw bad(key, { starter: `<@${cut.starter}>`, ask });
}

/** Sign off: an approver in the cut-over's channel who did not start it, once (one compare-and-set). */
export function signOffCut(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const cut = await pressed(ctx, s, args.action.value, 'approve', 'sign a cut-over off');
    await notStarter(ctx, s, cut, 'cutover.cut.refused.selfSign');
    const now = s.core.clock.now();
    const signed = await moveStep(
      s.core.state,
      cut,
      'signoff',
      ['running'],
      { state: 'green', at: now },
      () => ({
        signoff: { by: ctx.userId, at: now },
      }),
    );
    if (!signed) throw bad('cutover.cut.refused.notDue');
    await audit(s, signed, 'cutover.step', 'signoff:green', ctx.userId);
    await showCut(s, signed);
    const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
    await ctx.reply({
      text: t.t('cutover.cut.signedYou', { ref: code(`${cut.connection}:${cut.resourceId}`) }),
    });
  });
}

/** The override's form: what it does, who may submit it (the policy asks again at submit), the reason. */
function overrideView(tr: Translator, cut: Cutover): View {
  const t = tr.with(CUTOVER_WORDS);
  const who = t.t('cutover.cut.override.who', { channel: `<#${cut.channel}>`, starter: `<@${cut.starter}>` });
  return {
    type: 'modal',
    callback_id: OVERRIDE_VIEW,
    private_metadata: cut.id,
    title: { type: 'plain_text', text: t.t('cutover.cut.override.title') },
    submit: { type: 'plain_text', text: t.t('cutover.cut.override.submit') },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${t.t('cutover.cut.override.says')}\n${who}` } },
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: t.t('cutover.cut.override.reason') },
        element: {
          type: 'plain_text_input',
          action_id: 'reason',
          multiline: true,
          min_length: REASON_MIN,
          max_length: REASON_MAX,
        },
      },
    ],
  } as View;
}

/** Override…: refused to the starter (with whom to ask) before any form opens; an approver gets the form. */
export function openOverride(deps: AppDeps, of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const cut = await pressed(ctx, s, args.action.value, 'approve', 'override a cut-over step');
    await notStarter(ctx, s, cut, 'cutover.cut.refused.selfOverride');
    if (cut.steps.check.state !== 'red') throw bad('cutover.cut.refused.notDue');
    const tr = await ctx.translator('person');
    await deps.slack.sender
      .to(ctx.teamId, { client: args.client })
      .openView(args.body.trigger_id, overrideView(tr, cut));
  });
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The written reason submitted: the policy and the two-person rule asked again, the red check
 * overridden in one compare-and-set (two approvers at once: one wins), audited and said in the thread.
 */
export function overrideSubmission(_deps: AppDeps, of: () => CutoverState) {
  return async ({ ack, body, view, context }: SubmitArgs): Promise<void> => {
    await ack();
    const { teamId, userId } = whoClicked(body);
    const s = of();
    const id = view.private_metadata;
    const reason = (view.state.values.reason?.reason?.value ?? '').trim();
    const found = /^[a-f0-9]{10}$/.test(id) ? await readCut(s.core.state, teamId, id) : undefined;
    const ctx = inChannel(handlerContextOf(context), found?.channel);
    await runSafely(ctx, async () => {
      const cut = await pressed(ctx, s, id, 'approve', 'override a cut-over step');
      await notStarter(ctx, s, cut, 'cutover.cut.refused.selfOverride');
      // Slack holds a shorter reason in the form; one that comes anyway is refused, nothing changed.
      if (reason.length < REASON_MIN) throw bad('cutover.cut.override.short', { min: REASON_MIN });
      const now = s.core.clock.now();
      const text = reason.slice(0, REASON_MAX);
      const moved = await ctx.audited(
        'cutover.overridden',
        `${cut.connection}:${cut.kind}:${cut.resourceId}`,
        () =>
          moveStep(
            s.core.state,
            cut,
            'check',
            ['red'],
            { ...cut.steps.check, state: 'override', at: now },
            () => ({
              override: { by: userId, reason: text, at: now },
            }),
          ),
      );
      if (!moved) throw bad('cutover.cut.refused.notDue');
      await say(s, moved, 'override', 'cutover.cut.overrideSaid', { by: `<@${userId}>`, reason: code(text) });
      await showCut(s, moved);
      const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
      await ctx.reply({ text: t.t('cutover.cut.overriddenYou') });
    });
  };
}

/**
 * Abort (its confirm dialog says what it does): operate in the cut-over's channel, one
 * compare-and-set to aborted, the migration freed for a new cut-over; what has happened and what
 * has not is said in the thread, from the steps as they were.
 */
export function abortCut(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const cut = await pressed(ctx, s, args.action.value, 'operate', 'abort a cut-over');
    const now = s.core.clock.now();
    const aborted = await changeCut(s.core.state, cut.team, cut.id, (c) =>
      c.status === 'running' ? { ...c, status: 'aborted', aborted: { by: ctx.userId, at: now } } : undefined,
    );
    if (!aborted) throw bad('cutover.cut.refused.ended', { status: 'ended' });
    await release(s, aborted);
    await audit(s, aborted, 'cutover.aborted', stepsSaid(aborted), ctx.userId);
    const t = await s.core.locales.translatorForChannel(cut.team, cut.channel);
    const w = t.with(CUTOVER_WORDS);
    const label = (n: (typeof STEPS)[number]) => w.t(`cutover.cut.step.${n}`, { freeze: aborted.freezeMin });
    const done = STEPS.filter((n) => passed(aborted.steps[n]) || aborted.steps[n].state === 'red').map(label);
    const running = STEPS.filter((n) => aborted.steps[n].state === 'running').map(label);
    const none = STEPS.filter((n) => aborted.steps[n].state === 'waiting').map(label);
    await say(s, aborted, 'abort', 'cutover.cut.aborted', {
      by: `<@${ctx.userId}>`,
      done: done.join('; ') || '—',
      running: running.join('; ') || '—',
      none: none.join('; ') || '—',
    });
    await showCut(s, aborted);
    const me = (await ctx.translator('person')).with(CUTOVER_WORDS);
    await ctx.reply({
      text: me.t('cutover.cut.abortedYou', { ref: code(`${cut.connection}:${cut.resourceId}`) }),
    });
  });
}

const stepsSaid = (c: Cutover) => STEPS.map((n) => `${n}:${c.steps[n].state}`).join(' ');
