import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import {
  buttons,
  messageText,
  ncpConnection,
  omsConnection,
  SIGNING_SECRET,
  TestBot,
  upcloudConnection,
} from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { notifications } from '../../harness/watcher-rig.js';
import { cloudKeys } from '../../watcher/three-clouds-rig.js';

// Issue 74: every confirmation dialog the bot draws is drawn here through the real bot (signed
// requests, the fake Slack, the three simulators), read (title, text, button), pressed, and the
// effect checked against what its text claims. The plan dialogs and Approve/Reject are proven in
// test/capabilities/plans/plans-dialogs.test.ts and test/approvals; Disconnect, Cancel start, Take over
// and Release in
// dialogs-say-what-happens-requests.test.ts. The last test fails when src/ draws a confirm this
// table (or those files) does not cover.
const ADMIN = 'U0ALICE01';
const CHANNEL = 'C0DIALOGS';
const KEYS = cloudKeys('DIALOGS', '00000000d174');
const GiB = 1024 ** 3;

const clock = new TestClock();
const t = new TestBot();
const ncp = new NcpSimulator({ keys: { [KEYS.ncp.accessKey]: KEYS.ncp.secretKey } });
const upcloud = new UpCloudSimulator({ serviceIds: [KEYS.service], tokens: [KEYS.ucToken] });

beforeAll(async () => {
  await Promise.all([ncp.start(), upcloud.start()]);
  await t.start({
    clock,
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      ncpConnection(ncp.url, KEYS.ncp, KEYS.source),
      upcloudConnection(upcloud.url, KEYS.service, KEYS.ucToken, KEYS.source),
    ],
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { recheckAfterMs: [50, 100], editBudget: { windowMs: 10_000, max: 1_000 } },
  });
  t.oms.timings.pauseDelayMs = 0;
  t.oms.timings.groupDeleteDelayMs = 0;
}, 60_000);
afterAll(async () => {
  await t.stop();
  await Promise.all([ncp.stop(), upcloud.stop()]);
});

type Dialog = { title: string; text: string; confirm: string };
/** Every dialog this file saw drawn, by its table id: the coverage check reads it. */
const seen = new Map<string, Dialog>();

function dialogOf(button: { confirm?: Record<string, unknown> } | undefined): Dialog {
  expect(button?.confirm, 'a confirm dialog').toBeDefined();
  const c = button!.confirm as Record<string, { text: string }>;
  return { title: c.title!.text, text: c.text!.text, confirm: c.confirm!.text };
}

/** The watch's card as Slack took it. */
async function watchedCard(ref: string, id: string): Promise<RecordedCall & { ts: string }> {
  await t.ask(`watch ${ref} <#${CHANNEL}|ops>`, { userId: ADMIN });
  const card = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.postMessage')
      .find(
        (c) => c.body.channel === CHANNEL && !c.body.thread_ts && messageText(c.body).includes(id) && c.ts,
      ),
  );
  await t.settled();
  return card as RecordedCall & { ts: string };
}

function cardNow(card: RecordedCall & { ts: string }): Record<string, unknown> {
  const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === card.ts);
  return (edits.at(-1) ?? card).body;
}

/** Presses `action` on the message `ts` drew (its button value), as `userId`, and waits for its work. */
async function press(
  ts: string,
  button: { action_id: string; value: string },
  userId = ADMIN,
): Promise<void> {
  const http = await postSigned(
    t.eventsUrl,
    SIGNING_SECRET,
    messageButtonBody(
      {
        actionId: button.action_id,
        value: button.value,
        channelId: CHANNEL,
        messageTs: ts,
        responseUrl: t.fakeSlack.responseUrl(`dlg-${button.action_id}-${ts}-${t.fakeSlack.calls.length}`),
      },
      { userId },
    ),
    FORM,
  );
  expect(http.status).toBe(200);
  await t.settled();
  await t.bot.deps.watcher.rechecksIdle();
}

/** A resource seeded at a provider, watched in CHANNEL; `gone()` and `state()` read the simulator. */
interface Subject {
  ref: string;
  id: string;
  name: string;
  state: () => string | number | undefined;
}

interface CardRow {
  id: string;
  action: 'pause' | 'delete' | 'cancel';
  seed: () => Subject;
  /** The dialog, word for word (English). */
  says: Dialog;
  /** What the text claims, checked after the press: the simulator's state, and what the card offers. */
  after: (s: Subject, card: Record<string, unknown>) => void;
}

const offers = (card: Record<string, unknown>) => buttons(card).map((b) => b.action_id);
const ADMIN_ONLY = ' Only someone with the admin role can do this; others are refused.';

const CARD_ROWS: CardRow[] = [
  {
    id: 'card.pause:task',
    action: 'pause',
    seed: () => {
      const task = t.oms.addTask({ name: 'dlg-task-runs', status: 2, progress: 0.2, totalSize: 10 * GiB });
      return { ref: task.id, id: task.id, name: task.name, state: () => t.oms.task(task.id)?.status };
    },
    says: {
      title: 'Pause task?',
      text: 'Pause dlg-task-runs? It stops transferring until someone resumes it.',
      confirm: 'Pause',
    },
    // Stops transferring (OMS status 3, paused: no bytes move) and can be resumed from the card.
    after: (s, card) => {
      expect(s.state()).toBe(3);
      expect(offers(card)).toContain('resource.resume');
    },
  },
  {
    id: 'card.delete:task',
    action: 'delete',
    seed: () => {
      // What it already copied lies in its destination bucket, which the simulator keeps.
      t.oms.addBucket({
        cloudType: 'HEC',
        region: 'cn-north-4',
        name: 'dlg-dst',
        objects: [{ key: 'copied/0.bin', size: GiB }],
      });
      const task = t.oms.addTask({
        name: 'dlg-task-paused',
        status: 3,
        progress: 0.3,
        dst: { bucket: 'dlg-dst' },
      });
      return { ref: task.id, id: task.id, name: task.name, state: () => t.oms.task(task.id)?.status };
    },
    says: {
      title: 'Delete task?',
      text: `Delete dlg-task-paused? The task and its progress record are removed; migrated objects stay. Its watches end.${ADMIN_ONLY}`,
      confirm: 'Delete',
    },
    after: (s, card) => {
      expect(s.state()).toBeUndefined();
      expect(t.oms.buckets.find('HEC', 'dlg-dst')?.objects.map((o) => o.key)).toEqual(['copied/0.bin']);
      expect(messageText(card)).toContain('Deleted');
    },
  },
  {
    id: 'card.pause:sync-task',
    action: 'pause',
    seed: () => {
      const sync = t.oms.addSyncTask({ status: 'SYNCHRONIZING', description: 'dlg-sync-runs' });
      return { ref: sync.id, id: sync.id, name: sync.id, state: () => t.oms.syncTask(sync.id)?.status };
    },
    says: {
      title: 'Pause sync task?',
      text: 'Pause dlg-sync-runs? It stops transferring until someone resumes it.',
      confirm: 'Pause',
    },
    after: (s, card) => {
      expect(s.state()).toBe('STOPPED');
      expect(offers(card)).toContain('resource.resume');
    },
  },
  {
    id: 'card.delete:sync-task',
    action: 'delete',
    seed: () => {
      const sync = t.oms.addSyncTask({ status: 'STOPPED', description: 'dlg-sync-stopped' });
      return { ref: sync.id, id: sync.id, name: sync.id, state: () => t.oms.syncTasks.get(sync.id)?.status };
    },
    says: {
      title: 'Delete sync task?',
      text: `Delete dlg-sync-stopped? The sync task is removed: objects added to the source later are no longer copied. Migrated objects stay. Its watches end.${ADMIN_ONLY}`,
      confirm: 'Delete',
    },
    // OMS keeps a deleted sync task only as a 404: nothing synchronizes it any more.
    after: (s, card) => {
      expect(t.oms.syncTasks.get(s.id)?.deletedAt).toBeDefined();
      expect(messageText(card)).toContain('Deleted');
    },
  },
  {
    id: 'card.pause:task-group',
    action: 'pause',
    seed: () => {
      const group = t.oms.addTaskGroup({ status: 2, description: 'dlg-group-runs', taskCount: 2 });
      return { ref: group.id, id: group.id, name: group.id, state: () => t.oms.taskGroup(group.id)?.status };
    },
    says: {
      title: 'Pause task group?',
      text: 'Pause dlg-group-runs? It stops transferring until someone resumes it.',
      confirm: 'Pause',
    },
    // Paused (3) or pausing (7) while its tasks stop: either way nothing new is transferred.
    after: (s) => expect([3, 7]).toContain(s.state()),
  },
  {
    id: 'card.delete:task-group',
    action: 'delete',
    seed: () => {
      const group = t.oms.addTaskGroup({ status: 6, description: 'dlg-group-done', taskCount: 2 });
      tasksOfGroup.set(group.id, [...group.taskIds]);
      return { ref: group.id, id: group.id, name: group.id, state: () => t.oms.taskGroup(group.id)?.status };
    },
    says: {
      title: 'Delete task group?',
      text: `Delete dlg-group-done? The task group and its tasks are removed, with their progress records; migrated objects stay. Its watches end.${ADMIN_ONLY}`,
      confirm: 'Delete',
    },
    // The group goes, and its tasks with it, as the words now say.
    after: (s) => {
      t.oms.clock.advance(5_000);
      expect(s.state()).toBeUndefined();
      for (const task of tasksOfGroup.get(s.id) ?? []) expect(t.oms.task(task)).toBeUndefined();
    },
  },
  {
    id: 'card.pause:policy',
    action: 'pause',
    seed: () => {
      const p = ncp.addPolicy({ title: 'dlg-policy-runs', jobState: 'STARTED', progress: 0.1 });
      return {
        ref: `ncp-kr:${p.title}`,
        id: p.title,
        name: p.title,
        state: () => ncp.policy(p.title)?.jobState,
      };
    },
    says: {
      title: 'Pause policy?',
      text: 'Pause dlg-policy-runs? It stops transferring until someone resumes it.',
      confirm: 'Pause',
    },
    after: (s, card) => {
      expect(s.state()).toBe('PAUSED');
      expect(offers(card)).toContain('resource.resume');
    },
  },
  {
    id: 'card.delete:policy',
    action: 'delete',
    seed: () => {
      const p = ncp.addPolicy({ title: 'dlg-policy-paused', jobState: 'PAUSED', progress: 0.4 });
      return {
        ref: `ncp-kr:${p.title}`,
        id: p.title,
        name: p.title,
        state: () => ncp.policy(p.title)?.jobState,
      };
    },
    says: {
      title: 'Delete policy?',
      text: `Delete dlg-policy-paused? The policy and its progress record are removed; migrated objects stay. Its watches end.${ADMIN_ONLY}`,
      confirm: 'Delete',
    },
    after: (s) => expect(s.state()).toBeUndefined(),
  },
  {
    id: 'card.cancel:job',
    action: 'cancel',
    seed: () => {
      const job = upcloud.addJob({ name: 'dlg-job-runs', status: 'running', progress: 0.2 });
      return {
        ref: `up-fi:${job.uuid}`,
        id: job.uuid,
        name: job.name,
        state: () => upcloud.job(job.uuid)?.status,
      };
    },
    says: {
      title: 'Cancel this job?',
      text: `Cancel dlg-job-runs? It cannot be resumed afterwards.${ADMIN_ONLY}`,
      confirm: 'Cancel job',
    },
    // Cancelled at UpCloud, and nothing offers to resume or retry it.
    after: (s, card) => {
      expect(s.state()).toBe('cancelled');
      expect(offers(card).filter((a) => a === 'resource.resume' || a === 'resource.retry')).toEqual([]);
    },
  },
];
const tasksOfGroup = new Map<string, string[]>();

describe('a card’s dialog says what its button does, per provider and kind', () => {
  for (const row of CARD_ROWS) {
    it(row.id, async () => {
      const subject = row.seed();
      const card = await watchedCard(subject.ref, subject.id);
      const button = buttons(cardNow(card)).find((b) => b.action_id === `resource.${row.action}`);
      const said = dialogOf(button);
      seen.set(row.id, said);
      expect({ title: said.title, confirm: said.confirm }).toEqual({
        title: row.says.title,
        confirm: row.says.confirm,
      });
      expect(said.text).toBe(row.says.text);
      await press(card.ts, button!);
      await t.bot.deps.watcher.runCycle();
      row.after(subject, cardNow(card));
      // Delete says its watches end, and they do; after Pause or Cancel the watch stays listed.
      const listed = messageText(await t.ask(`watches <#${CHANNEL}|ops>`, { userId: ADMIN }));
      expect(listed.includes(subject.id), 'still watched').toBe(row.action !== 'delete');
    });
  }
});

describe('the other dialogs say what their button does', () => {
  it('picker.pause:task: the picker an ambiguous id answers with asks as the card does, and pauses that one', async () => {
    const one = t.oms.addTask({ id: '747400000000001', name: 'dlg-pick-one', status: 2, progress: 0.1 });
    const two = t.oms.addTask({ id: '747400000000002', name: 'dlg-pick-two', status: 2, progress: 0.1 });
    const answer = await t.ask('pause 74740000', { userId: ADMIN, channelId: CHANNEL });
    const pick = buttons(answer).find((b) => b.value.includes(one.id));
    const said = dialogOf(pick);
    seen.set('picker.pause:task', said);
    expect(said).toEqual({
      title: 'Pause task?',
      text: 'Pause dlg-pick-one? It stops transferring until someone resumes it.',
      confirm: 'Pause',
    });
    await (await t.click(pick!.action_id, pick!.value, { userId: ADMIN, channelId: CHANNEL })).answer();
    expect(t.oms.task(one.id)?.status).toBe(3);
    expect(t.oms.task(two.id)?.status).toBe(2);
  });

  it('notification.pause: Pause on a stall notice stops the task until someone resumes it', async () => {
    const task = t.oms.addTask({ name: 'dlg-stalls', status: 2, totalSize: 10 * GiB, speed: 50 * 1024 ** 2 });
    await watchedCard(task.id, task.id);
    clock.advance(60_000);
    t.oms.clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    t.oms.task(task.id)!.speed = 0; // still "migrating", moving nothing
    const stalled = () =>
      notifications(t.fakeSlack).find((n) => n.key.includes(task.id) && n.event === 'stalled');
    for (let step = 0; step < 20 && !stalled(); step++) {
      clock.advance(5 * 60_000);
      await t.bot.deps.watcher.runCycle();
    }
    const notice = stalled();
    expect(notice, 'a stall notice').toBeDefined();
    const button = buttons(notice!.body).find((b) => b.action_id === 'resource.pause');
    const said = dialogOf(button);
    seen.set('notification.pause', said);
    expect(said).toEqual({
      title: 'Pause?',
      text: 'Pause dlg-stalls? It stops until someone resumes it.',
      confirm: 'Pause',
    });
    await press(String(notice!.ts), button!);
    await t.bot.deps.watcher.runCycle();
    expect(t.oms.task(task.id)?.status).toBe(3);
    // "until someone resumes it": the task allows a resume, and the bot offers it.
    const shown = await t.ask(`show ${task.id}`, { userId: ADMIN });
    expect(buttons(shown).map((b) => b.action_id)).toContain('resource.resume');
  });
});

/** The file that proves a dialog drawn elsewhere, and the action id it presses there. */
const ELSEWHERE = (file: string, action: string) => ({ file, action });

/**
 * Every place in src/ that draws a confirm dialog, with how many buttons it gives one, and what
 * proves what each says: ids of this file (each must have been drawn here) or another test file
 * pressing it. A new confirm changes a count or adds a file: this fails until a table covers it.
 */
const SITES: Record<
  string,
  { sites: number; here?: readonly string[]; elsewhere?: { file: string; action: string }[] }
> = {
  'src/slack/blocks/resource-card.ts': { sites: 1, here: CARD_ROWS.map((r) => r.id) },
  'src/slack/blocks/error-message.ts': { sites: 1, here: ['picker.pause:task'] },
  'src/slack/blocks/watch-notifications.ts': { sites: 1, here: ['notification.pause'] },
  'src/capabilities/on-call/claim-blocks.ts': {
    sites: 2,
    elsewhere: [
      ELSEWHERE('test/slack/cards/dialogs-say-what-happens-requests.test.ts', 'failure.takeover'),
      ELSEWHERE('test/slack/cards/dialogs-say-what-happens-requests.test.ts', 'failure.release'),
    ],
  },
  'src/capabilities/connections/connection-list.ts': {
    sites: 1,
    elsewhere: [
      ELSEWHERE('test/slack/cards/dialogs-say-what-happens-requests.test.ts', 'connection.disconnect'),
    ],
  },
  'src/capabilities/approvals/blocks/approval-buttons.ts': {
    sites: 2,
    elsewhere: [
      ELSEWHERE('test/capabilities/guardrails/guardrails-decisions.test.ts', 'approval.approve'),
      ELSEWHERE('test/slack/cards/dialogs-say-what-happens-requests.test.ts', 'approval.cancelStart'),
    ],
  },
  'src/capabilities/plans/plan-card.ts': {
    sites: 4,
    elsewhere: [
      ELSEWHERE('test/capabilities/plans/plans-dialogs.test.ts', 'plan.start'),
      ELSEWHERE('test/capabilities/plans/plans-dialogs.test.ts', 'plan.cancel'),
      ELSEWHERE('test/capabilities/plans/plans.test.ts', 'plan.pause'),
      ELSEWHERE('test/capabilities/plans/plans.test.ts', 'plan.resume'),
    ],
  },
  'src/capabilities/plans/plan-approval-post.ts': {
    sites: 1,
    elsewhere: [ELSEWHERE('test/capabilities/plans/plans-dialogs.test.ts', 'plan.approve')],
  },
  // Issue 76: a cut-over's Abort, drawn from where it stands, read and pressed on two replicas (its
  // text's claims checked there: the delta runs to its end, a check under way is called off).
  'src/capabilities/cutover/cut-post.ts': {
    sites: 1,
    elsewhere: [
      ELSEWHERE('test/capabilities/cutover/cutover-flow.test.ts', 'cutover.cut.abort'),
      ELSEWHERE('test/capabilities/cutover/cutover-dialogs.test.ts', 'cutover.cut.abort'),
    ],
  },
  // Issue 76 for a plan: Start under the plan's cut-over confirmation, read and pressed on two replicas.
  'src/capabilities/cutover/plan/plan-cut.ts': {
    sites: 1,
    elsewhere: [ELSEWHERE('test/capabilities/cutover/cutover-plan.test.ts', 'cutover.plan.start')],
  },
};

/** A button given a dialog: `confirm:`, `.confirm =` or `{ confirm }`, not the dialog's own button text. */
const CONFIRM_SITE = /(?:\.confirm\s*=|\bconfirm:)(?!\s*\{\s*type:)(?!\s*plain\()|\{\s*confirm\s*\}/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('every confirm dialog in src/ is in a table', () => {
  it('finds no confirm site the tables do not cover; each is drawn and pressed by a test', () => {
    const found: Record<string, number> = {};
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
      const n = text.match(CONFIRM_SITE)?.length ?? 0;
      if (n > 0) found[file] = n;
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(SITES).map(([f, s]) => [f, s.sites])));
    const unseen = Object.values(SITES).flatMap((s) => (s.here ?? []).filter((id) => !seen.has(id)));
    expect(unseen).toEqual([]);
    for (const { file, action } of Object.values(SITES).flatMap((s) => s.elsewhere ?? []))
      expect(readFileSync(file, 'utf8'), `${file} presses ${action}`).toContain(`'${action}'`);
  });
});
