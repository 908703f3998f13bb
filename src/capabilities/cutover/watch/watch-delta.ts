import { channelScope } from '../../../access/policy.js';
import { InvalidInputError } from '../../../errors.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../../slack/button-handler.js';
import type { CutoverState } from '../state.js';
import { CUTOVER_WORDS } from '../words.js';
import { readWatch } from './watch-record.js';

/**
 * **Run one more delta** under a batch of stray writes: operate in the watch's channel, the next
 * delta planned by the provider (nothing created), and asked through the approvals like any run,
 * so the two-person rule, windows, freezes and quotas apply; the presser is told where it waits.
 */
export function watchDeltaButton(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    // The policy first, where it was pressed, before the watch is read; then in the watch's channel.
    await ctx.require('operate', ctx.here, 'ask for one more delta');
    const watch = await readWatch(s.core.state, String(args.action.value ?? '').slice(0, 40));
    if (!watch || watch.team !== ctx.teamId)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.watch.delta.gone');
    if (watch.channel !== ctx.channelId)
      await ctx.require('operate', channelScope(watch.channel), 'ask for one more delta');
    const ref = `${watch.connection}:${watch.resourceId}`;
    const connection = s.core.connections.get(ctx.teamId, watch.connection);
    const provider = s.core.connections.provider(connection, 'interactive');
    if (!provider.nextRun || !s.core.approvals)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.refused.provider', {
        provider: connection.provider,
      });
    const kind = watch.kind ?? 'task';
    const resource = await provider.get(kind, watch.resourceId);
    const next = await provider.nextRun(
      kind,
      watch.resourceId,
      `${resource.name} · after cut-over`.slice(0, 255),
    );
    const approvals = s.core.approvals;
    await ctx.audited('cutover.watch.delta', ref, () =>
      approvals.request({
        team: ctx.teamId,
        requester: ctx.userId,
        channel: watch.channel,
        connection: watch.connection,
        kind: next.kind,
        request: next.request,
        op: ctx.opId,
      }),
    );
    const tr = (await ctx.translator('person')).with(CUTOVER_WORDS);
    await ctx.reply({
      text: tr.t('cutover.watch.delta.asked', { ref: code(ref), channel: `<#${watch.channel}>` }),
    });
  });
}
