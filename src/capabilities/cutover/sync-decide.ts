import { channelScope } from '../../access/policy.js';
import { InvalidInputError } from '../../errors.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import type { CutoverState } from './state.js';
import { ACTIVE_SET, changeSchedule, dueAt, readSchedule, resourceKey } from './sync-record.js';
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
      changeSchedule(s.core.state, ctx.teamId, id, (c) =>
        c.status !== 'pending'
          ? undefined
          : approve
            ? { ...c, status: 'active', approvedBy: ctx.userId, approvedAt: now }
            : {
                ...c,
                status: 'stopped',
                approvedBy: ctx.userId,
                stopped: { why: 'rejected', at: now, detail: 'rejected' },
              },
      ),
    );
    if (!decided)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.refused.decided', { status: found.status });
    if (approve) await s.core.state.setAdd(ACTIVE_SET, `${ctx.teamId}:${id}`);
    else
      await s.core.state.update(resourceKey(ctx.teamId, found.connection, found.resourceId), (v) =>
        v === id ? undefined : v,
      );
    const t = (await ctx.translator('channel')).with(CUTOVER_WORDS);
    const text = approve
      ? t.t('cutover.approved', {
          approver: `<@${ctx.userId}>`,
          ref: code(ref),
          every: decided.everyH,
          until: new Date(decided.until).toISOString(),
          max: decided.max,
          first: new Date(dueAt(decided, 1)).toISOString(),
        })
      : t.t('cutover.rejected', { approver: `<@${ctx.userId}>`, ref: code(ref) });
    await ctx.reply({ text, share: true, replaceOriginal: true });
  });
}
