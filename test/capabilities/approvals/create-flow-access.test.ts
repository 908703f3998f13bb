import { describe, expect, it } from 'vitest';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { responseActionProblems, type ShownView, viewLimitProblems } from '../../harness/interactions.js';
import {
  blockIds,
  checkTheWholeRun,
  isForm,
  isPicker,
  type Json,
  OPERATOR,
  selectOptions,
  TEAM,
  useCreateFlow,
  VIEWER,
} from './create-flow-rig.js';

// Who may create and how: a viewer is refused, several connections open the picker first, and the
// global shortcut asks for a channel.

const flow = useCreateFlow();
const { t, ix, views, openForm, postedRequest, ephemeralTo } = flow;

// ----- access and shortcut -------------------------------------------------------------------------------

describe('who may create', () => {
  it('a viewer cannot create: no modal, a clear refusal', async () => {
    const opens = t.fakeSlack.callsTo('views.open').length;
    const answer = await t.ask('create', { userId: VIEWER });
    expect(String(answer.text)).toContain(
      'You need the operator role in <#C0FAKE001> to ask for new migrations',
    );
    expect(t.fakeSlack.callsTo('views.open')).toHaveLength(opens);
  });

  it('several connections: the picker first, then the chosen form', async () => {
    const picker = await openForm('create', OPERATOR, isPicker);
    expect(selectOptions(picker.view, 'target')).toEqual([
      'hw-prod|task',
      'hw-prod|task-group',
      'ncp-kr|policy',
      'up-fi|job',
    ]);
    expect(viewLimitProblems(picker.view)).toEqual([]);
    const res = await ix.submit(picker, { target: 'up-fi|job' }, { userId: OPERATOR });
    expect(res.body?.response_action).toBe('update');
    expect(((res.body!.view as Json).title as Json).text).toBe('New UpCloud job');
    expect(responseActionProblems(res.body!)).toEqual([]);
    const oms = await ix.submit(picker, { target: 'hw-prod|task' }, { userId: OPERATOR });
    expect((oms.body!.view as Json).callback_id as string).toBe('migrate_create.loading');
    const filled = await t.fakeSlack.waitFor(() =>
      views.shown.find((v) => v.method === 'views.update' && v.id === picker.id && isForm(v)),
    );
    expect(viewLimitProblems(filled.view)).toEqual([]);
  });

  it('unknown words get a specific message', async () => {
    const answer = await t.ask('create gcp', { userId: OPERATOR });
    expect(String(answer.text)).toContain('"gcp" is not a connection (hw-prod, ncp-kr, up-fi)');
  });

  it('the global shortcut opens the picker with its trigger; the form asks for a channel', async () => {
    const before = views.shown.length;
    const res = await ix.shortcut('migrate_create', 'trigger-shortcut-1', { userId: OPERATOR });
    expect(res.status).toBe(200);
    const picker = await t.fakeSlack.waitFor(() => views.shown.slice(before).find(isPicker));
    expect(picker.call.body.trigger_id).toBe('trigger-shortcut-1');
    const next = await ix.submit(picker, { target: 'ncp-kr|policy' }, { userId: OPERATOR });
    const ncpForm: ShownView = { ...picker, view: next.body?.view as Json };
    expect(blockIds(ncpForm.view)).toContain('result_channel');
    const values = {
      title: 'from-shortcut',
      src_region: 'us-east-1',
      src_bucket: 'b',
      dst_bucket: 'ncp-c',
    };
    const missing = await ix.submit(ncpForm, values, { userId: OPERATOR });
    expect(missing.body?.errors).toEqual({
      result_channel: 'Pick the channel where the new migration is posted.',
    });
    const since = t.fakeSlack.calls.length;
    const ok = await ix.submit(ncpForm, { ...values, result_channel: 'C0RESULTS' }, { userId: OPERATOR });
    expect(ok.body).toBeUndefined();
    const req = await postedRequest(since);
    expect((await approvalsOf(t.bot.deps).get(TEAM, req.id)).channel).toBe('C0RESULTS');
    await ephemeralTo(OPERATOR, since, /waiting for an approver/);
  });

  it('a viewer’s shortcut opens a modal that says why', async () => {
    const before = views.shown.length;
    await ix.shortcut('migrate_create', 'trigger-shortcut-2', { userId: VIEWER });
    const shown = await t.fakeSlack.waitFor(() => views.shown.slice(before).at(0));
    expect(shown.call.body.trigger_id).toBe('trigger-shortcut-2');
    expect(JSON.stringify(shown.view)).toContain('You need the operator role');
  });
});

checkTheWholeRun(flow, 1);
