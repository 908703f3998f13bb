import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { stateLabelIn } from '../../slack/blocks/state-words.js';
import { SKIP } from '../../store/atomic-kv.js';
import { bucketStore } from './bucket-store.js';
import { keepCheck } from './check-history.js';
import { CAPABILITY, type CheckPost, showCheck } from './check-post.js';
import { planCheck } from './plan.js';
import { retryRunOf } from './retry.js';
import { csvFiles, runCheck } from './run-check.js';
import {
  type ObjectsState,
  OFFER_TTL_MS,
  offerKey,
  type RunRecord,
  runKey,
  STALE_AFTER_MS,
} from './state.js';
import { OBJECTS_WORDS } from './words.js';

/**
 * Starts a check of a finished run's buckets in the background, on its own post in the channel
 * asked from (`/migrate verify` and the verification post's Check the buckets alike), and says so
 * to the person who asked. The caller has checked who may ask.
 */
export async function startCheck(
  ctx: HandlerContext,
  s: ObjectsState,
  resource: MigrationResource,
  deep: boolean,
): Promise<void> {
  const ref = `${resource.connection}:${resource.id}`;
  const key = runKey(ctx.teamId, resource);
  const person = await ctx.translator('person');
  if (!TERMINAL_STATES.has(resource.state))
    throw InvalidInputError.in(OBJECTS_WORDS, 'objects.error.notFinished', {
      ref,
      state: stateLabelIn(resource.state, person),
    });
  const channel = ctx.channelId;
  if (!channel) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.error.usage');
  const connection = ctx.deps.connections.get(ctx.teamId, resource.connection);
  const plan = planCheck(resource, connection);
  const tr = await ctx.translator('channel');
  const now = ctx.deps.clock.now();
  // One check of a run at a time across replicas: claimed in one atomic step (ADR 0011).
  let previous: RunRecord | undefined;
  let busy = false;
  await s.kv.update(key, (current) => {
    previous = current ? (JSON.parse(current) as RunRecord) : undefined;
    busy = s.running.has(key) || (previous !== undefined && now - previous.beat < STALE_AFTER_MS);
    return busy
      ? SKIP
      : JSON.stringify({ channel, post: '', owner: s.instance, beat: now } satisfies RunRecord);
  });
  if (busy) return ctx.reply({ text: person.with(OBJECTS_WORDS).t('objects.alreadyRunning', { ref }) });
  const stale = previous as RunRecord | undefined;
  // A check whose replica died: its post says so before a new one starts.
  if (stale?.post) {
    const old = { teamId: ctx.teamId, channel: stale.channel, id: stale.post };
    await showCheck(s, old, { kind: 'stopped', ref });
    await s.posts.forget(ctx.teamId, CAPABILITY, stale.post).catch(() => undefined);
  }
  const release = () => s.kv.update(key, () => undefined).catch(() => undefined);
  await ctx.audited('check buckets', ref, async () => {
    const name = resource.name;
    const post: CheckPost = { teamId: ctx.teamId, channel, id: randomUUID() };
    const first = {
      status: 'running' as const,
      name,
      ref,
      deep: deep,
      cap: 0,
      tally: zero(),
      firsts: { missing: [], different: [], extra: [] },
      problems: [],
      csvRows: 0,
      csvCut: false,
    };
    // Posted by the one editor; a post that did not go out frees the run and says why.
    await s.posts
      .show(ctx.teamId, { capability: CAPABILITY, id: post.id, channel }, { kind: 'check', outcome: first })
      .catch(async (error: unknown) => {
        await release();
        throw error;
      });
    const record: RunRecord = { channel, post: post.id, owner: s.instance, beat: now };
    await s.kv.update(key, () => JSON.stringify(record));
    await s.kv.update(`${key}:cancel`, () => undefined);
    // A retry is offered from what this check finds, not from an earlier one.
    await s.kv.update(offerKey(ctx.teamId, resource), () => undefined);
    const single = plan.pairs.length === 1 ? plan.pairs[0]!.source : undefined;
    const retry = await retryRunOf(ctx, resource, channel, single);
    const abort = new AbortController();
    const work = runCheck(
      {
        posts: s.posts,
        files: csvFiles(ctx.deps, ctx.teamId),
        tr,
        clock: s.clock,
        logger: s.logger,
        signal: abort.signal,
        storeFor: bucketStore(ctx.deps.config, s.clock),
        cancelledBy: async () => s.kv.get(`${key}:cancel`),
        offer: async (offer) => {
          await s.kv.update(offerKey(ctx.teamId, resource), () => JSON.stringify(offer));
          await s.kv.expire(offerKey(ctx.teamId, resource), OFFER_TTL_MS);
        },
        keep: (outcome, csv) =>
          keepCheck(s.kv, ctx.teamId, resource, {
            at: s.clock.now(),
            by: ctx.userId,
            outcome,
            csv: [...csv],
          }),
        beat: async () => {
          await s.kv.update(key, () => JSON.stringify({ ...record, beat: s.clock.now() }));
        },
      },
      plan,
      {
        post,
        name,
        ref,
        deep: deep,
        ...(retry ? { retry } : {}),
      },
    )
      .then(
        () => undefined,
        (error: unknown) => s.logger.error({ err: error, ref }, 'bucket check failed'),
      )
      .finally(async () => {
        s.running.delete(key);
        await s.posts.forget(ctx.teamId, CAPABILITY, post.id).catch(() => undefined);
        await s.kv.update(key, () => undefined).catch(() => undefined);
        await s.kv.update(`${key}:cancel`, () => undefined).catch(() => undefined);
      });
    s.running.set(key, { abort, work });
  });
  await ctx.reply({ text: person.with(OBJECTS_WORDS).t('objects.started', { ref }) });
}

function zero() {
  return { source: 0, destination: 0, matched: 0, missing: 0, different: 0, extra: 0, etagCompared: 0 };
}
