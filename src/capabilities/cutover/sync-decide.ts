import { channelScope } from '../../access/policy.js';
import { InvalidInputError } from '../../errors.js';
import { slackDate } from '../../slack/blocks/format.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import type { CutoverState } from './state.js';
import {
  ACTIVE_SET,
  changeSchedule,
  dueAt,
  readSchedule,
  resourceKey,
  type SyncSchedule,
} from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/**
 * Approve or Reject under a keep-in-sync request: an approver in the resource's channel, not the
 * requester. The decision is one compare-and-set (pending → active or stopped), so two approvers
 * clicking at once decide once; approved, the approver's approval stands for every run.
 */
export function decideSync(of: () => CutoverState, approve: boolean) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const id = String(args.action.value ?? '');
    const found = /^[a-f0-9]{10}$/.test(id) ? await readSchedule(s.core.state, ctx.teamId, id) : undefined;
    await ctx.require(
      'approve',
      channelScope(found?.channel ?? ctx.channelId),
      'decide keeping a migration in sync',
    );
    if (!found) throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.refused.decided', { status: 'gone' });
    if (approve && found.requester === ctx.userId)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.refused.self');
    const now = s.core.clock.now();
    const ref = `${found.connection}:${found.resourceId}`;
    const decided = await ctx.audited(approve ? 'cutover.sync.approve' : 'cutover.sync.reject', ref, () =>
      decideOne(s, ctx.teamId, found, approve, ctx.userId, now),
    );
    if (!decided)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.refused.decided', { status: found.status });
    const t = (await ctx.translator('channel')).with(CUTOVER_WORDS);
    const text = approve
      ? t.t('cutover.approved', {
          approver: `<@${ctx.userId}>`,
          ref: code(ref),
          every: decided.everyH,
          until: slackDate(new Date(decided.until)),
          max: decided.max,
          first: slackDate(new Date(dueAt(decided, 1))),
        })
      : t.t('cutover.rejected', { approver: `<@${ctx.userId}>`, ref: code(ref) });
    await ctx.reply({ text, share: true, replaceOriginal: true });
  });
}

/**
 * One schedule decided by one compare-and-set (pending → active or stopped): approved, it joins the
 * job's set; rejected, its resource is free again. Undefined when it was decided already.
 */
export async function decideOne(
  s: CutoverState,
  team: string,
  found: SyncSchedule,
  approve: boolean,
  user: string,
  now: number,
): Promise<SyncSchedule | undefined> {
  const decided = await changeSchedule(s.core.state, team, found.id, (c) =>
    c.status !== 'pending'
      ? undefined
      : approve
        ? { ...c, status: 'active', approvedBy: user, approvedAt: now }
        : {
            ...c,
            status: 'stopped',
            approvedBy: user,
            stopped: { why: 'rejected', at: now, detail: 'rejected' },
          },
  );
  if (!decided) return undefined;
  if (approve) await s.core.state.setAdd(ACTIVE_SET, `${team}:${found.id}`);
  else
    await s.core.state.update(resourceKey(team, found.connection, found.resourceId), (v) =>
      v === found.id ? undefined : v,
    );
  return decided;
}
