import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { MigrationResource, ResourceKind } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { providerDefinition } from '../../providers/registry.js';
import { code, truncate } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { findResource } from '../../use-cases/context.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import { chainNoteOf, rerunWhat } from '../delta-runs/rerun-blocks.js';
import { threadOf } from '../delta-runs/rerun-button.js';
import { encodeVerificationButton } from '../verification/verification-button.js';
import { verificationOf } from '../verification/verification-fact.js';
import { CAPABILITY } from './check-post.js';
import { awaitReconcile } from './reconcile-store.js';
import { requestRetry } from './request-retry.js';
import type { RetryRun } from './retry-view.js';
import { type ObjectsState, offerKey, type RetryOffer } from './state.js';
import { OBJECTS_WORDS } from './words.js';

/**
 * "Retry these N objects": a new run of just what the run did not bring over, asked for through
 * the same two-person approval as any new migration, in the run's chain beside its delta runs
 * ("<title> · retry n"). OMS retries the failed objects it recorded (a `list` task over its list);
 * NCP and UpCloud, which take one prefix per run and no list of objects, the source under the one
 * prefix every missing and different object of the check is under. Everything is read again from
 * the run and the check's record, nothing from the button but which run.
 */
export const retryButton = buttonHandler(async (ctx: HandlerContext, args) => {
  const run = parseValue(args.action.value);
  const channel = ctx.channelId;
  await ctx.require('create', channelScope(channel), 'retry the objects a run did not bring over');
  if (!run || !channel) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.retry.none');
  const { resource } = await findResource(ctx, { exact: { connection: run.c, kind: run.k, id: run.id } });
  const provider = ctx.deps.connections.provider(ctx.deps.connections.get(ctx.teamId, run.c), 'interactive');
  const state = ctx.deps.capabilities.stateOf(CAPABILITY) as ObjectsState;
  const where = { connection: run.c, kind: run.k, id: run.id };
  let ask: Parameters<typeof requestRetry>[2]['retry'];
  let size: Parameters<typeof requestRetry>[2]['size'];
  let keys: string[] | undefined;
  let build: (name: string) => ReturnType<NonNullable<typeof provider.retryList>>;
  if (run.w === 'prefix') {
    const offer = readOffer(await state.kv.get(offerKey(ctx.teamId, where)));
    const retryPrefix = provider.retryPrefix?.bind(provider);
    if (!offer || !retryPrefix) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.retry.none');
    ask = { what: 'prefix', objects: offer.objects, prefix: offer.prefix };
    keys = offer.keys;
    build = (name) => retryPrefix(run.k, run.id, name, offer.prefix);
  } else {
    const bucket = resource.destination.bucket;
    const list = resource.failedObjectList;
    const retryList = provider.retryList?.bind(provider);
    if (!list || !bucket || !retryList) throw InvalidInputError.in(OBJECTS_WORDS, 'objects.retry.none');
    ask = { what: 'list', objects: resource.objects?.failed ?? 0 };
    // The check read the list and found its objects at the source: the retry's real size.
    const listed = readOffer(await state.kv.get(offerKey(ctx.teamId, where)))?.list;
    if (listed) {
      ask.objects = listed.count;
      size = { objects: listed.objects, bytes: listed.bytes, unsized: listed.count - listed.objects };
    }
    build = (name) => retryList(run.k, run.id, name, { bucket, key: list });
  }
  const thread = await threadOf(ctx.deps, ctx.teamId, { channel, ...where, at: 0 }).catch(() => undefined);
  const { name, approval } = await requestRetry(ctx, ctx.deps, {
    channel,
    run: { ...where, name: resource.name },
    retry: ask,
    ...(size ? { size } : {}),
    build,
    ...(thread ? { thread } : {}),
  });
  // Once the retry's run ends, its objects are checked again by themselves (reconcile-pass.ts).
  if (approval.status === 'pending' || approval.status === 'approved')
    await awaitReconcile(state.kv, {
      team: ctx.teamId,
      approval: approval.id,
      channel,
      run: where,
      retry: name,
      what: ask.what,
      objects: ask.objects,
      ...(keys ? { keys } : {}),
    }).catch((error: unknown) => ctx.logger.warn({ err: error }, 'the retry will not be checked by itself'));
  // The run's thread is told by its own outbox (one writer), as for a delta run.
  if (thread && approval.rerun && approval.status === 'pending')
    await ctx.deps.watcher.notes
      .say(
        ctx.teamId,
        where,
        `chain-${approval.id}-requested`,
        chainNoteOf({ ...approval, rerun: approval.rerun }, 'requested'),
        ctx.deps.clock.now(),
        { channel: thread.channel, deliver: true },
      )
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not tell the thread of the retry'));
  const tr = await ctx.translator('person');
  await ctx.reply({
    text:
      ask.what === 'prefix'
        ? tr
            .with(OBJECTS_WORDS)
            .t('objects.retry.askedPrefix', { name, prefix: code(truncate(ask.prefix ?? '', 200)) })
        : tr.with(OBJECTS_WORDS).t('objects.retry.asked', { name }),
  });
});

type Value = { c: string; k: ResourceKind; id: string; w?: 'prefix' };

function parseValue(value: string | undefined): Value | undefined {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    return typeof v.c === 'string' && typeof v.k === 'string' && typeof v.id === 'string'
      ? { c: v.c, k: v.k as ResourceKind, id: v.id, ...(v.w === 'prefix' ? { w: 'prefix' as const } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

function readOffer(raw: string | undefined): RetryOffer | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Partial<RetryOffer>;
    if (typeof v.prefix !== 'string' || typeof v.objects !== 'number') return undefined;
    const keys = Array.isArray(v.keys) ? v.keys.filter((k): k is string => typeof k === 'string') : [];
    const l = v.list;
    const list =
      l && [l.count, l.objects, l.bytes].every((n) => Number.isSafeInteger(n) && n >= 0) ? l : undefined;
    return { prefix: v.prefix, objects: v.objects, keys, ...(list ? { list } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * What the check's post may offer for `resource`, read when the check starts: the provider's
 * retries, and the delta-run button of the run's verification in `channel` when it succeeded.
 */
export async function retryRunOf(
  ctx: HandlerContext,
  resource: MigrationResource,
  channel: string,
  from: string | undefined,
): Promise<RetryRun | undefined> {
  const provider = ctx.deps.connections.provider(
    ctx.deps.connections.get(ctx.teamId, resource.connection),
    'background',
  );
  const run = { connection: resource.connection, kind: resource.kind, id: resource.id };
  const what = rerunWhat(resource.provider, resource.kind);
  let value: string | undefined;
  if (what) {
    const record = await ctx.deps.watcher.store
      .read<WatchRecord>(watchKey({ teamId: ctx.teamId, channelId: channel, ...run }))
      .catch(() => undefined);
    const v = verificationOf(record);
    if (v && v.report.state === 'succeeded' && record?.snapshot.state === 'succeeded')
      value = encodeVerificationButton(v.report, v.at);
  }
  const retry: RetryRun = {
    ...run,
    ...(provider.retryList ? { list: { provider: providerDefinition(resource.provider).shortName } } : {}),
    ...(provider.retryPrefix && from !== undefined
      ? { prefix: { provider: providerDefinition(resource.provider).shortName, from } }
      : {}),
    ...(what ? { delta: { what, ...(value ? { value } : {}) } } : {}),
  };
  return retry.list || retry.prefix ? retry : undefined;
}
