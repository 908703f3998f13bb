import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { omsAndUpCloudBot } from '../../harness/bots/upcloud-bot.js';
import { messageButtonBody } from '../../harness/interactions.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET } from '../../harness/test-bot.js';

// Issue 58, item 3: every button on a watched card (Pause, Resume, Retry, Delete, Cancel, I'm on
// it, Refresh) asks the provider for at most the action and one read; the watches take that read.
// Counted at each simulator's request log, from the click until the click's work and every
// re-check it started are done.
const ADMIN = 'U0ALICE01';
const CHANNEL = 'C0FAKE001';
const SERVICE = '1200ecde-db95-4d1d-9c2c-0000000c1c58';
const UC_TOKEN = 'ucat_01CLICKS58TOKEN0000000000000001';
const source = { name: 'clicks-src', accessKey: 'CLICKSSOURCEKEY00001', secretKey: 'clicks-source-secret' };

// The providers move only when a test moves them: a card shows what the click was decided on.
const { t, upcloud } = omsAndUpCloudBot(
  { service: SERVICE, token: UC_TOKEN, source },
  { watcher: { recheckAfterMs: [50, 100] }, freeze: true },
);

beforeAll(() => {
  t.oms.timings.pauseDelayMs = 0;
});

type Sim = { server: { requests: readonly { method: string; path: string }[] } };

/** The watch's card as Slack took it. */
async function watchedCard(ref: string, id: string): Promise<RecordedCall & { ts: string }> {
  await t.ask(`watch ${ref}`, { userId: ADMIN });
  const card = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('chat.postMessage')
      .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(id) && c.ts),
  );
  await t.settled();
  return card as RecordedCall & { ts: string };
}

function cardNow(card: RecordedCall & { ts: string }): Record<string, unknown> {
  const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === card.ts);
  return (edits.at(-1) ?? card).body;
}

/** Presses `action` on the card as it reads now; what `sim` was asked for it. */
async function press(sim: Sim, card: RecordedCall & { ts: string }, action: string): Promise<string[]> {
  // Retry is offered on the failure's thread post: the same value, pressed on the card's message.
  const all = buttons(cardNow(card));
  const button =
    all.find((b) => b.action_id === action) ?? all.find((b) => b.action_id.startsWith('resource.'));
  expect(button, `a ${action} button`).toBeDefined();
  const from = sim.server.requests.length;
  const http = await postSigned(
    t.eventsUrl,
    SIGNING_SECRET,
    messageButtonBody(
      {
        actionId: action,
        value: button!.value,
        channelId: CHANNEL,
        messageTs: card.ts,
        responseUrl: t.fakeSlack.responseUrl(`${action}-${card.ts}-${from}`),
      },
      { userId: ADMIN },
    ),
    FORM,
  );
  expect(http.status).toBe(200);
  await t.settled();
  await t.bot.deps.watcher.rechecksIdle();
  return sim.server.requests
    .slice(from)
    .map(
      (r) =>
        `${r.method} ${r.path.replace(/^\/v2\/\w+/, '').replace(/^\/1\.3\/object-storage-2\/[^/]+/, '')}`,
    );
}

describe('provider calls per click on a watched card: at most the action and one read', () => {
  it('Pause, Resume, Refresh on a migrating OMS task', async () => {
    const task = t.oms.addTask({ id: '805800000000001', name: 'clicks-moving', status: 2, progress: 0.1 });
    const card = await watchedCard(task.id, task.id);
    const one = `/tasks/${task.id}`;
    expect(await press(t.oms, card, 'resource.pause')).toEqual([`POST ${one}/stop`, `GET ${one}`]);
    expect(await press(t.oms, card, 'resource.resume')).toEqual([`POST ${one}/start`, `GET ${one}`]);
    expect(await press(t.oms, card, 'resource.refresh')).toEqual([`GET ${one}`]);
  });

  it('Retry and I’m on it on a failed OMS task', async () => {
    const task = t.oms.addTask({
      id: '805800000000002',
      name: 'clicks-failed',
      status: 4,
      failCode: 'TRF.0015',
    });
    const card = await watchedCard(task.id, task.id);
    const one = `/tasks/${task.id}`;
    expect(await press(t.oms, card, 'failure.claim')).toEqual([`GET ${one}`]);
    expect(JSON.stringify(cardNow(card).blocks)).toContain(`<@${ADMIN}>`);
    expect(await press(t.oms, card, 'resource.retry')).toEqual([`POST ${one}/start`, `GET ${one}`]);
  });

  it('Delete on a paused OMS task: decided on the watcher’s read, then the delete and one read', async () => {
    const task = t.oms.addTask({ id: '805800000000003', name: 'clicks-delete', status: 3 });
    const card = await watchedCard(task.id, task.id);
    const one = `/tasks/${task.id}`;
    expect(await press(t.oms, card, 'resource.delete')).toEqual([`DELETE ${one}`, `GET ${one}`]);
    expect(t.oms.task(task.id)).toBeUndefined();
    // The watches took the read's 404: the card says Deleted, by whom, without a poll of its own.
    expect(JSON.stringify(cardNow(card).blocks)).toMatch(/Deleted/);
  });

  it('Delete on a task someone resumed since the last poll: refused by OMS, one read says why', async () => {
    const task = t.oms.addTask({ id: '805800000000004', name: 'clicks-racy', status: 3 });
    const card = await watchedCard(task.id, task.id);
    const one = `/tasks/${task.id}`;
    // Resumed in the console after the card was drawn (the watcher has not polled since).
    t.oms.tasks.get(task.id)!.status = 2;
    t.oms.tasks.get(task.id)!.runningSince = t.oms.clock.now();
    expect(await press(t.oms, card, 'resource.delete')).toEqual([`DELETE ${one}`, `GET ${one}`]);
    expect(t.oms.task(task.id)).toBeDefined();
    const told = t.fakeSlack.callsTo('chat.postEphemeral').at(-1);
    expect(String(told?.body.text)).toContain('Nothing was done');
  });

  it('Delete when the connection’s last poll failed: read first, as without a watch', async () => {
    const task = t.oms.addTask({ id: '805800000000005', name: 'clicks-unsure', status: 3 });
    const card = await watchedCard(task.id, task.id);
    t.oms.faults.configure({ rate5xx: 1 });
    await t.bot.deps.watcher.runCycle();
    t.oms.faults.reset();
    const asked = await press(t.oms, card, 'resource.delete');
    expect(asked.slice(0, 2)).toEqual([`GET /tasks/${task.id}`, `DELETE /tasks/${task.id}`]);
    expect(t.oms.task(task.id)).toBeUndefined();
  });

  it('Cancel on a running UpCloud job: the cancel and one read', async () => {
    const job = upcloud.addJob({ name: 'clicks-cancel', status: 'running', progress: 0.2 });
    const card = await watchedCard(`up-fi:${job.uuid}`, job.uuid);
    const asked = await press(upcloud, card, 'resource.cancel');
    expect(asked).toHaveLength(2);
    expect(asked[1]).toBe(`GET /jobs/${job.uuid}`);
  });
});
