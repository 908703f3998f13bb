import { beforeAll, describe, expect, it } from 'vitest';
import { verificationOf } from '../../../src/capabilities/shared/verification-fact.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { keyedPosts, omsBot, ROOMY_EDITS } from '../../harness/bots/oms-bot.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { advanceWhileRunning } from '../../harness/oms-running.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';

// The two-person rule of a verification's sign-off holds across channels: who asked for the
// migration is a fact of the resource, not of one channel's watch, and a sign-off is a fact of the
// run in every channel that watches it (its post, `/migrate list unverified`, the audit log).
// Found by review: Alice, refused in the channel her approved delta was made in, signed it off in
// another channel that also watched it; the first channel stayed unsigned and listed.
const TEAM = 'T0FAKE001';
const PROD = 'C0SOCHAN1';
const OPS = 'C0SOCHAN2';
const REQUESTER = 'U0ALICE01';
const APPROVER = 'U0SOCHBOB';
const CAROL = 'U0SOCHCAR';
const DAVE = 'U0SOCHDAV';
const MB = 1024 ** 2;

const clock = new TestClock();
const t = omsBot({ watcher: { clock, editBudget: ROOMY_EDITS }, freeze: true });
const posts = keyedPosts(t);
const ix = new Interactions(t);
let views: ViewTracker;

beforeAll(async () => {
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${APPROVER}> approver`);
  await t.ask(`access grant <@${CAROL}> operator`);
  await t.ask(`access grant <@${DAVE}> operator`);
});

const verificationsOf = (id: string, channel?: string) =>
  posts.filter(
    (p) =>
      p.key.includes(`:${id}:`) &&
      p.key.endsWith(':verification') &&
      (!channel || p.body.channel === channel),
  );

/** Runs cycles, moving OMS on, until `n` verifications of `id` are posted (one per channel). */
async function untilVerified(id: string, n: number): Promise<void> {
  const advance = advanceWhileRunning(t.oms, id);
  // Bounded in time: a post goes out at Slack's pace for the channel (real time).
  await until(
    async () => {
      if (verificationsOf(id).length >= n) return true;
      advance();
      clock.advance(30_000);
      await t.bot.deps.watcher.runCycle();
      return false;
    },
    { what: `${n} verifications of ${id}`, timeoutMs: 60_000, everyMs: 50 },
  );
}

function signButtonIn(id: string, channel: string): { action_id: string; value: string } {
  const button = buttons(verificationsOf(id, channel)[0]!.body).find(
    (b) => b.action_id === 'verification.signoff',
  );
  expect(button).toBeDefined();
  return button!;
}

/** Presses Sign off on `id`'s post in `channel` as `userId`: the modal opened, or what they were told. */
async function press(id: string, channel: string, userId: string) {
  const button = signButtonIn(id, channel);
  const before = views.shown.length;
  const click = await t.click(button.action_id, button.value, { userId, channelId: channel });
  // The press has ended: its modal was opened by then, or the presser told why not.
  await t.settled();
  return { click, view: views.shown[before] };
}

async function signoffIn(id: string, channel: string) {
  const record = await t.bot.deps.watcher.store.read<WatchRecord>(`w:${TEAM}:${channel}:hw-prod:task:${id}`);
  return verificationOf(record)?.signoff;
}

/** What the bot told `user` privately after a modal (an ephemeral beside the post). */
function ephemeralsTo(user: string): string[] {
  return t.fakeSlack.calls
    .filter((c) => c.method === 'chat.postEphemeral' && c.body.user === user)
    .map((c) => String(c.body.text ?? ''));
}

/** Edits of `channel`'s verification post of `name` that say who verified it. */
function verifiedEdits(name: string, channel: string, by: string): string[] {
  return t.fakeSlack.calls
    .filter((c) => c.method === 'chat.update' && c.body.channel === channel)
    .map((c) => mrkdwnTexts(c.body))
    .filter((text) => text.includes(`Verification of ${name}`) && text.includes(`Verified by <@${by}>`));
}

describe('an approved delta watched in two channels', { timeout: 120_000 }, () => {
  let deltaId: string;

  beforeAll(async () => {
    // Alice watches a run in #prod and asks for its delta run there; Bob approves it.
    const base = t.oms.addTask({
      name: 'soch-base',
      status: 2,
      progress: 0.5,
      totalSize: 100 * MB,
      totalNum: 3,
    });
    await t.ask(`watch ${base.id} <#${PROD}|prod>`);
    await untilVerified(base.id, 1);
    const rerun = buttons(verificationsOf(base.id)[0]!.body).find(
      (b) => b.action_id === 'verification.rerun',
    )!;
    const before = views.shown.length;
    await t.click(rerun.action_id, rerun.value, { userId: REQUESTER, channelId: PROD });
    await t.settled();
    const since = t.fakeSlack.calls.length;
    expect((await ix.submit(views.shown[before]!, {}, { userId: REQUESTER })).status).toBe(200);
    const request = await postedApproval(t, { team: TEAM, channel: PROD }, since);
    await decideApproval(t, ix, { ...request, channel: PROD }, 'approve', APPROVER);
    const delta = await t.fakeSlack.waitFor(
      () => [...t.oms.tasks.values()].find((x) => x.description === 'soch-base · delta 1'),
      10_000,
    );
    deltaId = delta.id;
    // Carol follows the delta in #ops too: her watch there is hers, the migration still Alice's.
    await t.ask(`watch ${delta.id} <#${OPS}|ops>`, { userId: CAROL, channelId: OPS });
    await untilVerified(delta.id, 2);
  });

  it('refuses its requester in every channel, before any note is asked, and each post names her', async () => {
    for (const channel of [PROD, OPS]) {
      const { click, view } = await press(deltaId, channel, REQUESTER);
      expect(view, `a sign-off modal opened for the requester in ${channel}`).toBeUndefined();
      expect(messageText(await click.answer())).toContain(
        `<@${REQUESTER}> asked for this migration, so someone else signs it off`,
      );
      // The post says who may not sign it: the requester, not whoever started that channel's watch.
      expect(mrkdwnTexts(verificationsOf(deltaId, channel)[0]!.body)).toContain(`except <@${REQUESTER}>`);
    }
    expect(await signoffIn(deltaId, PROD)).toBeUndefined();
    expect(await signoffIn(deltaId, OPS)).toBeUndefined();
  });

  it('refuses her though no watch says she asked any more (unwatched, or made by a subscription)', async () => {
    const store = t.bot.deps.watcher.store;
    const keys = [PROD, OPS].map((channel) => `w:${TEAM}:${channel}:hw-prod:task:${deltaId}`);
    const saved = await Promise.all(keys.map((key) => store.read<WatchRecord>(key)));
    // As a subscription makes a watch: its subscriber's, with no request and no requester on it.
    for (const key of keys)
      await store.update<WatchRecord>(key, (r) =>
        r ? { ...r, explicit: false, watch: { ...r.watch, by: CAROL, origin: undefined } } : r,
      );
    try {
      const { click, view } = await press(deltaId, OPS, REQUESTER);
      expect(view, 'a sign-off modal opened for the requester').toBeUndefined();
      expect(messageText(await click.answer())).toContain(`<@${REQUESTER}> asked for this migration`);
      // The subscriber who only follows the connection may sign it.
      const carol = await press(deltaId, OPS, CAROL);
      expect(carol.view?.view.callback_id).toBe('verification.signoff.note');
    } finally {
      for (const [i, key] of keys.entries()) await store.update<WatchRecord>(key, () => saved[i]);
    }
  });

  it('signs the run off in every channel once: both posts, the list and one audit entry say so', async () => {
    // Carol in #ops and Dave in #prod press at once: one sign-off for the run, the other is told who.
    const carol = await press(deltaId, OPS, CAROL);
    const dave = await press(deltaId, PROD, DAVE);
    expect(carol.view?.view.callback_id).toBe('verification.signoff.note');
    expect(dave.view?.view.callback_id).toBe('verification.signoff.note');
    const submitted = await Promise.all([
      ix.submit(carol.view!, { 'signoff-note': 'compared both buckets' }, { userId: CAROL }),
      ix.submit(dave.view!, { 'signoff-note': 'spot-checked 3 objects' }, { userId: DAVE }),
    ]);
    expect(submitted.map((s) => s.status)).toEqual([200, 200]);
    await t.settled();
    const answers = [...ephemeralsTo(CAROL), ...ephemeralsTo(DAVE)];
    expect(answers.filter((x) => x.includes('Signed off: soch-base · delta 1 is verified'))).toHaveLength(1);
    const prod = await signoffIn(deltaId, PROD);
    expect([CAROL, DAVE]).toContain(prod?.by);
    expect(await signoffIn(deltaId, OPS)).toEqual(prod);
    expect(answers.find((x) => x.includes('Already signed off by'))).toContain(`<@${prod!.by}>`);

    // Signed in every channel: the run leaves the list, wherever it is asked for.
    expect(messageText(await t.ask('list unverified', { channelId: OPS }))).not.toContain(
      'soch-base · delta 1',
    );
    const audit = (await t.bot.deps.audit.recent(TEAM, 50)).filter((e) => e.action === 'verify-signoff');
    expect(audit.filter((e) => e.result === 'ok').map((e) => e.user)).toEqual([prod!.by]);
    expect(audit.some((e) => e.user === REQUESTER && e.result === 'ok')).toBe(false);

    // The one editor redraws each channel's post from its record (the cycle edits what is due).
    await until(
      async () => {
        if (verifiedEdits('soch-base · delta 1', PROD, prod!.by).length > 0)
          if (verifiedEdits('soch-base · delta 1', OPS, prod!.by).length > 0) return true;
        clock.advance(1_000);
        await t.bot.deps.watcher.runCycle();
        return false;
      },
      { what: 'both verification posts edited', timeoutMs: 30_000, everyMs: 50 },
    );
    // Signed: a press in either channel is told who.
    for (const channel of [PROD, OPS]) {
      const again = await press(deltaId, channel, APPROVER);
      expect(again.view).toBeUndefined();
      expect(messageText(await again.click.answer())).toContain(`Already signed off by <@${prod!.by}>`);
    }
  });
});

describe('a run watched in two channels without a request', { timeout: 120_000 }, () => {
  it('refuses whoever started a watch of it, in any channel: the sign-off holds in both', async () => {
    const task = t.oms.addTask({
      name: 'soch-plain',
      status: 2,
      progress: 0.5,
      totalSize: 10 * MB,
      totalNum: 2,
    });
    await t.ask(`watch ${task.id} <#${PROD}|prod>`, { userId: REQUESTER, channelId: PROD });
    await t.ask(`watch ${task.id} <#${OPS}|ops>`, { userId: CAROL, channelId: OPS });
    await untilVerified(task.id, 2);
    // A sign-off in #prod is #ops's too, so Carol, who started the watch there, may not give it here.
    for (const [channel, userId] of [
      [PROD, CAROL],
      [OPS, REQUESTER],
    ] as const) {
      const { click, view } = await press(task.id, channel, userId);
      expect(view).toBeUndefined();
      expect(messageText(await click.answer())).toContain(`<@${userId}> asked for this migration`);
    }
    const dave = await press(task.id, OPS, DAVE);
    expect((await ix.submit(dave.view!, { 'signoff-note': 'ok' }, { userId: DAVE })).status).toBe(200);
    await t.settled();
    expect((await signoffIn(task.id, OPS))?.by).toBe(DAVE);
    expect((await signoffIn(task.id, PROD))?.by).toBe(DAVE);
  });
});

describe('a run a subscription follows in another channel', { timeout: 120_000 }, () => {
  it('lets its subscriber sign, names nobody there, and refuses whoever watched it by hand', async () => {
    await t.ask(`subscribe hw-prod all <#${OPS}|ops>`, { userId: CAROL, channelId: OPS });
    const task = t.oms.addTask({ name: 'soch-followed', status: 2, progress: 0.5, totalSize: 10 * MB });
    await t.ask(`watch ${task.id} <#${PROD}|prod>`, { userId: REQUESTER, channelId: PROD });
    // The subscription finds the task while it runs (OMS does not move until the test moves it).
    await until(
      async () => {
        clock.advance(30_000);
        await t.bot.deps.watcher.runCycle();
        return (
          (await t.bot.deps.watcher.store.read(`w:${TEAM}:${OPS}:hw-prod:task:${task.id}`)) !== undefined
        );
      },
      { what: 'the subscription watching the task', timeoutMs: 30_000, everyMs: 50 },
    );
    await untilVerified(task.id, 2);
    // #ops's watch is the subscription's: Carol only follows the connection, nobody known asked.
    const ops = mrkdwnTexts(verificationsOf(task.id, OPS)[0]!.body);
    expect(ops).toContain('except whoever asked for the migration');
    expect(ops).not.toContain(`except <@${CAROL}>`);
    const carol = await press(task.id, OPS, CAROL);
    expect(carol.view?.view.callback_id).toBe('verification.signoff.note');
    const alice = await press(task.id, OPS, REQUESTER);
    expect(alice.view).toBeUndefined();
    expect(messageText(await alice.click.answer())).toContain(`<@${REQUESTER}> asked for this migration`);
  });
});
