import type { KnownBlock } from '@slack/types';
import { defineSubcommand } from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import type { MessageKey } from '../../../../i18n/translator.js';
import { brokenFixParts } from '../../../../watcher/outbox/broken-channel.js';
import { titleOf } from '../../../../watcher/outbox/notification.js';
import { displayName, refBeside } from '../../../blocks/display-name.js';
import { MESSAGE_TEXT_BUDGET, packLines } from '../../../blocks/message-budget.js';
import { context, escapeMrkdwn, section, truncate } from '../../../blocks/mrkdwn.js';
import { stateLabelIn } from '../../../blocks/state-words.js';
import { brokenLabel } from '../../../blocks/watch-notices.js';
import { channelOnly } from '../../../command-text.js';

const MAX_SECTIONS = 40;

export const watchesCommand = defineSubcommand<{ channel?: string; share: boolean }>({
  name: 'watches',
  needs: 'view',
  aliases: ['watching'],
  usage: '/migrate watches [#channel]',
  summary: "What this workspace watches, by channel, with each resource's last known state.",
  example: () => '/migrate watches',
  related: ['watch', 'unwatch', 'subscriptions'],
  parse: (args, share) => channelOnly(args, share, () => InvalidInputError.of('watches.error.args')),
  async run(ctx, { channel, share }) {
    await ctx.require('view', ctx.here, 'see watches');
    // A subscription's own watches are listed by `/migrate subscriptions`, not one by one here.
    const records = (await ctx.deps.watcher.list(ctx.teamId, channel)).filter((r) => r.explicit || !r.via);
    // Shared in the channel: its language; otherwise the asker's.
    const tr = await ctx.translator(share ? 'channel' : 'person');
    if (records.length === 0) {
      await ctx.reply({
        text: channel
          ? tr.t('watches.noneIn', {
              channel: `<#${channel}>`,
              start: `\`/migrate watch <id> <#${channel}>\``,
            })
          : tr.t('watches.none'),
        share,
      });
      return;
    }
    const byChannel = new Map<string, typeof records>();
    for (const r of records)
      byChannel.set(r.watch.channelId, [...(byChannel.get(r.watch.channelId) ?? []), r]);
    const blocks: KnownBlock[] = [];
    // The whole message stays within what Slack takes (see message-budget.ts); what is left out is counted.
    let budget = MESSAGE_TEXT_BUDGET;
    let notShown = 0;
    for (const [channelId, list] of byChannel) {
      const lines = list.map((r) => {
        const s = r.snapshot;
        const state =
          r.state === 'gone' ? `:grey_question: ${tr.t('watch.digest.gone')}` : stateLabelIn(s.state, tr);
        const progress = s.progress !== undefined && r.state !== 'gone' ? ` ${tr.percent(s.progress)}` : '';
        const by = /^[UW][A-Z0-9]+$/.test(r.watch.by) ? tr.t('watches.by', { user: `<@${r.watch.by}>` }) : '';
        // Called what its card calls it: the requester's title, the provider's name by the ref.
        const named = displayName(s.name, titleOf(r));
        const line = `• ${escapeMrkdwn(truncate(named.lead, 80))} ${refBeside(`${r.watch.connection}:${r.watch.id}`, named)}: `;
        // A broken watch says so first: nothing reaches the channel until someone fixes it.
        if (r.broken) {
          const fix = brokenFixParts(r, r.broken.reason);
          const broken = tr.t('watches.broken', {
            why: brokenLabel(r.broken, tr),
            state: `${state}${progress}`,
          });
          return `${line}${broken}${by}\n    ${tr.t('watches.toFix', { fix: tr.t(fix.key as MessageKey, fix.values) })}`;
        }
        return `${line}${state}${progress}${by}`;
      });
      const packed = packLines([`*<#${channelId}>* (${list.length})`, ...lines], budget, {
        maxSections: MAX_SECTIONS - blocks.length,
      });
      for (const text of packed.sections) blocks.push(section(text));
      budget -= packed.used;
      notShown += Math.min(packed.left, lines.length);
    }
    if (notShown > 0) blocks.push(context(tr.t('watches.more', { n: notShown })));
    const broken = records.filter((r) => r.broken).length;
    const summary = tr.t('watches.summary', { n: records.length, c: byChannel.size });
    await ctx.reply({
      text: broken ? tr.t('watches.summaryBroken', { summary, b: broken }) : summary,
      blocks,
      share,
    });
  },
});
