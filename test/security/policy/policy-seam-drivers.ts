import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import type { EntryPoint } from '../../../src/slack/listeners/router.js';
import { openRejectModal, postedApproval } from '../../harness/approval-requests.js';
import type { ShownView } from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import { FORM, postSigned } from '../../harness/slack-requests.js';
import { buttons, SIGNING_SECRET } from '../../harness/test-bot.js';
import { type OpenedView, viewSelectBody } from '../../harness/views.js';
import { ACTOR, CHANNEL, type SeamScene, TEAM } from './policy-seam-scene.js';

/**
 * One driver per registered entry point other than `/migrate` (whose subcommands are listed
 * above): `prepare` sets the scene (opens a modal, posts a request), which may ask the policy
 * itself; only what `send` does is watched.
 */
export type Driver = {
  surface: EntryPoint['surface'];
  sample: string;
  prepare?: () => Promise<unknown>;
  send: (prepared: never) => Promise<unknown>;
};

/** The drivers of every registered entry point but `/migrate`, on the scene `s` (started before any is sent). */
export function seamDrivers(s: SeamScene): Driver[] {
  const { c, t, who } = s;

  async function openedView(text: string, callbackId: string): Promise<ShownView> {
    const before = s.views.shown.length;
    await t.command(text, { userId: ACTOR, channelId: CHANNEL });
    return t.fakeSlack.waitFor(() =>
      s.views.shown.slice(before).find((v) => v.view.callback_id === callbackId),
    );
  }

  /** The OMS task form, once filled in (the modal opens as "Loading" and is updated). */
  async function createForm(): Promise<ShownView> {
    const before = s.views.shown.length;
    await t.command('create hw-prod task', { userId: ACTOR, channelId: CHANNEL });
    return t.fakeSlack.waitFor(() =>
      s.views.shown
        .slice(before)
        .find((v) => v.view.callback_id === 'migrate_create.form' && v.method === 'views.update'),
    );
  }

  /** Issue 60: a plan for the card's buttons to act on (made once, by ACTOR in CHANNEL). */
  let seamPlanId: string | undefined;
  async function seamPlan(): Promise<string> {
    if (!seamPlanId) {
      const text = JSON.stringify(
        await t.ask('plan new seam-buttons', { userId: ACTOR, channelId: CHANNEL }),
      );
      seamPlanId = /`(p[0-9a-f]{6})`/.exec(text)?.[1] ?? 'p000000';
    }
    return seamPlanId;
  }

  const stepInputs = {
    user_context: { id: ACTOR, secret: 'c2VjcmV0' },
    connection: 'hw-prod',
    kind: 'task',
    channel_id: CHANNEL,
    details: prefixDetails(),
  };

  /** A request asked by someone else (nobody decides their own), posted in the approvals channel. */
  async function askedByAlice(): Promise<{ id: string; ts: string }> {
    const since = t.fakeSlack.calls.length;
    const asker = { id: 'U0ALICE01', secret: 'c2VjcmV0' };
    await t.runStep(STEP_CALLBACKS.request, { ...stepInputs, user_context: asker });
    return postedApproval(t, { team: TEAM, channel: 'C0APPROVE' }, since);
  }

  /** A request by Alice with a start time a day ahead, approved by ACTOR (the service, not watched). */
  async function scheduledByAlice(): Promise<{ id: string; ts: string }> {
    const since = t.fakeSlack.calls.length;
    await approvalsOf(t.bot.deps).request({
      team: TEAM,
      requester: 'U0ALICE01',
      channel: CHANNEL,
      connection: 'hw-prod',
      kind: 'task',
      request: {
        task_type: 'prefix',
        src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket', object_key: ['photos/'] },
        dst_node: { region: 'cn-north-4', bucket: 'dst-bucket' },
      },
      op: 'seam-start',
      startAt: new Date(t.bot.deps.clock.now() + 86_400_000).toISOString(),
    });
    const request = await postedApproval(t, { team: TEAM, channel: 'C0APPROVE' }, since);
    await approvalsOf(t.bot.deps).approve({ team: TEAM, id: request.id, by: ACTOR, op: 'seam-approve' });
    return request;
  }

  const resource = () => JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId });

  const button = (surface: 'action', sample: string, value: () => string): Driver => ({
    surface,
    sample,
    send: () => t.click(sample, value(), who),
  });

  return [
    button('action', 'resource.pause', resource),
    button('action', 'resource.refresh', resource),
    button('action', 'resource.watch', resource),
    // Issue 39 item 2: "I'm on it" on a failure post asks for operate in the post's channel.
    button('action', 'failure.claim', resource),
    // Issue 48 item 3: Take over asks for operate, Release for manage, in the post's channel.
    button('action', 'failure.takeover', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: '1', o: 'U0OWNER01' }),
    ),
    button('action', 'failure.release', resource),
    button('action', 'failure.keep', resource),
    // Issue 77: Retry now and Don't retry on a held failure ask for operate in the card's channel.
    button('action', 'auto-retry.now', resource),
    button('action', 'auto-retry.stop', resource),
    // Issue 60: Pause, Resume, Cancel and Sign off plan ask the policy in the plan's channel.
    // New migration in this plan and Submit for approval ask it too (operate/create; the owner).
    ...(
      [
        'plan.pause',
        'plan.resume',
        'plan.cancel',
        'plan.signoff',
        'plan.newMigration',
        'plan.submit',
        // Issue 74: Start plan on the card.
        'plan.start',
      ] as const
    ).map(
      (action): Driver => ({
        surface: 'action',
        sample: action,
        prepare: () => seamPlan(),
        send: (id: never) => t.click(action, id, who),
      }),
    ),
    // Approve and Reject on a plan's approval request ask for approve in the approvals' channel.
    ...(['plan.approve', 'plan.reject'] as const).map(
      (action): Driver => ({
        surface: 'action',
        sample: action,
        prepare: () => seamPlan(),
        send: (id: never) => t.click(action, `${id}:1`, who),
      }),
    ),
    {
      // Issue 74: Sign off plan's note comes back in a modal; the policy is asked again then.
      surface: 'view',
      sample: 'plan.signoff.note',
      prepare: () => seamPlan(),
      send: (id: never) =>
        s.ix.submit(
          {
            id: 'V0PLANSIGN',
            hash: 'hash-plan-signoff',
            method: 'views.open',
            view: { type: 'modal', callback_id: 'plan.signoff.note', private_metadata: id, blocks: [] },
          } as unknown as ShownView,
          {},
          { userId: ACTOR },
        ),
    },
    button('action', 'resource.open', resource),
    button('action', 'group.failed', () => JSON.stringify({ c: 'hw-prod', k: 'task-group', id: 'g-1' })),
    // Issue 49 item 2: Sign off asks for operate in the post's channel before the note is asked for...
    button('action', 'verification.signoff', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1 }),
    ),
    {
      // ...and again when the note comes back (a modal as Slack would return it).
      surface: 'view',
      sample: 'verification.signoff.note',
      send: () =>
        s.ix.submit(
          {
            id: 'V0SIGNOFF',
            hash: 'hash-signoff',
            method: 'views.open',
            view: {
              type: 'modal',
              callback_id: 'verification.signoff.note',
              private_metadata: JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1, ch: CHANNEL }),
              blocks: [],
            },
          } as unknown as ShownView,
          {},
          { userId: ACTOR },
        ),
    },
    // Issue 49 item 3: Run changes since asks for create in the post's channel before it shows what
    // would run...
    button('action', 'verification.rerun', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1 }),
    ),
    // Issue 62: Retry these (the failed objects of a bucket check) asks for create first.
    button('action', 'objects.retry', () => JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId })),
    // Check the buckets (a verification post's button) asks for operate, as `/migrate verify` does.
    button('action', 'objects.check', () => JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId })),
    // Issue 78: Evidence bundle (a verification post's button) asks for view, as `/migrate evidence` does.
    button('action', 'evidence.get', () => JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1 })),
    // Issue 76: a keep-in-sync request's Approve and Reject ask for approve before reading it.
    button('action', 'cutover.sync.approve', () => '0123456789'),
    button('action', 'cutover.sync.reject', () => '0123456789'),
    // A plan's keep-in-sync request asks for approve, its cut-over's Start for operate, before reading the plan.
    button('action', 'cutover.plan.sync.approve', () => '0123456789'),
    button('action', 'cutover.plan.sync.reject', () => '0123456789'),
    button('action', 'cutover.plan.start', () => JSON.stringify({ p: 'pabcdef', f: 30, w: 7 })),
    // Run one more delta under an old-bucket batch asks for operate before reading its watch.
    button('action', 'cutover.watch.delta', () => '0123456789abcdef'),
    // "Keep in sync…" under a verification post asks for operate before its form opens...
    button('action', 'cutover.sync.open', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1 }),
    ),
    // The cut-over: "Cut over…" and Start ask for operate; the post's Sign off and Override… for
    // approve in its channel, Abort for operate, before reading anything of the cut-over.
    button('action', 'cutover.cut.open', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1 }),
    ),
    button('action', 'cutover.cut.start', () =>
      JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, f: 30, w: 7 }),
    ),
    button('action', 'cutover.cut.signoff', () => '0123456789'),
    button('action', 'cutover.cut.override', () => '0123456789'),
    button('action', 'cutover.cut.abort', () => '0123456789'),
    {
      // The override's reason, when it comes back, asks for approve before it is read.
      surface: 'view',
      sample: 'cutover.cut.override.form',
      send: () =>
        s.ix.submit(
          {
            id: 'V0CUTOVER',
            hash: 'hash-cutover',
            method: 'views.open',
            view: {
              type: 'modal',
              callback_id: 'cutover.cut.override.form',
              private_metadata: '0123456789',
              blocks: [],
            },
          } as unknown as ShownView,
          {},
          { userId: ACTOR },
        ),
    },
    {
      // ...and the form, when it comes back, asks again before anything is asked for.
      surface: 'view',
      sample: 'cutover.sync.form',
      send: () =>
        s.ix.submit(
          {
            id: 'V0KEEPSYNC',
            hash: 'hash-keep-sync',
            method: 'views.open',
            view: {
              type: 'modal',
              callback_id: 'cutover.sync.form',
              private_metadata: JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1, ch: CHANNEL }),
              blocks: [],
            },
          } as unknown as ShownView,
          {},
          { userId: ACTOR },
        ),
    },
    {
      // ...and again when the confirmation comes back, before anything is asked for.
      surface: 'view',
      sample: 'verification.rerun.confirm',
      send: () =>
        s.ix.submit(
          {
            id: 'V0RERUN',
            hash: 'hash-rerun',
            method: 'views.open',
            view: {
              type: 'modal',
              callback_id: 'verification.rerun.confirm',
              private_metadata: JSON.stringify({ c: 'hw-prod', k: 'task', id: s.taskId, at: 1, ch: CHANNEL }),
              blocks: [],
            },
          } as unknown as ShownView,
          {},
          { userId: ACTOR },
        ),
    },
    {
      surface: 'action',
      sample: 'list.page.next',
      // A list longer than a page, and its own Next button.
      prepare: async () => {
        for (let i = 0; i < 21; i++) t.oms.addTask({ name: `seam-page-${i}`, status: 2 });
        return buttons(await t.ask('list', who)).find((b) => b.action_id === 'list.page.next');
      },
      send: (next: { value: string }) => t.click('list.page.next', next.value, who),
    },
    // The help screen's buttons run a fixed subcommand line; the sample is the one every viewer gets.
    button('action', 'help.run.failed', () => 'failed'),
    button('action', 'home.refresh', () => ''),
    button('action', 'home.open', resource),
    button('action', 'connection.disconnect', () => JSON.stringify({ n: 'hw-prod' })),
    button('action', 'connection.fix', () => 'hw-prod'),
    {
      surface: 'action',
      sample: 'connection.form',
      prepare: () => c.openConnect('connect huawei-oms', { userId: ACTOR }),
      send: (view: OpenedView) =>
        postSigned(
          t.eventsUrl,
          SIGNING_SECRET,
          viewSelectBody(view, 'auth_type.huawei-oms', 'connection.form', 'token', {}, { userId: ACTOR }),
          FORM,
        ),
    },
    {
      surface: 'action',
      sample: 'create.src_cloud',
      prepare: createForm,
      send: (form: ShownView) => s.ix.select(form, 'create.src_cloud', 'AWS', {}, { userId: ACTOR }),
    },
    {
      surface: 'options',
      sample: 'create.src_bucket',
      prepare: createForm,
      send: (form: ShownView) =>
        s.ix.suggest(form, 'create.src_bucket', '', { src_cloud: 'AWS' }, { userId: ACTOR }),
    },
    {
      surface: 'view',
      sample: 'migrate_create.form',
      prepare: createForm,
      send: (form: ShownView) => s.ix.submit(form, {}, { userId: ACTOR }),
    },
    {
      // The form's Check against policy asks for create in the form's channel before it explains.
      surface: 'action',
      sample: 'migrate_create.policy_check',
      prepare: createForm,
      send: (form: ShownView) => s.ix.clickView(form, 'migrate_create.policy_check', {}, { userId: ACTOR }),
    },
    {
      surface: 'view',
      sample: 'migrate_create.pick',
      prepare: () => openedView('create', 'migrate_create.pick'),
      send: (picker: ShownView) => s.ix.submit(picker, {}, { userId: ACTOR }),
    },
    {
      surface: 'view',
      sample: 'connection.connect',
      prepare: () => c.openConnect('connect huawei-oms', { userId: ACTOR }),
      send: (view: OpenedView) => c.submit(view, {}, { userId: ACTOR }),
    },
    {
      surface: 'shortcut',
      sample: 'migrate_create',
      send: () => s.ix.shortcut('migrate_create', '1337.42.shortcut', { userId: ACTOR }),
    },
    ...(['approval.approve', 'approval.reject'] as const).map(
      (action): Driver => ({
        surface: 'action',
        sample: action,
        // Asked by someone else (nobody decides their own request), approved or rejected by ACTOR.
        prepare: () => askedByAlice(),
        send: (request: { id: string; ts: string }) =>
          s.ix.clickMessage(
            {
              actionId: action,
              value: request.id,
              channelId: 'C0APPROVE',
              messageTs: request.ts,
              responseUrl: t.fakeSlack.responseUrl(`seam-${action}`),
            },
            { userId: ACTOR },
          ),
      }),
    ),
    ...(['approval.home.approve', 'approval.home.reject'] as const).map(
      (action): Driver => ({
        surface: 'action',
        sample: action,
        // From the approver's Home tab: the same service, asked in the request's channel.
        prepare: () => askedByAlice(),
        send: (request: { id: string }) =>
          s.ix.clickHome({ actionId: action, value: request.id }, { userId: ACTOR }),
      }),
    ),
    {
      surface: 'action',
      sample: 'approval.cancelStart',
      // Issue 48: approved to start later, asked by someone else; ACTOR cancels it as an admin.
      prepare: () => scheduledByAlice(),
      send: (request: { id: string; ts: string }) =>
        s.ix.clickMessage(
          {
            actionId: 'approval.cancelStart',
            value: request.id,
            channelId: 'C0APPROVE',
            messageTs: request.ts,
            responseUrl: t.fakeSlack.responseUrl('seam-cancel-start'),
          },
          { userId: ACTOR },
        ),
    },
    {
      surface: 'action',
      sample: 'approval.home.cancelStart',
      prepare: () => scheduledByAlice(),
      send: (request: { id: string }) =>
        s.ix.clickHome({ actionId: 'approval.home.cancelStart', value: request.id }, { userId: ACTOR }),
    },
    {
      surface: 'view',
      sample: 'approval.reject.reason',
      // Reject opens the modal (asking the policy itself); only the submission with a reason is watched.
      prepare: async () => {
        const request = await askedByAlice();
        return openRejectModal(
          t,
          s.ix,
          { ...request, channel: 'C0APPROVE' },
          { userId: ACTOR },
          'seam-reject-modal',
        );
      },
      send: (modal: ShownView) => s.ix.submit(modal, { reason: 'wrong bucket' }, { userId: ACTOR }),
    },
    {
      surface: 'event',
      sample: 'app_home_opened',
      send: () => t.event({ type: 'app_home_opened', user: ACTOR, channel: 'D0HOME01', tab: 'home' }),
    },
    ...Object.values(STEP_CALLBACKS).map(
      (callbackId): Driver => ({
        surface: 'function',
        sample: callbackId,
        send: () => t.runStep(callbackId, { ...stepInputs, migration: `hw-prod:${s.taskId}` }),
      }),
    ),
  ];
}

/** The driver of a registered entry point. */
export function driverFor(drivers: Driver[], entry: EntryPoint): Driver | undefined {
  return drivers.find(
    (d) =>
      (d.surface === entry.surface || (entry.surface === 'event' && d.surface === 'function')) &&
      (entry.id === d.sample || (entry.id !== '*' && new RegExp(entry.id).test(d.sample))),
  );
}
