import { slackDate } from '../../slack/blocks/format.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { asHolder, markOnce, takeStep } from './cut-lease.js';
import { showCut } from './cut-post.js';
import { type Cutover, readCut } from './cut-record.js';
import { audit, say } from './cut-say.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

/** What marks the freeze notice in the channel's history (Slack message metadata), to find it again. */
const NOTICE_EVENT = 'migrate_bot_notification';

/**
 * 1. The freeze notice, once: in the channel, in every card's thread of the migration, and
 * `cutover.started`. Taken from waiting, or over from a holder whose lease lapsed: each part is
 * said once whoever says it, so a redo says only what the holder that died had not said.
 */
export async function freezeStep(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const taken = await takeStep(s, cut, 'freeze', now);
  if (!taken) return;
  const { cut: mine, hold } = taken;
  await showCut(s, mine);
  // The freeze's end in each reader's own time zone (Slack's date token), counted from when the
  // step was first taken: a replica that takes it over says the same end as the one that died.
  const since = mine.steps.freeze.since ?? now;
  const ends = slackDate(new Date(since + cut.freezeMin * 60_000));
  const values = {
    ref: code(`${cut.connection}:${cut.resourceId}`),
    minutes: cut.freezeMin,
    ends,
    starter: `<@${cut.starter}>`,
  };
  // A plan's cut-over says its freeze once for the plan (plan-cut.ts), not once per migration.
  if (!cut.plan) await noticeOnce(s, mine, values);
  await say(s, cut, 'freeze', 'cutover.cut.freeze', values, false);
  if (await markOnce(s.core.state, cut, 'started'))
    await audit(s, mine, 'cutover.started', `freeze:${cut.freezeMin}`, cut.starter);
  const green = { state: 'green' as const, at: now, detail: ends };
  const done = await asHolder(s.core.state, cut, 'freeze', hold, () => green);
  if (!done) return;
  await audit(s, done, 'cutover.step', 'freeze:green', done.starter);
  await showCut(s, done);
}

/**
 * The channel's freeze notice, once across replicas and takeovers: claimed on the record before it
 * is posted, marked posted after. A claim left by a holder that died is looked for in the channel
 * (the notice carries its key): found, it is not posted again. When Slack cannot say, it is posted:
 * a notice said twice warns the same people; one never said lets them write during the freeze.
 */
export async function noticeOnce(s: CutoverState, cut: Cutover, values: Record<string, string | number>) {
  const kv = s.core.state;
  const key = `cutover-${cut.id}-freeze-notice`;
  const to = s.core.sender.to(cut.team, { purpose: 'background' });
  if (!(await markOnce(kv, cut, 'notice'))) {
    const now = await readCut(kv, cut.team, cut.id);
    if (now?.status !== 'running' || now.once?.includes('posted')) return;
    const oldest = (cut.startedAt / 1000).toFixed(6);
    const found = await to
      .findByMetadata({ channel: cut.channel, oldest, key })
      .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not look for a freeze notice'));
    if (found) {
      await markOnce(kv, cut, 'posted');
      return;
    }
  }
  const tr = (await s.core.locales.translatorForChannel(cut.team, cut.channel)).with(CUTOVER_WORDS);
  const posted = await to
    .post({
      channel: cut.channel,
      text: tr.t('cutover.cut.freeze', values),
      metadata: { event_type: NOTICE_EVENT, event_payload: { key } },
    })
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not post a freeze notice'));
  if (posted) await markOnce(kv, cut, 'posted');
}
