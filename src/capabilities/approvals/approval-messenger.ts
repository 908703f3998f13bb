import type { Clock } from '../../clock.js';
import type { MigrationResource, ResourceKind } from '../../domain/migration-resource.js';
import { asAppError, InvalidInputError } from '../../errors.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { Logger } from '../../logger.js';
import { summarizeCreateRequest } from '../../providers/create-request.js';
import { approvalNotifyMode, type SettingsStore } from '../../settings/workspace-settings.js';
import { renderError } from '../../slack/blocks/error-message.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { SlackLocales } from '../../slack/locales.js';
import type { SlackSender, TeamSender } from '../../slack/sender.js';
import { slackErrorCode } from '../../slack/slack-api-error.js';
import type { WatchOrigin } from '../../watcher/records/watch-origin.js';
import type { WatchNotes } from '../../watcher/watch-notes.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { chainNoteOf } from '../shared/chain-note.js';
import type { ApprovalMessenger } from './approval-service.js';
import type { ApproverMessage } from './approval-store.js';
import {
  createdNotice,
  renderApproverNotice,
  renderRequesterNotice,
  withApproversPing,
} from './blocks/approval-notices.js';
import { renderApprovalRequest } from './blocks/approval-request.js';
import { APPROVAL_WORDS } from './words.js';

/** What the approval flow needs of the watcher (structural, so it is optional for this module). */
export interface ResourceWatcher {
  watch(request: {
    teamId: string;
    channelId: string;
    connection: string;
    kind: ResourceKind;
    id: string;
    by: string;
    resource?: MigrationResource;
    origin?: WatchOrigin;
  }): Promise<unknown>;
  notes: Pick<WatchNotes, 'say'>;
}

/**
 * The approval flow's messages over the Web API: the request in the approvals channel (edited in
 * place after the decision), the requester's ephemeral notices in the channel where they asked, and
 * the new resource's card there. With a watcher, the new resource is watched in that channel and
 * the watcher's card (edited as the migration moves) is the card; without one, or when watching
 * fails, a static card is posted. The service hands it records (data); rendering happens here and
 * every message leaves through the sender.
 */
export function slackApprovalMessenger(
  sender: SlackSender,
  settings: SettingsStore,
  clock: Clock,
  watcher?: ResourceWatcher,
  logger?: Logger,
  locales?: Pick<SlackLocales, 'translatorForUser' | 'translatorForChannel'>,
): ApprovalMessenger {
  // Channel posts read in the channel's language; what only the requester sees, in theirs.
  const inChannel = async (team: string, channel: string): Promise<Translator> =>
    locales ? locales.translatorForChannel(team, channel) : ENGLISH;
  const forPerson = async (team: string, user: string): Promise<Translator> =>
    locales ? locales.translatorForUser(team, user) : ENGLISH;
  /**
   * One approver after another, each in their language, on the background client (a 429 fails
   * fast instead of stalling replies): a message that fails is logged and the next one goes on;
   * the request is still in its channel and on each Home tab.
   */
  const eachApprover = async <T extends { user: string }>(
    record: ApprovalRecord,
    items: readonly T[],
    failure: string,
    send: (item: T, tr: Translator, slack: TeamSender) => Promise<unknown>,
  ): Promise<void> => {
    const slack = sender.to(record.team, { purpose: 'background' });
    for (const item of items) {
      try {
        await send(item, await forPerson(record.team, item.user), slack);
      } catch (error) {
        logger?.warn({ err: error, approval: record.id, user: item.user }, failure);
      }
    }
  };
  /**
   * A delta run made: the thread of the run it follows gets a line, once it runs. The
   * line is a note on that run's watch, posted by its outbox (the one writer of its thread).
   */
  const tellChain = async (record: ApprovalRecord): Promise<void> => {
    const thread = record.rerun?.thread;
    if (!record.rerun || !thread || !watcher) return;
    try {
      const { kind, id } = record.rerun.of;
      const note = chainNoteOf({ ...record, rerun: record.rerun }, 'created');
      const told = await watcher.notes.say(
        record.team,
        { connection: record.connection, kind, id },
        `chain-${record.id}-created`,
        note,
        clock.now(),
        { channel: thread.channel, deliver: true },
      );
      if (told === 0) logger?.info({ approval: record.id }, 'the run the delta follows is no longer watched');
    } catch (error) {
      logger?.warn({ err: error, approval: record.id }, 'could not tell the thread of the delta run');
    }
  };
  return {
    async postRequest(record, channel) {
      // The approvers' user group is pinged by the request itself, so nobody has to watch the channel
      // (unless the workspace chose direct messages, or no notice at all).
      const current = await settings.get(record.team);
      const group = approvalNotifyMode(current) === 'mention' ? current.approversGroup : undefined;
      const tr = await inChannel(record.team, channel);
      const message = withApproversPing(renderApprovalRequest(record, tr), group, tr);
      let posted: { channel: string; ts: string };
      try {
        posted = await sender
          .to(record.team)
          .post({ channel, ...message, unfurl_links: false, unfurl_media: false });
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived') {
          // Kept with the request by key: each reader is told in their own language.
          throw InvalidInputError.in(APPROVAL_WORDS, 'approval.error.cannotPost', {
            channel: `<#${channel}>`,
            code,
          });
        }
        throw error;
      }
      // The link every later notice names the request with; without it they still name it.
      try {
        return { ...posted, permalink: await sender.to(record.team).permalink(posted.channel, posted.ts) };
      } catch (error) {
        logger?.warn({ err: error, approval: record.id }, 'no link to the approval request');
        return posted;
      }
    },
    async notifyApprovers(record, approvers) {
      const sent: ApproverMessage[] = [];
      const told = approvers.map((user) => ({ user }));
      await eachApprover(record, told, 'could not tell an approver', async ({ user }, tr, slack) => {
        const at = await slack.dm(user, { ...renderApproverNotice(record, tr), unfurl_links: false });
        sent.push({ user, ...at });
      });
      return sent;
    },
    async updateApproverMessages(record, messages) {
      // A message that cannot be redrawn keeps its buttons; a click on one answers who decided.
      await eachApprover(
        record,
        messages,
        'could not redraw an approver message',
        ({ user, channel, ts }, tr, slack) =>
          slack.update({ channel, ts, ...renderApproverNotice(record, tr, user) }),
      );
    },
    async updateRequest(record) {
      if (!record.message) return;
      const tr = await inChannel(record.team, record.message.channel);
      await sender.to(record.team).update({
        channel: record.message.channel,
        ts: record.message.ts,
        ...renderApprovalRequest(record, tr),
      });
    },
    async tellRequester(record) {
      const approvals =
        record.message?.channel && record.message.channel !== record.channel
          ? record.message.channel
          : (await settings.get(record.team)).approvalsChannel;
      const tr = await forPerson(record.team, record.requester);
      const notice = renderRequesterNotice(record, approvals ?? record.channel, tr);
      // "Sent for approval" answers the person who just asked, where they asked; a decision can come
      // hours later, so it is a direct message they will see wherever they are.
      if (record.status === 'pending')
        await sender
          .to(record.team)
          .ephemeral({ channel: record.channel, user: record.requester, ...notice });
      else await sender.to(record.team).dm(record.requester, notice);
    },
    async postCreated(record, resource) {
      let why: unknown;
      if (watcher && record.resourceId) {
        try {
          await watcher.watch({
            teamId: record.team,
            channelId: record.channel,
            connection: record.connection,
            kind: resource?.kind ?? record.kind,
            id: resource?.id ?? record.resourceId,
            by: record.requester,
            resource,
            origin: {
              request: record.id,
              title: summarizeCreateRequest(record.provider, record.kind, record.request).name,
              ...chainOf(record),
            },
          });
          await tellChain(record);
          return;
        } catch (error) {
          why = error;
          logger?.warn(
            { err: error, approval: record.id },
            'could not watch the new resource; telling its requester',
          );
        }
      }
      // No card of its own beside the watcher's: the requester is told privately, with the command
      // that watches it once there is room (the one editor draws every card in a channel).
      const tr = await forPerson(record.team, record.requester);
      const ref = `${record.connection}:${record.resourceId ?? ''}`;
      const name = resource?.name ?? record.resourceName ?? record.resourceId ?? '';
      const text = tr.with(APPROVAL_WORDS).t('approval.createdNotWatched', {
        notice: createdNotice(record, tr),
        name: escapeMrkdwn(truncate(name, 200)),
        ref: code(ref),
        channel: `<#${record.channel}>`,
        why: why === undefined ? 'none' : renderError(asAppError(why), record.id, tr).text,
        command: code(`/migrate watch ${ref}`),
      });
      await sender.to(record.team).dm(record.requester, {
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }],
        unfurl_links: false,
      });
    },
  };
}

/** A delta's watch says which run it follows (its card links back); a restarted one is the same watch. */
function chainOf(record: ApprovalRecord): Pick<WatchOrigin, 'chain'> {
  const rerun = record.rerun;
  if (!rerun || rerun.mode === 'restart') return {};
  const link = rerun.thread?.permalink;
  const series = rerun.retry ? { series: 'retry' as const } : {};
  return { chain: { n: rerun.n, of: rerun.of.name, ...(link ? { link } : {}), ...series } };
}
