import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { parseBandwidthWindow } from '../../providers/bandwidth-grammar.js';
import type { BandwidthWindow } from '../../providers/types.js';
import { renderResourceCard } from '../../slack/blocks/resource-card.js';
import { parseRef, refuseShare } from '../../slack/command-text.js';
import { setBandwidth } from '../../use-cases/set-bandwidth.js';
import { BANDWIDTH_WORDS } from './words.js';

/** One word of `/migrate bandwidth` → a window, in the grammar the create forms use too. */
export function parseBandwidthWindowWord(word: string): BandwidthWindow {
  const window = parseBandwidthWindow(word);
  if (!window) {
    throw InvalidInputError.in(BANDWIDTH_WORDS, 'bandwidth.error.window', { typed: word.slice(0, 40) });
  }
  return window;
}

export const bandwidthCommand = defineSubcommand<{ ref: ResourceRef; windows: BandwidthWindow[] }>({
  name: 'bandwidth',
  needs: 'operate',
  aliases: ['limit'],
  usage: '/migrate bandwidth <id> HH:MM-HH:MM=<rate> …',
  summary: BANDWIDTH_WORDS.en['help.summary.bandwidth'],
  words: BANDWIDTH_WORDS,
  example: (f) =>
    `/migrate bandwidth ${f.id({ kinds: ['task', 'task-group'], states: ['running', 'queued', 'paused'] }) ?? '<id>'} 00:00-06:00=200MB/s`,
  related: ['status', 'pause'],
  parse: (args, share) => {
    refuseShare('bandwidth', share);
    const [refWord, ...windowWords] = args;
    if (windowWords.length === 0) {
      throw InvalidInputError.in(BANDWIDTH_WORDS, 'bandwidth.error.none');
    }
    const ref = parseRef('bandwidth', refWord ? [refWord] : []);
    const off = windowWords.length === 1 && windowWords[0]!.toLowerCase() === 'off';
    return { ref, windows: off ? [] : windowWords.map(parseBandwidthWindowWord) };
  },
  async run(ctx, { ref, windows }) {
    const { provider, resource } = await setBandwidth(ctx, { ref }, windows);
    const after = await provider.get(resource.kind, resource.id);
    const bot = await ctx.translator('person');
    const tr = bot.with(BANDWIDTH_WORDS);
    const summary = windows.length
      ? windows
          .map((w) =>
            tr.t('bandwidth.window', { start: w.start, end: w.end, rate: tr.bytes(w.maxBytesPerSecond) }),
          )
          .join(', ')
      : tr.t('bandwidth.noLimits');
    await ctx.reply({
      text: tr.t('bandwidth.set', { name: resource.name, summary }),
      blocks: renderResourceCard(after, provider.actionsFor(after), {
        notice: tr.t('bandwidth.setBy', { user: `<@${ctx.userId}>`, summary, op: `\`${ctx.opId}\`` }),
        now: ctx.deps.clock.now(),
        tr: bot,
      }),
    });
  },
});
