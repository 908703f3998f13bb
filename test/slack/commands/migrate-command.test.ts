import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buttons, DST_SK, HW_SK, messageText, mrkdwnTexts, SRC_SK, TestBot } from '../../harness/test-bot.js';

const t = new TestBot();

beforeAll(async () => {
  await t.start();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.oms.tasks.clear();
  t.oms.faults.reset();
  t.fakeSlack.clear();
});

describe('/migrate over signed HTTP', () => {
  it('acks at once with an empty 200, then answers on the response_url', async () => {
    const { http, responseId } = await t.command('help');
    expect(http.status).toBe(200);
    expect(http.text).toBe('');
    const answer = await t.answer(responseId);
    expect(answer.response_type).toBe('ephemeral');
    expect(messageText(answer)).toContain('/migrate status &lt;id&gt;');
    expect(messageText(answer)).toContain('`hw-prod`');
  });

  it('shows a task card for a unique id prefix', async () => {
    const task = t.oms.addTask({
      id: '191297407830872',
      name: 'photos-to-obs',
      status: 2,
      progress: 0.42,
      totalSize: 100 * 1024 ** 3,
      totalNum: 50_000,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'photos' },
      dst: { region: 'cn-north-4', bucket: 'photos-obs' },
    });
    const answer = await t.ask(`status ${task.id.slice(0, 6)}`);
    const text = messageText(answer);
    expect(answer.response_type).toBe('ephemeral');
    expect(text).toContain('photos-to-obs');
    expect(text).toContain('Migrating');
    expect(text).toMatch(/4[2-9]%/);
    expect(text).toContain('100 GiB');
    expect(text).toContain('50,000');
    expect(text).toContain('AWS us-east-1');
    expect(text).toContain('`photos`');
    expect(text).toContain('`hw-prod:191297407830872`');
    const actions = buttons(answer).map((b) => b.action_id);
    expect(actions).toEqual(['resource.pause', 'resource.watch', 'resource.refresh']);
  });

  it('accepts connection:id, full ids, backticks and a trailing ellipsis', async () => {
    const task = t.oms.addTask({ name: 'logs', status: 3 });
    for (const ref of [`hw-prod:${task.id}`, task.id, `\`hw-prod:${task.id}\``, `${task.id.slice(0, 5)}…`]) {
      expect(messageText(await t.ask(`status ${ref}`))).toContain('logs');
    }
  });

  it('shares a status to the channel only when asked, tolerating an em dash from mobile', async () => {
    const task = t.oms.addTask({ name: 'shared', status: 3 });
    expect((await t.ask(`status ${task.id} —share`)).response_type).toBe('in_channel');
    expect((await t.ask(`status ${task.id}`)).response_type).toBe('ephemeral');
  });

  it('offers candidates when a prefix is ambiguous', async () => {
    t.oms.addTask({ id: '555500000000001', name: 'a', status: 3 });
    t.oms.addTask({ id: '555500000000002', name: 'b', status: 3 });
    const answer = await t.ask('status 5555');
    expect(messageText(answer)).toContain('matches 2 resources');
    // Name and state in the text beside a short button, which a phone does not cut.
    expect(buttons(answer).map((b) => b.text)).toEqual(['Open', 'Open']);
    expect(mrkdwnTexts(answer)).toContain('*a* · Paused\n`hw-prod:555500000000001`');
    expect(mrkdwnTexts(answer)).toContain('*b* · Paused\n`hw-prod:555500000000002`');
  });

  it('explains a failed task with the catalogue entry and where the failed-object list is', async () => {
    const task = t.oms.addTask({
      name: 'doomed',
      status: 2,
      failAt: 0.1,
      failCode: 'TRF.0015',
      failMessage: 'The source AK/SK is invalid.',
    });
    t.oms.clock.advance(60_000);
    const text = messageText(await t.ask(`status ${task.id}`));
    expect(text).toContain('Failed');
    expect(text).toContain('`TRF.0015`');
    expect(text).toContain('*Last error:* `TRF.0015` The source account does not use Blob Storage');
    expect(text).toContain('Fix:');
    expect(text).toContain('failed_list.txt');
  });

  it('lists tasks in every state by default and filters by state', async () => {
    t.oms.addTask({ name: 'waiting-one', status: 1 });
    t.oms.addTask({ name: 'paused-one', status: 3 });
    t.oms.addTask({ name: 'failed-one', status: 4, failCode: 'TRF.0001' });
    t.oms.addTask({ name: 'done-one', status: 5, progress: 1 });
    const all = messageText(await t.ask('list'));
    for (const name of ['waiting-one', 'paused-one', 'failed-one', 'done-one']) expect(all).toContain(name);
    expect(all).toContain('Showing 1–4 of 4');
    const failed = messageText(await t.ask('list failed'));
    expect(failed).toContain('failed-one');
    expect(failed).not.toContain('paused-one');
    const scoped = messageText(await t.ask('LIST hw-prod paused'));
    expect(scoped).toContain('paused-one');
    expect(scoped).not.toContain('failed-one');
  });

  it('pauses and resumes from commands, showing the new state and no op id', async () => {
    const task = t.oms.addTask({ name: 'to-pause', status: 2 });
    const paused = messageText(await t.ask(`pause ${task.id}`));
    // OMS answers a pause with "pausing": the card says it was requested, and by whom (issue #13).
    expect(paused).toContain('Pausing… requested by <@U0ALICE01>');
    // Op ids are for the logs and the audit, not for people (issue #39).
    expect(paused).not.toMatch(/op `[0-9a-f]{8}`/);
    expect(t.oms.task(task.id)?.status).toBe(7);
    t.oms.clock.advance(1_000);
    const resumed = messageText(await t.ask(`resume ${task.id}`));
    expect(resumed).toContain('resumed by');
    expect(t.oms.task(task.id)?.status).toBe(1);
  });

  it('never deletes from the command: it offers a Delete button behind a danger confirm', async () => {
    const task = t.oms.addTask({ name: 'to-delete', status: 3 });
    const answer = await t.ask(`delete ${task.id}`);
    expect(t.oms.task(task.id)).toBeDefined();
    const [del, refresh] = buttons(answer);
    expect(del?.action_id).toBe('resource.delete');
    expect(del?.style).toBe('danger');
    expect(del?.confirm).toMatchObject({ style: 'danger', confirm: { text: 'Delete' } });
    expect(refresh?.action_id).toBe('resource.refresh');

    const click = await t.click(del!.action_id, del!.value);
    const after = messageText(await click.answer());
    expect(after).toContain('deleted by <@U0ALICE01>');
    expect(t.oms.task(task.id)).toBeUndefined();
    expect((await click.answer()).replace_original).toBe(true);
  });

  it('refuses to offer delete for a running task and says to pause first', async () => {
    const task = t.oms.addTask({ name: 'busy', status: 2 });
    const answer = await t.ask(`delete ${task.id}`);
    expect(messageText(answer)).toContain('Pause it first');
    expect(buttons(answer).map((b) => b.action_id)).toEqual([
      'resource.pause',
      'resource.watch',
      'resource.refresh',
    ]);
  });

  it('updates the card in place when Pause is pressed on it', async () => {
    const task = t.oms.addTask({ name: 'clicky', status: 2 });
    await t.ask('access grant <@U0BOB0001|bob> operator');
    const card = await t.ask(`status ${task.id}`);
    const pause = buttons(card).find((b) => b.action_id === 'resource.pause')!;
    expect(pause.confirm).toBeDefined();
    const click = await t.click(pause.action_id, pause.value, 'U0BOB0001');
    const answer = await click.answer();
    expect(answer.replace_original).toBe(true);
    expect(messageText(answer)).toContain('Pausing');
    expect(messageText(answer)).toContain('Pausing… requested by <@U0BOB0001>');
  });

  it('shows a provider refusal with its code, explanation and request id, and changes nothing', async () => {
    const task = t.oms.addTask({ name: 'racy', status: 3 });
    const card = await t.ask(`delete ${task.id}`);
    // Someone resumes it in the console before our user confirms the deletion.
    t.oms.tasks.get(task.id)!.status = 2;
    t.oms.tasks.get(task.id)!.runningSince = t.oms.clock.now();
    const del = buttons(card).find((b) => b.action_id === 'resource.delete')!;
    const text = messageText(await (await t.click(del.action_id, del.value)).answer());
    expect(text).toContain('cannot be deleted now');
    expect(text).toContain('You can: Pause.');
    expect(t.oms.task(task.id)).toBeDefined();
  });

  it('explains an OMS error code returned by the API, with the request id', async () => {
    const task = t.oms.addTask({ name: 'complete', status: 3 });
    // OMS refuses the start (as it would after a state change nobody saw yet).
    t.oms.faults.script({
      method: 'POST',
      path: '/start',
      status: 400,
      body: { error_code: 'OMS.0065', error_msg: 'The task has already started.', request_id: 'req-65' },
    });
    const text = messageText(await t.ask(`resume ${task.id}`));
    expect(text).toContain('refused StartTask (HTTP 400)');
    expect(text).toContain('`OMS.0065` The task has already started.');
    expect(text).toContain('*Fix:* Do not perform the operation repeatedly.');
    expect(text).toContain('provider request id `req-65`');
    expect(t.oms.task(task.id)?.status).toBe(3);
  });

  it('says a provider is down without calling the task failed', async () => {
    const task = t.oms.addTask({ name: 'steady', status: 2 });
    t.oms.faults.configure({ rate5xx: 1 });
    const text = messageText(await t.ask(`status hw-prod:${task.id}`));
    expect(text).toContain('is not answering right now');
    expect(text).toContain('Nothing was changed');
    expect(text).not.toContain(':x: Failed');
  });

  it('answers unknown subcommands and bad ids specifically, changing nothing', async () => {
    const task = t.oms.addTask({ name: 'untouched', status: 2 });
    expect(messageText(await t.ask('staus 1234'))).toContain(
      'Unknown subcommand `staus`. Did you mean `status`?',
    );
    expect(messageText(await t.ask('pause'))).toContain('needs an id');
    expect(messageText(await t.ask('pause 12'))).toContain('too short');
    expect(messageText(await t.ask('pause <@U123>'))).toContain('is not an id');
    expect(messageText(await t.ask('status nope:123456'))).toContain('No connection named "nope"');
    expect(messageText(await t.ask('status 999999999999999'))).toContain('No resource "999999999999999"');
    expect(messageText(await t.ask('list sideways'))).toContain(
      'No connection named "sideways". This workspace has: hw-prod.',
    );
    expect(messageText(await t.ask('list hw-prod sideways'))).toContain('does not understand "sideways"');
    expect(t.oms.task(task.id)?.status).toBe(2);
  });

  it('escapes mrkdwn and mentions coming from the provider', async () => {
    const task = t.oms.addTask({
      name: '<!channel> *urgent* <@U999> @here',
      status: 4,
      failCode: 'TRF.0001',
      failMessage: '<https://evil|click> *now*',
    });
    const answer = await t.ask(`status ${task.id}`);
    // plain_text (header, confirm) is never parsed by Slack; everything parsed as mrkdwn must be inert.
    const text = mrkdwnTexts(answer);
    expect(text).toContain('&lt;!channel&gt; ∗urgent∗ &lt;@U999&gt; ＠here');
    // Outside inline code (a path or id shown to be copied as it is, which Slack does not parse).
    expect(text.replace(/`[^`]*`/g, '')).not.toContain('@here');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U999>');
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('&lt;https://evil|click&gt;');
    expect(text).not.toContain('*now*');
  });

  it('never puts a secret in a Slack payload or a log line', async () => {
    const task = t.oms.addTask({ name: 'secretive', status: 3 });
    await t.ask(`resume ${task.id}`);
    await t.ask('list');
    const everything = JSON.stringify([t.fakeSlack.calls, t.fakeSlack.responses]) + t.logs.lines.join('\n');
    for (const secret of [HW_SK, SRC_SK, DST_SK]) expect(everything).not.toContain(secret);
  });
});

describe('request signing', () => {
  it('rejects a wrong signature with 401 and runs nothing', async () => {
    const task = t.oms.addTask({ name: 'guarded', status: 2 });
    const { http, responseId } = await t.command(`pause ${task.id}`, {}, { signature: 'v0=deadbeef' });
    expect(http.status).toBe(401);
    await t.settled();
    expect(t.fakeSlack.responsesTo(responseId)).toHaveLength(0);
    expect(t.oms.task(task.id)?.status).toBe(2);
  });

  it('rejects a missing signature', async () => {
    const { http } = await t.command('help', {}, { omitSignature: true });
    expect(http.status).toBe(401);
  });

  it('rejects a replayed request older than five minutes', async () => {
    const task = t.oms.addTask({ name: 'replayed', status: 2 });
    const { http, responseId } = await t.command(
      `pause ${task.id}`,
      {},
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(http.status).toBe(401);
    await t.settled();
    expect(t.fakeSlack.responsesTo(responseId)).toHaveLength(0);
    expect(t.oms.task(task.id)?.status).toBe(2);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'ok', slack: 'ok', leases: 'n/a' });
  });

  it('publishes the Home tab on app_home_opened', async () => {
    const res = await t.event({ type: 'app_home_opened', user: 'U0ALICE01', channel: 'D0001', tab: 'home' });
    expect(res.status).toBe(200);
    const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish')[0]);
    expect(JSON.stringify(call.body)).toContain('hw-prod');
  });
});
