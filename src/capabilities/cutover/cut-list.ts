import type { HandlerContext } from '../../contract/handler-context.js';
import type { ApiRead } from '../../contract/http.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { CUT_ACTIVE, type Cutover, readCut, STEPS, stateKey } from './cut-record.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

/** At most this many cut-overs are listed (a workspace has a few at once; the rest are counted). */
const LIST_MAX = 50;

/** The cut-overs of a workspace in progress, read from the store only (bounded). */
export async function cutsInProgress(kv: AtomicKv, team: string): Promise<{ cuts: Cutover[]; more: number }> {
  const ids = (await kv.setMembers(CUT_ACTIVE))
    .filter((m) => m.startsWith(`${team}:`))
    .map((m) => m.slice(team.length + 1))
    .sort();
  const cuts: Cutover[] = [];
  for (const id of ids.slice(0, LIST_MAX)) {
    const cut = await readCut(kv, team, id);
    if (cut?.status === 'running') cuts.push(cut);
  }
  return { cuts, more: Math.max(0, ids.length - LIST_MAX) };
}

/** The step a cut-over is at: the first not done yet. */
export const stepAt = (c: Cutover) =>
  STEPS.find((n) => !['green', 'override', 'skipped'].includes(c.steps[n].state)) ?? 'complete';

/** `/migrate cutover list`: who started each, in which channel, at which step and its state. */
export async function listCuts(ctx: HandlerContext, s: CutoverState): Promise<void> {
  await ctx.require('view', ctx.here, 'see cut-overs');
  const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
  const { cuts, more } = await cutsInProgress(s.core.state, ctx.teamId);
  if (cuts.length === 0) return ctx.reply({ text: t.t('cutover.cut.list.none') });
  const lines = cuts.map((c) => {
    const at = stepAt(c);
    return t.t('cutover.cut.list.line', {
      name: escapeMrkdwn(c.name),
      ref: code(`${c.connection}:${c.resourceId}`),
      channel: `<#${c.channel}>`,
      starter: `<@${c.starter}>`,
      step: t.t(`cutover.cut.step.${at}`, { freeze: c.freezeMin }),
      state: t.t(stateKey(at, c.steps[at].state)),
    });
  });
  if (more > 0) lines.push(t.t('cutover.cut.list.more', { n: more }));
  await ctx.reply({ text: `${t.t('cutover.cut.list.head', { n: cuts.length })}\n${lines.join('\n')}` });
}

/** `GET /api/v1/cutovers`: the workspace's cut-overs in progress, each step's state (docs: openapi.json). */
export function cutsApiRead(s: CutoverState): ApiRead {
  return {
    path: 'cutovers',
    read: async (ctx: UseCaseContext) => {
      await ctx.require('view', ctx.here, 'see cut-overs');
      const { cuts, more } = await cutsInProgress(s.core.state, ctx.teamId);
      return {
        cutovers: cuts.map((c) => ({
          id: c.id,
          resource: { connection: c.connection, kind: c.kind, id: c.resourceId, name: c.name },
          channel: c.channel,
          startedBy: c.starter,
          startedAt: new Date(c.startedAt).toISOString(),
          freezeMinutes: c.freezeMin,
          status: c.status,
          steps: STEPS.map((name) => ({ name, state: c.steps[name].state })),
          ...(c.check ? { check: c.check } : {}),
          ...(c.override ? { override: { by: c.override.by, reason: c.override.reason } } : {}),
          ...(c.signoff ? { signedBy: c.signoff.by } : {}),
        })),
        more,
      };
    },
  };
}
