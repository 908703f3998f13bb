import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { advanceWhileRunning } from '../../harness/oms-running.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { parseCsv } from '../../helpers/csv.js';
import { ADDS_UP, cloudKeys, pressForModal, verifyingClouds } from '../three-clouds-rig.js';

// Issue 49 item 3: on a run that succeeded, "Run changes since" asks for the next run through the
// same two-person approval: OMS a new task with migrate_since = the start of the last run (seconds,
// Table 5-40), named "<title> · delta 1"; NCP the policy started again; UpCloud a new job. The
// thread keeps the chain.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0DELTA01';
const KEYS = cloudKeys('DELTA', '0000000d3174');
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0DELTBOB';
const MB = 1024 ** 2;

const { t, ncp, upcloud, clock, untilVerified, verifiedRun, failedRunVerified } = verifyingClouds(KEYS);
const ix = new Interactions(t);
let views: ViewTracker;

beforeAll(async () => {
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${APPROVER}> approver`);
});

function rerunButtonOf(body: Record<string, unknown>) {
  const button = buttons(body).find((b) => b.action_id === 'verification.rerun');
  expect(button).toBeDefined();
  return button!;
}

/** Presses the button as `userId`: the modal it opened, or what the presser was told instead. */
const press = (button: { action_id: string; value: string }, userId = REQUESTER) =>
  pressForModal(t, views, button, { userId, channelId: CHANNEL });

/** Confirms the modal; resolves with the approval request posted (the channel is the approvals channel). */
async function confirm(view: ShownView) {
  const since = t.fakeSlack.calls.length;
  const submitted = await ix.submit(view, {}, { userId: REQUESTER });
  expect(submitted.status).toBe(200);
  return postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
}

/** The chain's lines under the card `ts`: posted by the run's outbox (its dedup key), the one writer. */
function threadLines(ts: string): string[] {
  const keyOf = (c: RecordedCall) =>
    (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';
  return t.fakeSlack.calls
    .filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts && keyOf(c).includes(':chain-'))
    .map((c) => String(c.body.text ?? ''));
}

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  return t.fakeSlack.waitFor(find, 10_000);
}

describe('Run changes since: OMS', { timeout: 90_000 }, () => {
  let firstTs = '';
  let deltaId = '';

  it('asks for a new task with migrate_since = the last start, named "· delta 1", through approval', async () => {
    const started = t.oms.clock.now();
    // Two objects older than the run, one changed after it started (the cut-over's delta).
    t.oms.addBucket({
      cloudType: 'AWS',
      region: 'us-east-1',
      name: 'cutover-src',
      objects: [
        { key: 'a.bin', size: 400 * MB, lastModified: started - 3_600_000 },
        { key: 'b.bin', size: 600 * MB, lastModified: started - 600_000 },
        { key: 'c.bin', size: 200 * MB, lastModified: started + 60_000 },
      ],
    });
    const { post: verification } = await verifiedRun(CHANNEL, {
      name: 'cutover',
      status: 2,
      progress: 0.5,
      totalSize: 1200 * MB,
      totalNum: 3,
      speed: 16 * MB,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'cutover-src' },
      dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    firstTs = String(verification.thread_ts);
    expect(buttons(verification).map((b) => b.text)).toEqual([
      'Sign off',
      'Run changes since',
      'Check the buckets',
      'Evidence bundle',
      'Keep in sync…',
      'Cut over…',
    ]);

    const tasksBefore = t.oms.tasks.size;
    const { view } = await press(rerunButtonOf(verification));
    expect(view?.view.callback_id).toBe('verification.rerun.confirm');
    const shown = mrkdwnTexts(view!.view);
    expect(shown).toContain('`cutover · delta 1`');
    expect(shown).toContain('only the objects changed since');
    expect(shown).toContain('an approver other than you reviews the request first');
    // Shown, not asked for: nothing is created and no request is posted by opening the modal.
    expect(t.oms.tasks.size).toBe(tasksBefore);

    const request = await confirm(view!);
    expect(messageText(request.message)).toContain('Delta 1');
    expect(mrkdwnTexts(request.message)).toContain('only the objects changed since');
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.status).toBe('pending');
    expect(record.request).toMatchObject({
      description: 'cutover · delta 1',
      migrate_since: Math.floor(started / 1000),
    });
    // Still nothing in OMS until someone else approves: the requester cannot.
    expect(t.oms.tasks.size).toBe(tasksBefore);
    const self = await decideApproval(t, ix, { ...request, channel: CHANNEL }, 'approve', REQUESTER);
    expect(self).toContain('You asked for this migration');
    expect(t.oms.tasks.size).toBe(tasksBefore);
    // The run's thread says it was asked for, with the request.
    await waitFor(() => threadLines(firstTs).find((l) => l.includes('*Delta 1* requested by <@U0ALICE01>')));

    await decideApproval(t, ix, { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const created = await waitFor(() =>
      [...t.oms.tasks.values()].find((x) => x.description === 'cutover · delta 1'),
    );
    deltaId = created.id;
    // What the OMS simulator received: migrate_since in seconds (Table 5-40), the last run's start.
    expect(created.options?.migrate_since).toBe(Math.floor(started / 1000));
    expect(created.src).toMatchObject({ cloud_type: 'AWS', region: 'us-east-1', bucket: 'cutover-src' });
    // ...and honoured it: the two older objects are skipped, only the changed one moves.
    expect({
      total: created.totalNum,
      skipped: created.skippedNum,
      skippedSize: created.skippedSize,
    }).toEqual({
      total: 3,
      skipped: 2,
      skippedSize: 1000 * MB,
    });
    // The chain: the run's thread is told, and the delta's card links back.
    await waitFor(() => threadLines(firstTs).find((l) => l.includes('*Delta 1* approved by <@U0DELTBOB>')));
    const card = await waitFor(() =>
      t.fakeSlack.calls.find(
        (c) => c.method === 'chat.postMessage' && !c.body.thread_ts && messageText(c.body).includes(deltaId),
      ),
    );
    expect(mrkdwnTexts(card.body)).toMatch(/Delta 1 of <https?:[^|]+\|cutover>/);
  });

  it('a delta of the delta is "· delta 2", changes since the delta started', async () => {
    const delta = t.oms.task(deltaId)!;
    const verification = await untilVerified(deltaId, advanceWhileRunning(t.oms, deltaId));
    const { view } = await press(rerunButtonOf(verification));
    expect(mrkdwnTexts(view!.view)).toContain('`cutover · delta 2`');
    const request = await confirm(view!);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.request).toMatchObject({
      description: 'cutover · delta 2',
      migrate_since: Math.floor(delta.startedAt! / 1000),
    });
    expect(record.rerun).toMatchObject({ n: 2, root: expect.stringContaining(':task:') });
  });

  it('is refused for a run that did not succeed, with a clear message, and asks nothing', async () => {
    const { post: verification, value } = await failedRunVerified(CHANNEL, 'cutover-failed');
    expect(buttons(verification).find((b) => b.action_id === 'verification.rerun')).toBeUndefined();
    const pending = (await approvalsOf(t.bot.deps).records.pending()).length;
    const { click, view } = await press({ action_id: 'verification.rerun', value });
    expect(view).toBeUndefined();
    expect(messageText(await click.answer())).toContain(
      'Only a run that succeeded can be followed by its changes; this one is failed.',
    );
    expect((await approvalsOf(t.bot.deps).records.pending()).length).toBe(pending);
  });
});

describe('the verification as CSV', { timeout: 90_000 }, () => {
  it('is uploaded to the thread after the post, with the figures the post shows', async () => {
    const { task, post } = await verifiedRun(CHANNEL, {
      name: 'csv-figures',
      ...ADDS_UP,
      speed: 16 * MB,
    });
    const upload = await waitFor(() =>
      t.fakeSlack.files.uploads.find((u) => u.filename === `verification-${task.id}.csv`),
    );
    expect(upload.threadTs).toBe(post.thread_ts);
    const rows = Object.fromEntries(
      parseCsv(upload.bytes.toString('utf8'))
        .slice(1)
        .map(([figure, value]) => [figure, value]),
    );
    const text = mrkdwnTexts(post);
    const objects =
      /\*Objects:\* ([\d,]+) in total = ([\d,]+) succeeded \+ ([\d,]+) skipped \+ ([\d,]+) failed/.exec(
        text,
      )!;
    const n = (s: string) => Number(s.replace(/,/g, ''));
    expect(
      [rows.objects_total, rows.objects_succeeded, rows.objects_skipped, rows.objects_failed].map(Number),
    ).toEqual(objects.slice(1, 5).map(n));
    const mib = (bytes: string) => `${Math.round(Number(bytes) / MB)} MiB`;
    expect(text).toContain(
      `*Bytes:* ${mib(rows.bytes_total!)} in total, ${mib(rows.bytes_processed!)} processed`,
    );
    expect(text).toContain(`*Written:* ${mib(rows.bytes_written!)}`);
    expect(rows).toMatchObject({ state: 'succeeded', outcome: 'matches', consistency_check: 'crc64' });
    // Once: more cycles upload nothing more.
    clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    expect(t.fakeSlack.files.uploads.filter((u) => u.filename === upload.filename)).toHaveLength(1);
  });
});

describe('Run again: NCP and UpCloud', { timeout: 90_000 }, () => {
  it('NCP: "Start again" starts the same policy again once someone else approves', async () => {
    ncp.addPolicy({
      title: 'delta-ncp',
      jobState: 'STARTED',
      totalSize: 40 * MB,
      totalObjects: 40,
      progress: 0.5,
      speed: 100 * MB,
    });
    await t.ask(`watch ncp-kr:delta-ncp <#${CHANNEL}|ops>`);
    const verification = await untilVerified('delta-ncp', () => ncp.clock.advance(1_000));
    const button = rerunButtonOf(verification);
    expect(button.text).toBe('Start again');
    const { view } = await press(button);
    expect(mrkdwnTexts(view!.view)).toContain('the same policy started again');
    const request = await confirm(view!);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.rerun).toMatchObject({ mode: 'restart', n: 1, of: { id: 'delta-ncp' } });
    expect(ncp.policy('delta-ncp')!.jobState).toBe('DONE');
    ncp.policies.get('delta-ncp')!.changed = { size: 4 * MB, objects: 4 };
    await decideApproval(t, ix, { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const policy = ncp.policy('delta-ncp')!;
    expect(policy.jobState).toBe('STARTED');
    expect({ skipped: policy.skippedObjects, size: policy.skippedSize }).toEqual({
      skipped: 36,
      size: 36 * MB,
    });
    await waitFor(() =>
      threadLines(String(verification.thread_ts)).find((l) =>
        l.includes('*Delta 1* approved by <@U0DELTBOB>'),
      ),
    );
  });

  it('UpCloud: "Run again" asks for a new job over the same source, "· delta 1"', async () => {
    const job = upcloud.addJob({
      name: 'delta-up',
      serviceId: KEYS.service,
      status: 'running',
      progress: 0.5,
    });
    await t.ask(`watch up-fi:${job.uuid} <#${CHANNEL}|ops>`);
    const verification = await untilVerified(job.uuid, () => upcloud.clock.advance(3_600_000));
    const button = rerunButtonOf(verification);
    expect(button.text).toBe('Run again');
    const { view } = await press(button);
    expect(mrkdwnTexts(view!.view)).toContain('a new job over the whole source again');
    const before = upcloud.jobs.size;
    const request = await confirm(view!);
    expect(upcloud.jobs.size).toBe(before);
    await decideApproval(t, ix, { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const created = await waitFor(() =>
      [...upcloud.jobs.values()].find((j) => j.name === 'delta-up · delta 1'),
    );
    expect(created.source).toMatchObject({ bucket: job.source.bucket, region: job.source.region });
    expect(created.target).toMatchObject({ bucket: job.target.bucket });
  });
});
