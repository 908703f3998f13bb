import { channelScope } from '../../access/policy.js';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { buttonHandler } from '../../slack/button-handler.js';
import type { HandlerContext } from '../../slack/context.js';
import { findResource } from '../../use-cases/context.js';

export const RETRY_ACTION = 'objects.retry';
const RETRY_SUFFIX = / · retry (\d+)$/;
/** OMS descriptions are at most 255 characters (Table 5-40). */
const NAME_MAX = 255;

/** The button under a check that found failed objects; the value names only the run. */
export function retryBlock(n: number, run: { connection: string; kind: string; id: string }, tr: Translator) {
  return {
    type: 'actions' as const,
    elements: [
      {
        type: 'button' as const,
        action_id: RETRY_ACTION,
        text: { type: 'plain_text' as const, text: tr.t('objects.retry.button', { n }).slice(0, 75) },
        value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id }),
      },
    ],
  };
}

/** "<name> · retry n", counting on from a retry's own name. */
export function retryName(name: string): string {
  const n = Number(RETRY_SUFFIX.exec(name)?.[1] ?? 0) + 1;
  const suffix = ` · retry ${n}`;
  return `${name.replace(RETRY_SUFFIX, '').slice(0, NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * "Retry these N objects": a new run of just the failed objects the provider recorded,
 * asked for through the same two-person approval as any new migration. Everything is read again
 * from the run itself (the list and its bucket), nothing from the button but which run.
 */
export const retryButton = buttonHandler(async (ctx: HandlerContext, args) => {
  const run = parseValue(args.action.value);
  const channel = ctx.channelId;
  await ctx.require('create', channelScope(channel), 'retry the failed objects');
  if (!run || !channel) throw InvalidInputError.of('objects.retry.none');
  const { resource } = await findResource(ctx, { exact: { connection: run.c, kind: run.k, id: run.id } });
  const bucket = resource.destination.bucket;
  if (!resource.failedObjectList || !bucket) throw InvalidInputError.of('objects.retry.none');
  const provider = ctx.deps.connections.provider(ctx.deps.connections.get(ctx.teamId, run.c), 'interactive');
  if (!provider.retryList) throw InvalidInputError.of('objects.retry.none');
  const name = retryName(resource.name);
  const next = await provider.retryList(run.k, run.id, name, { bucket, key: resource.failedObjectList });
  await ctx.audited('create.retry', `${run.c}:${run.id}`, () =>
    ctx.deps.approvals.request({
      team: ctx.teamId,
      requester: ctx.userId,
      channel,
      connection: run.c,
      kind: next.kind,
      request: next.request,
      op: ctx.opId,
    }),
  );
  const tr = await ctx.translator('person');
  await ctx.reply({ text: tr.t('objects.retry.asked', { name }) });
});

function parseValue(value: string | undefined): { c: string; k: ResourceKind; id: string } | undefined {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    return typeof v.c === 'string' && typeof v.k === 'string' && typeof v.id === 'string'
      ? { c: v.c, k: v.k as ResourceKind, id: v.id }
      : undefined;
  } catch {
    return undefined;
  }
}
