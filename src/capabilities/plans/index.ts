import type { Capability } from '../../contract/capability.js';
import { NotFoundError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { planApprovalButtons } from './plan-approval-buttons.js';
import {
  type ApprovalPostView,
  renderApprovalPost,
  renderWithdrawn,
  type WithdrawnView,
} from './plan-approval-post.js';
import { planButtons } from './plan-buttons.js';
import { renderPlanCard } from './plan-card.js';
import { planCommand } from './plan-command.js';
import { type PlansHome, plansHome, renderPlansHome } from './plan-home.js';
import { planForm } from './plan-planned.js';
import { type PlanReport, renderPlanReport } from './plan-report.js';
import { CAPABILITY, gatePass, startPlans } from './plan-service.js';
import { planSignOff } from './plan-signoff.js';
import type { PlanView } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/** What a plan writes on each of its resources' watches: its card line names the plan and wave. */
interface PlanFact {
  id: string;
  name: string;
  wave: number;
}

/**
 * Plans (ADR 0017): an estate migrated in waves. `/migrate plan …` builds a plan of
 * existing migrations; the gate job opens each wave once across replicas and starts what it
 * holds as the plan's owner; the plan card is a living post drawn from the watcher's facts through
 * the one outbox.
 */
export const plans: Capability = {
  name: CAPABILITY,
  words: PLAN_WORDS,
  start(core) {
    const s = startPlans(core);
    const stateOf = () => s;
    return {
      state: s,
      commands: { subcommands: [planCommand(stateOf)] },
      listeners: (routes, deps) => {
        planButtons(routes, stateOf);
        planSignOff(routes, deps, stateOf);
        planApprovalButtons(routes, stateOf);
      },
      createForm: planForm(s),
      // `GET /api/v1/plans[/{id}]`: the workspace's plans, for a viewer.
      http: {
        apiReads: [
          {
            path: 'plans',
            read: async (ctx) => {
              await ctx.require('view', ctx.here, 'see plans');
              return { items: await s.store.list(ctx.teamId) };
            },
          },
          {
            path: 'plans/:id',
            read: async (ctx, params) => {
              await ctx.require('view', ctx.here, 'see plans');
              const plan = await s.store.get(ctx.teamId, decodeURIComponent(params.id ?? ''));
              if (!plan) throw new NotFoundError(`No plan ${params.id ?? ''} in this workspace.`);
              return plan;
            },
          },
        ],
      },
      // Before each cycle polls, on one replica at a time (the lease); each wave opens by one
      // compare-and-set on its plan, so a second replica or a restart cannot open it again.
      jobs: [{ name: 'gates', cadence: 'before-cycle', replicas: 'lease', run: () => gatePass(s) }],
      card: {
        lines: (fact: unknown, tr: Translator) => {
          const f = fact as PlanFact;
          return [
            `:card_index_dividers: ${tr.with(PLAN_WORDS).t('plan.cardLine', { name: escapeMrkdwn(f.name), wave: f.wave })}`,
          ];
        },
      },
      posts: {
        render: (view, tr, now) => {
          const kind = (view as { kind?: string }).kind;
          if (kind === 'report') return renderPlanReport(view as PlanReport, tr);
          if (kind === 'home') return renderPlansHome(view as PlansHome, tr);
          if (kind === 'approval') return renderApprovalPost(view as ApprovalPostView, tr);
          if (kind === 'withdrawn') return renderWithdrawn(view as WithdrawnView, tr);
          return renderPlanCard(view as PlanView, tr, now);
        },
        home: (who) => plansHome(s, who),
      },
      cleanup: {
        async forgetWorkspace(teamId) {
          for (const plan of await s.store.list(teamId)) {
            await s.posts.forget(teamId, CAPABILITY, plan.id);
            for (let round = 1; round <= (plan.approval?.round ?? 0); round++)
              await s.posts.forget(teamId, CAPABILITY, `${plan.id}-approval-${round}`);
          }
          await s.store.forget(teamId);
        },
      },
    };
  },
};
