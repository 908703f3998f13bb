import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../../src/capabilities/api/openapi.json' with { type: 'json' };
import { type Cutover, cutKey, moveStep, newSteps } from '../../../src/capabilities/cutover/cut-record.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, type TestBot } from '../../harness/test-bot.js';
import { ALICE, APPROVER, BOB, CHANNEL, CutoverWorld, STARTER, sameKeys } from './cutover-world.js';

// Issue 76, the guided cut-over: one confirmation listing the steps, then a living post whose steps
// a job moves on (freeze notice, final delta, Check the buckets, sign-off, complete). Two bots on
// one Redis database and one clock (cutover-world.ts) tick their schedulers together: each step is
// done once across them, and "complete" is never posted while a step is red or waiting for a person.
const w = new CutoverWorld();
const { a, b, clock } = w;
const CONNECTION = w.connection;

beforeAll(() => w.start(), 60_000);
afterAll(() => w.stop());

const migrated = w.migrated.bind(w);
const tickBoth = w.tickBoth.bind(w);
const said = w.said.bind(w);
const completes = w.completes.bind(w);
const finalDeltas = w.finalDeltas.bind(w);
const postText = w.postText.bind(w);
const postButton = w.postButton.bind(w);
const homeText = w.homeText.bind(w);
const startCutover = w.startCutover.bind(w);
const throughCheck = w.throughCheck.bind(w);

describe('the guided cut-over on two replicas', () => {
  it('runs green end to end: each step once, sign-off by another approver, complete once with the evidence', async () => {
    const task = await migrated('cut-green');
    const confirm = await startCutover(task.id, 'freeze 45 watch 3');
    // The one confirmation lists the steps as they will run.
    expect(confirm).toContain('A freeze notice of 45 min');
    // No keep-in-sync runs on it: nothing to stop, and the confirmation does not say one stops.
    expect(confirm).toContain('The final delta runs (no keep-in-sync is active');
    expect(confirm).not.toContain('Keep-in-sync stops');
    expect(confirm).toContain('0 missing and 0 different');
    expect(confirm).toContain('two-person rule');
    expect(confirm).toContain('watched for 3 days');
    await throughCheck('cut-green', task.id);
    expect(postText(task.id)).toContain('Check the buckets: *done*');
    expect(postText(task.id)).toContain('12 the same, 0 missing, 0 different');
    // The card says where it is (the cut-over's line, drawn by the one editor).
    await a.fakeSlack.waitFor(() =>
      a.fakeSlack
        .callsTo('chat.update')
        .find(
          (c) =>
            messageText(c.body).includes(task.id) &&
            messageText(c.body).includes('Cut-over: Sign-off, running'),
        ),
    );
    // In progress: listed.
    const list = await a.ask('cutover list', ALICE);
    expect(messageText(list)).toContain('cut-green');
    expect(messageText(list)).toContain('Sign-off, running');
    // The starter may not sign off; nothing is complete without a sign-off.
    const sign = postButton(task.id, 'cutover.cut.signoff');
    expect(sign).toBeDefined();
    const self = await (await a.click(sign!.action_id, sign!.value, ALICE)).answer();
    expect(messageText(self)).toContain('another approver must sign it off');
    await tickBoth(3);
    expect(completes(task.id)).toEqual([]);
    const ok = await (await b.click(sign!.action_id, sign!.value, BOB)).answer();
    expect(messageText(ok)).toContain('You signed off');
    await tickBoth(3);
    const done = completes(task.id);
    expect(done).toHaveLength(1);
    const text = messageText(done[0]!.body);
    expect(text).toContain('Cut-over complete');
    expect(text).toContain('12 the same, 0 missing, 0 different');
    expect(text).toContain(`signed off by <@${APPROVER}>`);
    // At completion the old bucket is watched for the days asked (h5's watch says so in the thread).
    const watching = await a.fakeSlack.waitFor(() =>
      said(task.id, /./).find((c) => messageText(c.body).includes('Watching the old bucket')),
    );
    expect(messageText(watching.body)).toContain('(3 days)');
    // Each step once across the two replicas: one freeze notice in the channel, one final delta.
    const freezes = w.channelFreezes(task.id);
    expect(freezes).toHaveLength(1);
    // The freeze's end in each reader's time zone (Slack's date token), not an ISO string.
    expect(messageText(freezes[0]!.body)).toMatch(/until <!date\^\d+\^[^>]+>\)/);
    expect(finalDeltas('cut-green')).toHaveLength(1);
    expect(said(task.id, /-freeze$/)).toHaveLength(1);
    // Every step in the audit log; the second cut-over of the same migration is refused.
    const audit = await a.bot.deps.audit.recent('T0FAKE001', 200);
    const mine = audit.filter((e) => e.target?.includes(task.id)).map((e) => e.action);
    expect(mine).toEqual(
      expect.arrayContaining(['cutover.start', 'cutover.started', 'cutover.step', 'cutover.completed']),
    );
    const again = await a.ask(`cutover ${CONNECTION}:${task.id}`, ALICE);
    expect(messageText(again)).toContain('already has a cut-over (complete');
    expect(postText(task.id)).toContain('complete');
  });

  it('keeps a missing object red: the starter may not override; another approver does, with a reason, audited', async () => {
    const task = await migrated('cut-missing', (keys) => sameKeys(keys.slice(1)));
    await startCutover(task.id);
    await throughCheck('cut-missing', task.id);
    expect(postText(task.id)).toContain('Check the buckets: *red: needs an override*');
    expect(postText(task.id)).toContain('1 missing');
    await tickBoth(3);
    expect(completes(task.id)).toEqual([]);
    const override = postButton(task.id, 'cutover.cut.override');
    expect(override).toBeDefined();
    const views = new ViewTracker(a.fakeSlack);
    const self = await (await a.click(override!.action_id, override!.value, ALICE)).answer();
    expect(messageText(self)).toContain('only another approver may override');
    // Whom to ask: the approvers granted in the channel, by name (not the starter).
    expect(messageText(self)).toContain(`Ask <@${APPROVER}> (approver of <#${CHANNEL}>)`);
    expect(views.shown).toEqual([]);
    await b.click(override!.action_id, override!.value, BOB);
    const form = await a.fakeSlack.waitFor(() =>
      views.shown.find((v) => v.view.callback_id === 'cutover.cut.override.form'),
    );
    // The form names who may submit it (the submission asks the policy and the two-person rule again).
    expect(JSON.stringify(form.view.blocks)).toContain(
      `Only an approver of <#${CHANNEL}> who did not start this cut-over may override it (<@${STARTER}> started it).`,
    );
    const submitted = await new Interactions(b).submit(
      form,
      { reason: 'The missing key is a temp file nobody reads' },
      { userId: APPROVER },
    );
    expect(submitted.status).toBe(200);
    views.stop();
    await a.fakeSlack.waitFor(() => said(task.id, /-override$/)[0]);
    await a.fakeSlack.waitFor(() => postText(task.id).includes('Check the buckets: *overridden*'));
    const audit = await a.bot.deps.audit.recent('T0FAKE001', 200);
    const overridden = audit.find((e) => e.action === 'cutover.overridden' && e.target?.includes(task.id));
    expect(overridden?.user).toBe(APPROVER);
    expect(postText(task.id)).toContain('Check the buckets: *overridden*');
    await tickBoth(2);
    const sign = postButton(task.id, 'cutover.cut.signoff');
    await (await b.click(sign!.action_id, sign!.value, BOB)).answer();
    await tickBoth(2);
    expect(completes(task.id)).toHaveLength(1);
    const reason = said(task.id, /-complete-override$/);
    expect(messageText(reason[0]!.body)).toContain('temp file nobody reads');
  });

  it('keeps a different object red, and aborts saying what has and has not happened', async () => {
    const task = await migrated('cut-diff', (keys) => ({ ...sameKeys(keys), [keys[3]!]: 'other bytes!!' }));
    await startCutover(task.id);
    await throughCheck('cut-diff', task.id);
    expect(postText(task.id)).toContain('1 different');
    expect(postButton(task.id, 'cutover.cut.signoff')).toBeUndefined();
    await tickBoth(3);
    expect(completes(task.id)).toEqual([]);
    // Home lists it in progress: the resource, where its post is, who started it, the step it is at.
    expect(await homeText(b)).toMatch(
      /\*Cut-overs in progress\* \(\d+\)[^"]*• \*cut-diff\* \(`[^`]+`\) in <#C0CUTOVER>, started by <@U0ALICE01>: Check the buckets, red: needs an override/,
    );
    const abort = postButton(task.id, 'cutover.cut.abort');
    // Its dialog says what Abort does; each claim is checked below.
    const dialog = JSON.stringify(abort?.confirm);
    expect(dialog).toContain('No further step runs');
    expect(dialog).toContain('The migration can be cut over again');
    const answer = await (await a.click(abort!.action_id, abort!.value, ALICE)).answer();
    expect(messageText(answer)).toContain('is aborted');
    const line = messageText((await a.fakeSlack.waitFor(() => said(task.id, /-abort$/)[0])).body);
    expect(line).toContain('Happened: Freeze notice (30 min); Final delta; Check the buckets');
    expect(line).toContain('Not done: Sign-off; Cut-over complete');
    await tickBoth(3);
    expect(completes(task.id)).toEqual([]);
    expect(postText(task.id)).toContain('aborted');
    expect(postButton(task.id, 'cutover.cut.signoff')).toBeUndefined();
    expect(await homeText(a)).not.toContain('*cut-diff*');
    // The final delta already made stays; the migration may be cut over again.
    expect(finalDeltas('cut-diff')).toHaveLength(1);
    const again = await a.ask(`cutover ${CONNECTION}:${task.id}`, ALICE);
    expect(buttons(again).some((x) => x.action_id === 'cutover.cut.start')).toBe(true);
  });

  it('says a source that is not S3-compatible cannot be checked: red, waiting for an override', async () => {
    const task = a.oms.addTask({
      name: 'cut-azure',
      status: 5,
      progress: 1,
      src: { cloud_type: 'Azure', region: 'eastus', bucket: 'cut-azure-src' },
      dst: { region: 'cn-north-4', bucket: 'cut-azure-dst' },
    });
    await a.ask(`watch ${task.id} <#${CHANNEL}|ops>`, ALICE);
    await a.bot.deps.watcher.runCycle();
    await startCutover(task.id);
    await throughCheck('cut-azure', task.id);
    expect(postText(task.id)).toContain('Check the buckets: *red: needs an override*');
    expect(postText(task.id)).toContain('not S3-compatible');
    expect(postButton(task.id, 'cutover.cut.override')).toBeDefined();
    await tickBoth(3);
    expect(completes(task.id)).toEqual([]);
  });

  it('makes a failed final delta red, and never completes', async () => {
    const task = await migrated('cut-delta');
    const refused = {
      method: 'POST',
      path: '/tasks',
      status: 403,
      body: { error_code: 'OMS.0003', error_msg: 'no' },
    };
    a.oms.faults.script(refused);
    await startCutover(task.id);
    await tickBoth(4);
    expect(finalDeltas('cut-delta')).toEqual([]);
    expect(postText(task.id)).toContain(
      'Final delta: *red: the cut-over stops here (abort it, then cut over again)*',
    );
    expect(postText(task.id)).toContain('Check the buckets: *waiting*');
    expect(completes(task.id)).toEqual([]);
    a.oms.faults.reset();
  });

  it('stops the keep-in-sync at the cut-over, said once: no run after it', async () => {
    const task = await migrated('cut-sync');
    const since = a.fakeSlack.calls.length;
    await a.ask(`keep-sync ${task.id} every 2h until +10d`, ALICE);
    const request = await a.fakeSlack.waitFor(() =>
      a.fakeSlack.calls
        .slice(since)
        .find((c) => buttons(c.body).some((x) => x.action_id === 'cutover.sync.approve')),
    );
    const approve = buttons(request.body).find((x) => x.action_id === 'cutover.sync.approve')!;
    await (await b.click(approve.action_id, approve.value, BOB)).answer();
    clock.advance(2 * 3_600_000);
    await tickBoth(2);
    const syncRuns = () =>
      [...a.oms.tasks.values()].filter((t) => t.description.startsWith('cut-sync · sync '));
    expect(syncRuns()).toHaveLength(1);
    const confirm = await startCutover(task.id);
    expect(confirm).toContain('Keep-in-sync stops, then the final delta runs');
    await throughCheck('cut-sync', task.id);
    const stops = said(task.id, /cutover-[a-f0-9]+-stop$/);
    expect(stops).toHaveLength(1);
    expect(messageText(stops[0]!.body)).toContain(`the cut-over started by <@${STARTER}>`);
    for (let i = 0; i < 4; i++) {
      clock.advance(2 * 3_600_000);
      await tickBoth(2);
    }
    expect(syncRuns()).toHaveLength(1);
    expect(finalDeltas('cut-sync')).toHaveLength(1);
    expect(said(task.id, /cutover-[a-f0-9]+-stop$/)).toHaveLength(1);
  });

  it('gives a step to one replica only when both claim it at once', async () => {
    const kv = (r: TestBot) => w.state(r).core.state;
    const cut: Cutover = {
      id: 'c0ffee0001',
      team: 'T0FAKE001',
      channel: CHANNEL,
      connection: CONNECTION,
      provider: 'huawei-oms',
      kind: 'task',
      resourceId: 'race',
      name: 'race',
      starter: STARTER,
      startedAt: clock.now(),
      freezeMin: 30,
      watchDays: 7,
      status: 'running',
      steps: newSteps(),
    };
    for (const name of ['freeze', 'delta', 'check'] as const) {
      await kv(a).update(cutKey(cut.team, cut.id), () => JSON.stringify(cut));
      const claims = await Promise.all(
        [a, b, a, b].map((r, i) =>
          moveStep(kv(r), cut, name, ['waiting'], { state: 'running', at: clock.now(), by: `replica-${i}` }),
        ),
      );
      expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
    }
    await kv(a).update(cutKey(cut.team, cut.id), () => undefined);
  });

  it('refuses a second cut-over, freeze out of bounds, a first copy still running, a viewer, another workspace', async () => {
    const task = await migrated('cut-refused');
    await startCutover(task.id);
    const running = await migrated('cut-running', sameKeys, 2);
    const cases: [string, string, Record<string, string>?][] = [
      [`cutover ${CONNECTION}:${task.id}`, 'already has a cut-over (running'],
      [`cutover ${CONNECTION}:${running.id}`, 'only a migration whose copy succeeded'],
      [`cutover ${CONNECTION}:${task.id} freeze 0`, 'from 1 to 1440'],
      [`cutover ${CONNECTION}:${task.id} freeze 1441`, 'from 1 to 1440'],
      [`cutover ${CONNECTION}:${task.id} watch 31`, 'from 1 to 30'],
      [`cutover ${CONNECTION}:${task.id}`, '', { userId: 'U0VIEWER1' }],
      [`cutover ${CONNECTION}:${task.id}`, '', { teamId: 'T0OTHER01' }],
    ];
    for (const [text, reason, who] of cases) {
      const answer = await a.ask(text, { ...ALICE, ...who });
      if (reason) expect(messageText(answer)).toContain(reason);
      expect(buttons(answer).some((x) => x.action_id === 'cutover.cut.start')).toBe(false);
    }
    // In progress: `GET /api/v1/cutovers` as documented in the OpenAPI document.
    const token = /(mbt_[0-9a-f]{8}_[A-Za-z0-9_-]{43})/.exec(
      messageText(await a.ask('token add cut-reader viewer', ALICE)),
    )?.[1];
    const response = await fetch(`${b.url}/api/v1/cutovers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { cutovers: { resource: { id: string }; steps: unknown[] }[] };
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'openapi.json', ...openapi });
    const validate = ajv.compile({
      $ref: 'openapi.json#/paths/~1api~1v1~1cutovers/get/responses/200/content/application~1json/schema',
    });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    const mine = body.cutovers.find((c) => c.resource.id === task.id);
    expect(mine?.steps).toHaveLength(5);
  });
});
