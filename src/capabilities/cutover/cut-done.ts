import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { cardOf } from '../../watcher/outbox/living-posts.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { showCut } from './cut-post.js';
import { CUT_ACTIVE, type Cutover, changeCut, passed, STEPS } from './cut-record.js';
import { audit, say } from './cut-say.js';
import type { CutoverState } from './state.js';
import { startOldBucketWatch } from './watch/old-bucket-watch.js';

/** Every step before the last is done or overridden, and the sign-off is a person's: nothing red or unknown. */
export function mayComplete(c: Cutover): boolean {
  return (
    c.status === 'running' &&
    STEPS.filter((n) => n !== 'complete').every((n) => passed(c.steps[n])) &&
    c.steps.signoff.state === 'green' &&
    c.signoff !== undefined &&
    (c.steps.check.state === 'green' || c.override !== undefined)
  );
}

/**
 * 5. "Cut-over complete", once: one compare-and-set to complete, only while every step is done
 * (`mayComplete` asked again inside it); the replica that wrote it says it, with the evidence.
 */
export async function cutDone(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const done = await changeCut(s.core.state, cut.team, cut.id, (c) =>
    mayComplete(c) && c.steps.complete.state === 'waiting'
      ? { ...c, status: 'complete', steps: { ...c.steps, complete: { state: 'green', at: now } } }
      : undefined,
  );
  if (!done) return;
  await s.core.state.setRemove(CUT_ACTIVE, `${cut.team}:${cut.id}`);
  const f = done.check;
  const values = {
    ref: code(`${done.connection}:${done.resourceId}`),
    name: escapeMrkdwn(done.name),
    delta: code(done.delta?.resource ?? '?'),
    source: f?.source ?? 0,
    destination: f?.destination ?? 0,
    matched: f?.matched ?? 0,
    missing: f?.missing ?? 0,
    different: f?.different ?? 0,
    extra: f?.extra ?? 0,
    signed: `<@${done.signoff?.by ?? '?'}>`,
    starter: `<@${done.starter}>`,
  };
  await say(s, done, 'complete', 'cutover.cut.complete', values);
  if (done.override)
    await say(s, done, 'complete-override', 'cutover.cut.completeOverride', {
      by: `<@${done.override.by}>`,
      reason: escapeMrkdwn(done.override.reason),
    });
  await audit(
    s,
    done,
    'cutover.completed',
    `signed:${done.signoff?.by}${done.override ? ` override:${done.override.by}` : ''}`,
    done.starter,
  );
  await showCut(s, done);
  await watchOldBucket(s, done, now);
}

/** The old bucket watched from the cut-over's end for its days, told in the same card's thread. */
async function watchOldBucket(s: CutoverState, cut: Cutover, now: number): Promise<void> {
  const target = { teamId: cut.team, connection: cut.connection, kind: cut.kind, id: cut.resourceId };
  const card = (await watchesOf(s.core.watcher.store, target)).find(
    (w) => w.record.watch.channelId === cut.channel,
  );
  await startOldBucketWatch(s, {
    teamId: cut.team,
    connectionId: cut.connection,
    resourceId: cut.resourceId,
    channel: cut.channel,
    threadTs: (card ? cardOf(card.record)?.ts : undefined) ?? '',
    since: now,
    days: cut.watchDays,
  }).catch((error: unknown) =>
    s.core.logger.warn({ err: error, cutover: cut.id }, 'could not watch the old bucket'),
  );
}
