import type { KnownBlock } from '@slack/types';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { Translator } from '../../i18n/translator.js';
import { displayName, refBeside } from '../../slack/blocks/display-name.js';
import { slackDate } from '../../slack/blocks/format.js';
import { escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { stateWords } from '../../slack/blocks/state-words.js';
import { type SignOffStanding, signOffStanding } from './verification.js';
import { verificationOf } from './verification-fact.js';
import { VERIFICATION_WORDS } from './words.js';

/** Slack takes 50 blocks a message: a title, then one line each, the rest counted. */
const MAX_LINES = 45;

/**
 * `/migrate list unverified`: the runs the bot watched end, were verified and nobody
 * signed off, newest first, each with whether its counts add up. Empty, it says what did happen to
 * the runs it watched end (signed off, failed) or that none ended; either way, that a run that
 * ended unwatched has no verification and is not in it.
 */
export function renderUnverified(
  standing: SignOffStanding,
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  const records = standing.waiting;
  const scope = (failed: number): KnownBlock => ({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: tr.with(VERIFICATION_WORDS).t('verify.unverified.scope', { failed }) },
    ],
  });
  if (records.length === 0) {
    const counts = [
      ...(standing.signed > 0
        ? [tr.with(VERIFICATION_WORDS).t('verify.unverified.countSigned', { n: standing.signed })]
        : []),
      ...(standing.failed > 0
        ? [tr.with(VERIFICATION_WORDS).t('verify.unverified.countFailed', { n: standing.failed })]
        : []),
    ];
    const said = counts.length > 0 ? counts : [tr.with(VERIFICATION_WORDS).t('verify.unverified.noneEnded')];
    const text = [tr.with(VERIFICATION_WORDS).t('verify.unverified.none'), ...said].join('\n');
    // The failed runs are counted above: the scope need not name them again.
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, scope(0)] };
  }
  const at = (r: (typeof records)[number]) => verificationOf(r)?.at ?? 0;
  const newest = [...records].sort((a, b) => at(b) - at(a));
  const title = tr.with(VERIFICATION_WORDS).t('verify.unverified.title', { n: records.length });
  const lines = newest.slice(0, MAX_LINES).map((r) => {
    const report = verificationOf(r)!.report;
    const named = displayName(report.name, r.watch.origin?.title);
    return tr.with(VERIFICATION_WORDS).t('verify.unverified.line', {
      name: `*${escapeMrkdwn(truncate(named.lead, 120))}*`,
      ref: refBeside(`${report.connection}:${report.id}`, named),
      state: stateWords(report.state, tr),
      outcome: tr.with(VERIFICATION_WORDS).t(`verify.unverified.${report.outcome}`),
      at: slackDate(new Date(at(r))),
    });
  });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    ...lines.map(
      (line): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(line, 3000) } }),
    ),
  ];
  if (records.length > MAX_LINES)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `… +${records.length - MAX_LINES}` }],
    });
  blocks.push(scope(standing.failed));
  return { text: `${title.replaceAll('*', '')}`, blocks };
}

/**
 * `/migrate list unverified`: what the bot watched end in the workspace without a sign-off, from
 * the watches (no provider call); the answer says that runs that ended unwatched are not in it.
 */
export async function listUnverified(ctx: HandlerContext, share: boolean): Promise<void> {
  await ctx.require('view', ctx.here, 'see migrations');
  const tr = await ctx.translator(share ? 'channel' : 'person');
  const standing = signOffStanding(await ctx.deps.watcher.list(ctx.teamId));
  await ctx.reply({ ...renderUnverified(standing, tr), share });
}
