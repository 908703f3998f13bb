import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { PlansState } from './plan-service.js';
import { isOpen, type PlanStatus, waiting, wavesOf } from './plan-types.js';
import { PLAN_WORDS } from './words.js';

/** Plans shown on a Home tab: the open ones first, at most this many. */
const HOME_PLANS = 8;

/** What the Home tab shows of the workspace's plans (from the plan records only). */
export interface PlansHome {
  kind: 'home';
  plans: {
    id: string;
    name: string;
    channel: string;
    status: PlanStatus;
    waves: number;
    open: number;
    /** Its migrations as its card counts them: existing and planned alike. */
    n: number;
    /** Of them, planned (created once approved and their wave opens). */
    planned?: number;
  }[];
  more: number;
}

export async function plansHome(s: PlansState, who: { teamId: string }): Promise<PlansHome | undefined> {
  const all = await s.store.list(who.teamId);
  if (all.length === 0) return undefined;
  const sorted = [...all].sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)) || b.createdAt - a.createdAt);
  return {
    kind: 'home',
    plans: sorted.slice(0, HOME_PLANS).map((p) => ({
      id: p.id,
      name: p.name,
      channel: p.channel,
      status: p.status,
      waves: wavesOf(p).length,
      open: Object.values(p.waves).filter((m) => m.openedAt !== undefined).length,
      n: p.resources.length + waiting(p).length,
      planned: waiting(p).length,
    })),
    more: Math.max(0, sorted.length - HOME_PLANS),
  };
}

/** "Plans (3)", one line each: where its card is, its status, how many waves opened. */
export function renderPlansHome(home: PlansHome, tr: Translator): CapabilityRendered {
  const lines = home.plans.map((p) =>
    tr.with(PLAN_WORDS).t('plan.home.line', {
      id: code(p.id),
      name: `*${escapeMrkdwn(p.name)}*`,
      channel: `<#${p.channel}>`,
      status: tr.with(PLAN_WORDS).t(`plan.status.${p.status}`),
      open: p.open,
      waves: p.waves,
      n: p.n,
      planned: p.planned ?? 0,
    }),
  );
  if (home.more > 0) lines.push(tr.with(PLAN_WORDS).t('plan.home.more', { n: home.more }));
  const text = truncate(
    [`*${tr.with(PLAN_WORDS).t('plan.home.title')}* (${home.plans.length + home.more})`, ...lines].join('\n'),
    3000,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
