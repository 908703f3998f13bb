import { InvalidInputError } from '../../errors.js';
import { scopeFor } from '../../resources/perform-action.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { decodeResourceButton } from '../../slack/resource-button.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { nameOf } from './decide.js';
import { AUTO_RETRY, type RetryFact, type RetryNote, retryFactOf } from './retry-fact.js';
import { claimAttempt } from './retry-job.js';
import { autoRetryState } from './retry-state.js';
import { AUTO_RETRY_WORDS } from './words.js';

const notWaiting = () => InvalidInputError.in(AUTO_RETRY_WORDS, 'auto-retry.notWaiting');

/**
 * Retry now: the waiting attempt, made at once by the presser through the Retry button's use case
 * (their role, their audit entry), claimed as the job claims it so it is made once either way.
 */
export function retryNowButton() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    await ctx.require('operate', scopeFor('retry', ctx.here), 'retry migrations');
    const watches = await watchesOf(ctx.deps.watcher.store, { teamId: ctx.teamId, ...exact });
    const waiting = watches.find((w) => retryFactOf(w.record)?.status === 'waiting');
    const fact = waiting && retryFactOf(waiting.record);
    if (!waiting || !fact) throw notWaiting();
    const tr = await ctx.translator('person');
    const name = nameOf(waiting.record);
    const s = autoRetryState(ctx.deps);
    const claimed = await claimAttempt(
      { state: s.kv },
      waiting.record,
      fact,
      `now:${ctx.userId}@${ctx.deps.clock.now()}`,
    );
    if (!claimed.mine)
      throw InvalidInputError.in(AUTO_RETRY_WORDS, 'auto-retry.now.taken', { attempt: fact.attempt, name });
    // As the job makes it: a partial failure's failed objects only, never the whole run again.
    const action =
      waiting.record.actions.includes('resume') &&
      !waiting.record.actions.includes('retry') &&
      fact.cls !== 'partial'
        ? 'resume'
        : 'retry';
    await actOnResource(ctx, { exact }, action);
    await ctx.reply({
      text: tr
        .with(AUTO_RETRY_WORDS)
        .t('auto-retry.now.done', { attempt: fact.attempt, max: fact.max, name }),
    });
  });
}

/**
 * Don't retry: the waiting series stops for this failure (an operator's call, audited), its hold is
 * let go (escalation applies as to any failure) and the thread says who stopped it.
 */
export function stopRetryButton() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    await ctx.require('operate', scopeFor('retry', ctx.here), 'stop automatic retries');
    const now = ctx.deps.clock.now();
    let stopped: RetryFact | undefined;
    const records = await ctx.audited('auto-retry.stop', `${exact.connection}:${exact.id}`, async () => {
      const written = await ctx.deps.watcher.notes.fact(ctx.teamId, exact, AUTO_RETRY, (was: unknown) => {
        const f = was as RetryFact | undefined;
        if (f?.status !== 'waiting') return was;
        stopped = f;
        const { holdsFailure: _held, ...rest } = f;
        return { ...rest, status: 'stopped', stoppedBy: ctx.userId, at: now } satisfies RetryFact;
      });
      if (!stopped) throw notWaiting();
      return written;
    });
    const name = records[0] ? nameOf(records[0]) : exact.id;
    const note: RetryNote = { type: 'stopped', name, by: ctx.userId };
    const said: SaidNote = { kind: 'said', capability: AUTO_RETRY, note };
    await ctx.deps.watcher.notes.say(
      ctx.teamId,
      exact,
      `${AUTO_RETRY}:${stopped!.since}:stopped`,
      said,
      now,
      {
        deliver: true,
      },
    );
    const tr = await ctx.translator('person');
    await ctx.reply({ text: tr.with(AUTO_RETRY_WORDS).t('auto-retry.stop.done', { name }) });
  });
}
