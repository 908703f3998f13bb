import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { CREATE_CALLBACKS } from '../../../src/slack/blocks/create/modal-kit.js';
import { postedApproval } from '../../harness/approval-requests.js';
import {
  blockSuggestionBody,
  type ShownView,
  shortcutBody,
  viewSubmissionBody,
} from '../../harness/interactions.js';
import { prefixDetails } from '../../harness/request-details.js';
import {
  blockActionBody,
  eventBody,
  FORM,
  JSON_TYPE,
  slashCommandBody,
} from '../../harness/slack-requests.js';
import { buttons, TestBot } from '../../harness/test-bot.js';
import {
  type Delivery,
  deliver,
  duplicatesDropped,
  nowSeconds,
  redelivery,
  untilDropped,
} from '../dedupe-requests.js';

/**
 * Issue #36, item 2: one dedupe for every inbound Slack request, before any listener. An event is
 * the same event by its `event_id` on every retry; a command or interaction by its signature within
 * the window a signature is accepted. A duplicate gets its 200, runs nothing, and is counted.
 */

const TEAM = 'T0FAKE001';
const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const APPROVALS = 'C0APPROVE';
/** A complete request, as test/capabilities/workflow-steps/request-step.test.ts sends it. */
const DETAILS = prefixDetails({ description: 'photos to OBS' });

/**
 * Every registration method of Bolt's `App`: each call the app makes is recorded by surface, and
 * each listener it registers is counted when Bolt runs it, so the seam test below sees exactly
 * what the app registered and whether a request got past the dedupe to a listener.
 */
const BOLT_SURFACES = ['command', 'action', 'view', 'options', 'shortcut', 'event', 'message', 'function'];
const registered = new Set<string>();
const ran: Record<string, number> = {};
const proto = App.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const originals = new Map(BOLT_SURFACES.map((s) => [s, proto[s]!]));
for (const surface of BOLT_SURFACES) {
  const original = originals.get(surface)!;
  proto[surface] = function (this: App, ...args: unknown[]) {
    registered.add(surface);
    const counted = args.map((arg) =>
      typeof arg !== 'function'
        ? arg
        : (listenerArgs: unknown) => {
            ran[surface] = (ran[surface] ?? 0) + 1;
            return (arg as (a: unknown) => unknown)(listenerArgs);
          },
    );
    return original.apply(this, counted);
  };
}

const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
});
afterAll(async () => {
  await t.stop();
  for (const [surface, original] of originals) proto[surface] = original;
});

const approvalRequests = (calls: RecordedCall[]) =>
  calls.filter(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.body.channel === APPROVALS &&
      buttons(c.body).some((b) => b.action_id === 'approval.approve'),
  );

describe('a workflow step redelivered by Slack', () => {
  it('posts one approval request: the retry (X-Slack-Retry-Num: 1, same event_id) is acked and dropped', async () => {
    const since = t.fakeSlack.calls.length;
    const dropped = await duplicatesDropped(t, 'function');
    const { executionId, event } = t.fakeSlack.workflows.execute(STEP_CALLBACKS.request, {
      user_context: { id: OPERATOR, secret: 'c2VjcmV0' },
      connection: 'hw-prod',
      kind: 'task',
      channel_id: 'C0FAKE001',
      details: DETAILS,
    });
    const body = eventBody(TEAM, event);
    expect(
      (await deliver(t.eventsUrl, { body, contentType: JSON_TYPE, timestamp: nowSeconds() })).status,
    ).toBe(200);
    expect((await deliver(t.eventsUrl, redelivery(body, 1))).status).toBe(200);
    await untilDropped(t, 'function', dropped + 1);
    await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);

    expect(approvalRequests(t.fakeSlack.calls.slice(since))).toHaveLength(1);
    const pending = await approvalsOf(t.bot.deps).records.pending();
    const records = await Promise.all(pending.map((e) => approvalsOf(t.bot.deps).get(e.team, e.id)));
    expect(records.filter((r) => r.workflowStep?.executionId === executionId)).toHaveLength(1);
  });
});

describe('a captured signed command replayed within the window', () => {
  it('is not applied again after a revoke: 200, grants unchanged, counted', async () => {
    const target = 'U0REPLAY1';
    const grantsOf = async () =>
      (await t.bot.deps.access.grants.list(TEAM)).filter((g) => JSON.stringify(g.subject).includes(target));
    const captured: Delivery = {
      body: slashCommandBody({
        text: `access grant <@${target}|x> operator`,
        response_url: t.fakeSlack.responseUrl('replayed-grant'),
      }),
      contentType: FORM,
      timestamp: nowSeconds(),
    };
    expect((await deliver(t.eventsUrl, captured)).status).toBe(200);
    await t.answer('replayed-grant');
    expect(await grantsOf()).toHaveLength(1);
    await t.ask(`access revoke <@${target}>`);
    expect(await grantsOf()).toEqual([]);

    const dropped = await duplicatesDropped(t, 'command');
    const replay = await deliver(t.eventsUrl, captured);
    expect(replay).toEqual({ status: 200, text: '' });
    await untilDropped(t, 'command', dropped + 1);
    expect(await grantsOf()).toEqual([]);
    expect(t.fakeSlack.responsesTo('replayed-grant')).toHaveLength(1);

    // The same words sent again by the person (a new request, new bytes) are applied as usual.
    await t.ask(`access grant <@${target}|x> operator`);
    expect(await grantsOf()).toHaveLength(1);
  });
});

/** A modal as the bot would have shown it: enough for Slack's payload shapes. */
const shown = (callbackId: string): ShownView => ({
  id: 'V0SEAM0001',
  hash: 'hash-seam',
  view: { type: 'modal', callback_id: callbackId, title: { type: 'plain_text', text: 'x' }, blocks: [] },
  method: 'views.open',
  call: {} as RecordedCall,
});

interface Sample {
  /** The dropped-duplicates label it is counted under. */
  kind: string;
  first(): Delivery;
  /** The duplicate: the same bytes (a replay) or, for events, Slack's redelivery. */
  again(first: Delivery): Delivery;
}

const signedForm = (body: string): Delivery => ({ body, contentType: FORM, timestamp: nowSeconds() });
const replay = (first: Delivery) => first;
const retried = (first: Delivery) => redelivery(first.body, 1);
const viewer = { userId: 'U0VIEW001' };

/** One request of each kind Slack sends, per Bolt surface the app may register on. */
const SAMPLES: Record<string, Sample[]> = {
  command: [
    {
      kind: 'command',
      first: () =>
        signedForm(slashCommandBody({ text: 'help', response_url: t.fakeSlack.responseUrl('seam-cmd') })),
      again: replay,
    },
  ],
  action: [
    {
      kind: 'action',
      first: () =>
        signedForm(
          blockActionBody({
            // A button whose listener only republishes the clicker's App Home.
            actionId: 'home.refresh',
            value: 'x',
            responseUrl: t.fakeSlack.responseUrl('seam-click'),
          }),
        ),
      again: replay,
    },
  ],
  view: [
    {
      kind: 'view',
      first: () => signedForm(viewSubmissionBody(shown(CREATE_CALLBACKS.pick), {}, viewer)),
      again: replay,
    },
  ],
  options: [
    {
      kind: 'options',
      first: () =>
        signedForm(blockSuggestionBody(shown(CREATE_CALLBACKS.form), 'create.src_bucket', 'ph', {}, viewer)),
      again: replay,
    },
  ],
  shortcut: [
    {
      kind: 'shortcut',
      first: () => signedForm(shortcutBody('migrate_create', `seam-${Date.now()}`, viewer)),
      again: replay,
    },
  ],
  event: [
    {
      kind: 'event',
      first: () => ({
        body: eventBody(TEAM, {
          type: 'app_home_opened',
          user: 'U0VIEW001',
          channel: 'D0VIEW001',
          tab: 'home',
        }),
        contentType: JSON_TYPE,
        timestamp: nowSeconds(),
      }),
      again: retried,
    },
  ],
  // Workflow Builder steps arrive as `function_executed` events, one sample per step the app defines.
  function: [
    ...Object.values(STEP_CALLBACKS).map((callbackId) => ({
      kind: 'function',
      first: () => ({
        body: eventBody(
          TEAM,
          t.fakeSlack.workflows.execute(callbackId, { user_context: { id: 'U0VIEW001', secret: 'x' } }).event,
        ),
        contentType: JSON_TYPE,
        timestamp: nowSeconds(),
      }),
      again: retried,
    })),
  ],
};

describe('the seam: every entry point the app registers goes through the one dedupe', () => {
  it('has a request of every kind for every surface the app registered', () => {
    expect(registered.size).toBeGreaterThanOrEqual(6);
    for (const surface of registered) expect(Object.keys(SAMPLES)).toContain(surface);
  });

  const cases = Object.entries(SAMPLES).flatMap(([surface, samples]) =>
    samples.map((sample, i) => ({ surface, sample, name: `${surface} (${sample.kind} #${i + 1})` })),
  );
  it.each(cases)(
    '$name: the duplicate gets 200 and never reaches a listener',
    async ({ surface, sample }) => {
      expect(registered).toContain(surface);
      const before = { ran: ran[surface] ?? 0, dropped: await duplicatesDropped(t, sample.kind) };
      const first = sample.first();
      const answers = [await deliver(t.eventsUrl, first), await deliver(t.eventsUrl, sample.again(first))];
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      await untilDropped(t, sample.kind, before.dropped + 1);
      // The first reached its listener; the duplicate was dropped before any (counted above).
      await expect.poll(() => ran[surface]).toBe(before.ran + 1);
      expect(await duplicatesDropped(t, sample.kind)).toBe(before.dropped + 1);
    },
  );
});
