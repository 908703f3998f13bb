import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { runStoreCommand } from '../../../src/cli/store-command.js';
import { postedApproval } from '../../harness/approval-requests.js';
import { Interactions } from '../../harness/interactions.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * A store restored from a backup taken before an approved request's start time: the bot that ran
 * until the restore created the migration when it was due, which the backup cannot know. The bot
 * on the restored store must not create it a second time (on UpCloud a job cannot even be paused):
 * the request fails saying it may have been created and to check the list, as an interrupted start
 * does. Before, the restored bot found it approved and uncreated, and created it again.
 */
const { logger } = captureLogger('silent');
const TEAM = 'T0RESTORE';
const CHANNEL = 'C0RESTORE';
const OPERATOR = 'U0REOPER1';
const APPROVER = 'U0REAPPR1';
const BASE = Date.parse('2026-11-09T00:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'mb-start-restore-'));
const live = new TestBot();
const restored = new TestBot();
afterAll(async () => {
  await Promise.allSettled([live.stop(), restored.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const REQUEST = {
  task_type: 'prefix',
  src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'acme-photos', object_key: ['2024/'] },
  dst_node: { region: 'cn-north-4', bucket: 'photos-obs' },
  description: 'due after the backup',
};

it('a start due after the backup is not created again on the restored store; the request says why', async () => {
  const clock = new TestClock(() => BASE);
  const liveUrl = `sqlite://${path.join(dir, 'live.sqlite')}`;
  const copy = path.join(dir, 'backup.sqlite');
  const connections = (url: string) => [omsConnection('hw-prod', url, { team: TEAM })];
  await live.start({ env: { STORE_URL: liveUrl, POLL_INTERVAL_SECONDS: '0' }, connections, clock });
  await live.ask(`access grant <@${OPERATOR}|oper> operator`, { teamId: TEAM });
  await live.ask(`access grant <@${APPROVER}|appr> approver`, { teamId: TEAM });

  const since = live.fakeSlack.calls.length;
  await approvalsOf(live.bot.deps).request({
    team: TEAM,
    requester: OPERATOR,
    channel: CHANNEL,
    connection: 'hw-prod',
    kind: 'task',
    request: REQUEST,
    op: 'rs1',
    startAt: '2026-11-09T03:00:00Z',
  });
  const posted = await postedApproval(live, { team: TEAM, channel: CHANNEL }, since);
  const clicked = await new Interactions(live).clickMessage(
    {
      actionId: 'approval.approve',
      value: posted.id,
      channelId: CHANNEL,
      messageTs: posted.ts,
      responseUrl: live.fakeSlack.responseUrl('rs-approve'),
    },
    { userId: APPROVER, teamId: TEAM },
  );
  expect(clicked.status).toBe(200);
  await live.answer('rs-approve');
  expect((await approvalsOf(live.bot.deps).get(TEAM, posted.id)).status).toBe('approved');

  // The backup, taken while the request waits for its start.
  const at = () => new Date(clock.now());
  expect(await runStoreCommand(['backup', copy], { STORE_URL: liveUrl }, () => {}, logger, at)).toBe(0);

  // Due: the live bot creates it once; then that bot is lost and the store restored from the copy.
  const tasks = live.oms.tasks.size;
  clock.skewMs = Date.parse('2026-11-09T03:00:20Z') - BASE;
  for (let i = 0; i < 3; i++) await live.bot.deps.watcher.runCycle();
  expect(live.oms.tasks.size).toBe(tasks + 1);
  await live.bot.stop();

  clock.skewMs = Date.parse('2026-11-09T05:00:00Z') - BASE;
  await restored.start({
    env: { STORE_URL: `sqlite://${copy}`, POLL_INTERVAL_SECONDS: '0', SLACK_API_URL: live.fakeSlack.apiUrl },
    connections: () => connections(live.oms.url),
    clock,
  });
  for (let i = 0; i < 3; i++) await restored.bot.deps.watcher.runCycle();

  expect(live.oms.tasks.size, 'created a second time on the restored store').toBe(tasks + 1);
  const record = await approvalsOf(restored.bot.deps).get(TEAM, posted.id);
  expect(record.status).toBe('failed');
  expect(record.failure?.localized?.key).toBe('approval.start.restored');
  const edit = live.fakeSlack.calls
    .filter((c) => c.method === 'chat.update' && c.body.ts === posted.ts)
    .at(-1);
  expect(messageText(edit!.body)).toContain('restored from a backup taken before its start time');
  expect(messageText(edit!.body)).toContain('Check the list before asking again');
  // A later cycle changes nothing.
  for (let i = 0; i < 2; i++) await restored.bot.deps.watcher.runCycle();
  expect(live.oms.tasks.size).toBe(tasks + 1);
}, 60_000);
