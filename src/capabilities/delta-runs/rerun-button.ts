import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { summarizeCreateRequest } from '../../providers/create-request.js';
import { buttonHandler, whoClicked } from '../../slack/button-handler.js';
import { type AppDeps, handlerContextOf, inChannel } from '../../slack/context.js';
import { runSafely } from '../../slack/intake/run-safely.js';
import { cardOf } from '../../watcher/outbox/living-posts.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import {
  verificationModalMetadata,
  verificationTargetFromModal,
  verificationTargetOf,
} from '../shared/verified-run.js';
import { planRerun, type RerunTarget, requestRerun } from './request-rerun.js';
import { chainNoteOf, rerunConfirmModal } from './rerun-blocks.js';

/**
 * "Run changes since" on a verification post: the policy and the run's state are
 * checked and the provider's next run is read before anything is shown (a refusal comes at once,
 * beside the post); then the requester sees what would run, in a modal. The post is not touched.
 */
export function rerunButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const target = verificationTargetOf(args.action.value, ctx.channelId);
    const plan = await planRerun(ctx, deps, target);
    const tr = await ctx.translator('person');
    const provider = plan.record.snapshot.provider;
    const rerun = {
      mode: plan.next.mode,
      n: plan.n,
      of: { kind: target.kind, id: target.id, name: titleOf(plan.record) ?? plan.record.snapshot.name },
      root: plan.root,
      ...(plan.next.since !== undefined ? { since: plan.next.since } : {}),
    };
    const summary = summarizeCreateRequest(provider, plan.next.kind, plan.next.request);
    const metadata = verificationModalMetadata(target);
    await deps.slack.sender
      .to(ctx.teamId, { client: args.client })
      .openView(
        args.body.trigger_id,
        rerunConfirmModal(
          { rerun, provider, name: plan.name, summary, connection: target.connection },
          metadata,
          tr,
        ),
      );
  });
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The requester confirmed: the modal closes, the delta is planned again and asked for through the
 * approval (which tells the requester and the approvers), and the run's watch gets a note its
 * outbox posts in the thread: the chain stays in one thread, written by one writer.
 */
export function rerunSubmission(deps: AppDeps) {
  return async ({ ack, body, view, context }: SubmitArgs): Promise<void> => {
    await ack();
    const { teamId } = whoClicked(body);
    const target = verificationTargetFromModal(view.private_metadata);
    if (!target) {
      deps.logger.warn('a delta run modal came back without its run');
      return;
    }
    const ch = target.channel;
    const ctx = inChannel(handlerContextOf(context), ch);
    await runSafely(ctx, async () => {
      const thread = await threadOf(deps, ctx.teamId, target);
      const { approval } = await requestRerun(ctx, deps, target, thread);
      if (!thread || !approval.rerun || approval.status !== 'pending') return;
      // A note on the run's watch: its outbox posts the line in the card's thread.
      const note = chainNoteOf({ ...approval, rerun: approval.rerun }, 'requested');
      await deps.watcher.notes
        .say(teamId, target, `chain-${approval.id}-requested`, note, deps.clock.now(), {
          channel: thread.channel,
          deliver: true,
        })
        .then((told) => {
          if (told === 0) ctx.logger.info('the run the delta follows is no longer watched');
        })
        .catch((error: unknown) =>
          ctx.logger.warn({ err: error }, 'could not tell the thread of the delta run'),
        );
    });
  };
}

/** The run's card (its thread), with a link a delta's (or retry's) request and card point back with. */
export async function threadOf(
  deps: AppDeps,
  teamId: string,
  target: RerunTarget,
): Promise<{ channel: string; ts: string; permalink?: string } | undefined> {
  const record = await deps.watcher.store.read<WatchRecord>(
    watchKey({ teamId, channelId: target.channel, ...target }),
  );
  const card = record && cardOf(record);
  if (!card) return undefined;
  const at = { channel: card.channel, ts: card.ts };
  const permalink = await deps.slack.sender
    .to(teamId)
    .permalink(at.channel, at.ts)
    .catch(() => undefined);
  return permalink ? { ...at, permalink } : at;
}
