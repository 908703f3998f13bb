import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, View } from '@slack/types';
import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler, whoClicked } from '../../slack/button-handler.js';
import { type AppDeps, modalContext } from '../../slack/context.js';
import { runSafely } from '../../slack/intake/run-safely.js';
import { SKIP } from '../../store/atomic-kv.js';
import { findPlan } from './plan-command.js';
import { SIGN_OFF_PLAN } from './plan-report.js';
import { type PlansState, postReport, viewOf } from './plan-service.js';
import type { Plan } from './plan-types.js';
import type { PlanView } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/** The sign-off modal's callback id, and its note's block and action. */
export const SIGN_OFF_VIEW = 'plan.signoff.note';
const NOTE_BLOCK = 'plan-signoff-note';
const NOTE_ACTION = 'note';
const NOTE_MAX = 500;

type StateOf = (ctx: HandlerContext) => PlansState;

/** Who may sign it off, checked before the modal and again on its submission. */
async function check(ctx: HandlerContext, plan: Plan): Promise<void> {
  await ctx.require('operate', channelScope(plan.channel), 'sign off a plan');
  if (plan.status !== 'ended')
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.notEnded', { name: escapeMrkdwn(plan.name) });
  if (ctx.userId === plan.owner) throw InvalidInputError.in(PLAN_WORDS, 'plan.error.ownerSignoff');
  if (plan.signedOff)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.signedAlready', { user: `<@${plan.signedOff.by}>` });
}

/** What signing it off records, with the report's own figures (the view the report is drawn from). */
export function signOffIntro(view: PlanView, tr: Translator): string {
  const t = view.totals;
  return tr.with(PLAN_WORDS).t('plan.signoff.intro', {
    name: escapeMrkdwn(truncate(view.name, 80)),
    n: t.resources,
    waves: view.waves.length,
    succeeded: t.succeeded,
    failed: t.failed,
    moved: tr.bytes(t.bytesDone),
  });
}

function modal(plan: Plan, view: PlanView, tr: Translator): View {
  const w = tr.with(PLAN_WORDS);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: signOffIntro(view, tr) } },
    {
      type: 'input',
      block_id: NOTE_BLOCK,
      optional: true,
      label: { type: 'plain_text', text: w.t('plan.signoff.note') },
      element: {
        type: 'plain_text_input',
        action_id: NOTE_ACTION,
        multiline: true,
        max_length: NOTE_MAX,
        placeholder: { type: 'plain_text', text: w.t('plan.signoff.notePlaceholder') },
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: SIGN_OFF_VIEW,
    private_metadata: plan.id,
    title: { type: 'plain_text', text: truncate(w.t('plan.button.signoff'), 24) },
    submit: { type: 'plain_text', text: truncate(w.t('plan.button.signoff'), 24) },
    close: { type: 'plain_text', text: tr.t('modal.cancel') },
    blocks,
  };
}

/** Records the sign-off once (compare-and-set), with its note; the report is redrawn saying who. */
async function signOff(ctx: HandlerContext, s: PlansState, plan: Plan, note: string, tr: Translator) {
  await check(ctx, plan);
  const at = ctx.deps.clock.now();
  const signed = await ctx.audited('plan.signoff', plan.id, async () =>
    s.store.change(ctx.teamId, plan.id, (p) =>
      p.signedOff ? SKIP : { ...p, signedOff: { by: ctx.userId, at, ...(note ? { note } : {}) } },
    ),
  );
  if (!signed) {
    const now = await s.store.get(ctx.teamId, plan.id);
    return tr.with(PLAN_WORDS).t('plan.signedAlready', { user: `<@${now?.signedOff?.by ?? '?'}>` });
  }
  await postReport(s, signed, await viewOf(s, signed));
  return tr.with(PLAN_WORDS).t('plan.signedNow', { name: `*${escapeMrkdwn(plan.name)}*` });
}

/**
 * Sign off plan, on its report once it ended: someone other than its owner (two-person rule),
 * once. The button checks first (a refusal comes at once), then a modal says what is signed off,
 * with the report's figures, and asks for a note; its submission records it.
 */
export function planSignOff(routes: ListenerRoutes, deps: AppDeps, stateOf: StateOf): void {
  routes.action<BlockAction<ButtonAction>>(
    SIGN_OFF_PLAN,
    buttonHandler(async (ctx, args) => {
      const s = stateOf(ctx);
      const plan = await findPlan(ctx, s, String(args.action.value ?? '').slice(0, 20));
      await check(ctx, plan);
      const tr = await ctx.translator('person');
      await deps.slack.sender
        .to(ctx.teamId, { client: args.client })
        .openView(args.body.trigger_id, modal(plan, await viewOf(s, plan), tr));
    }),
  );
  routes.view<ViewSubmitAction>(SIGN_OFF_VIEW, async ({ ack, body, view }) => {
    await ack();
    const { teamId, userId } = whoClicked(body);
    const id = view.private_metadata.slice(0, 20);
    const note = (view.state.values[NOTE_BLOCK]?.[NOTE_ACTION]?.value ?? '').trim().slice(0, NOTE_MAX);
    const probe = modalContext(deps, { teamId, userId, what: SIGN_OFF_VIEW });
    const s = stateOf(probe);
    const plan = await s.store.find(teamId, id);
    const ctx = modalContext(deps, {
      teamId,
      userId,
      ...(plan ? { channelId: plan.channel } : {}),
      what: SIGN_OFF_VIEW,
    });
    await runSafely(ctx, async () => {
      const found = plan ?? (await findPlan(ctx, s, id));
      await ctx.reply({ text: await signOff(ctx, s, found, note, await ctx.translator('person')) });
    });
  });
}
