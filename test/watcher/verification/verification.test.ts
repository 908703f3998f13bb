import { beforeAll, describe, expect, it } from 'vitest';
import { verificationOf as factOf } from '../../../src/capabilities/shared/verification-fact.js';
import type { WatchRecord } from '../../../src/watcher/records/watch-store.js';
import { failingTask } from '../../harness/failing-task.js';
import { Interactions, ViewTracker } from '../../harness/interactions.js';
import { buttons, messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { ADDS_UP, cloudKeys, pressForModal, verifyingClouds } from '../three-clouds-rig.js';

// Issue 49 item 2: when a watched migration ends, its thread gets a verification post that
// reconciles the provider's own counts (OMS: total = succeeded + skipped + failed; NCP: estimate
// against migrated + skipped; UpCloud: a state only, said plainly), a mismatch said as a warning.
const CHANNEL = 'C0VERIFY1';
const KEYS = cloudKeys('VERIFY', '000000000049');
const MB = 1024 ** 2;

const REQUESTER = 'U0ALICE01';
const BOB = 'U0VERIBOB';
const CAROL = 'U0VERICAR';

const { t, ncp, upcloud, clock, posts, untilVerified, verifiedRun, failedRunVerified } =
  verifyingClouds(KEYS);
const ix = new Interactions(t);
let views: ViewTracker;

beforeAll(async () => {
  views = new ViewTracker(t.fakeSlack);
  await t.ask(`access grant <@${BOB}> operator`);
  await t.ask(`access grant <@${CAROL}> operator`);
});

const verificationOf = (id: string) =>
  posts.filter((p) => p.key.includes(id) && p.key.endsWith(':verification'));

describe('the verification post when a migration ends', { timeout: 90_000 }, () => {
  it('OMS: total = succeeded + skipped + failed, with the check used and where the lists are', async () => {
    const { task, post: body } = await verifiedRun(CHANNEL, { name: 'verify-adds-up', ...ADDS_UP });
    const text = mrkdwnTexts(body);
    expect(body.thread_ts).toBeDefined();
    expect(text).toContain('Verification of verify-adds-up');
    expect(text).toContain('The counts add up');
    expect(text).toContain('*Objects:* 1,203 in total = 1,200 succeeded + 3 skipped + 0 failed');
    expect(text).toContain('*Bytes:* 600 MiB in total, 600 MiB processed');
    expect(text).toContain('*Written:* 598 MiB');
    expect(text).toContain('*Consistency check:* CRC64 checksums');
    expect(text).toContain('*Succeeded objects:* recorded by the provider');
    expect(text).not.toContain('do not add up');
    expect(buttons(body).map((b) => b.text)).toEqual([
      'Sign off',
      'Run changes since',
      'Check the buckets',
      'Evidence bundle',
      'Keep in sync…',
      'Cut over…',
    ]);
    // Posted once: more cycles post nothing more.
    clock.advance(60_000);
    await t.bot.deps.watcher.runCycle();
    expect(verificationOf(task.id)).toHaveLength(1);
  });

  it('OMS: a failed run whose counts leave objects out is a warning, and offers no sign-off', async () => {
    const seed = failingTask('verify-mismatch', { totalSize: 1000 * MB, totalNum: 1000, failAt: 0.5 });
    const { post: body } = await verifiedRun(CHANNEL, seed);
    const text = mrkdwnTexts(body);
    // 500 succeeded, 50 failed of 1,000: 450 objects and 500 MB never reached are not accounted for.
    expect(text).toContain('*Objects:* 1,000 in total = 500 succeeded + 0 skipped + 50 failed');
    expect(text).toContain(
      ':warning: *The counts do not add up:* 450 objects and 500 MiB are not accounted for',
    );
    expect(text).not.toContain('The counts add up');
    expect(text).toMatch(
      /\*Failed objects:\* listed in `oms\/task\/verify-mismatch\/failed_object_lists\/\d+\.failed_list\.txt` in bucket `dst-bucket`/,
    );
    expect(text).toContain(
      'This run failed: take it on from its failure post or card, and run it again from there.',
    );
    // No sign-off and no re-run from here; what arrived can still be checked.
    expect(buttons(body).map((b) => b.text)).toEqual(['Check the buckets', 'Evidence bundle']);
  });

  it("a failed run's card says what can be done about it, not that it ended without a sign-off", async () => {
    // Issue 59 item 2: "Its counts do not add up. Ended without a sign-off." on a failed run, whose
    // verification post (rightly) offers no Sign off: the card asked for what nobody can give.
    await verifiedRun(
      CHANNEL,
      failingTask('verify-failed-card', { totalSize: 1000 * MB, totalNum: 1000, failAt: 0.5 }),
    );
    // The card, as last drawn once the run's verification is on it (the editor may take a cycle).
    const card = () =>
      t.fakeSlack.calls
        .filter(
          (c) =>
            ['chat.postMessage', 'chat.update'].includes(c.method) &&
            c.body.channel === CHANNEL &&
            !c.body.thread_ts &&
            JSON.stringify(c.body.blocks ?? []).includes('"text":"verify-failed-card"'),
        )
        .map((c) => mrkdwnTexts(c.body))
        .at(-1) ?? '';
    await until(
      async () => {
        if (/run failed|sign-off/.test(card())) return true;
        clock.advance(1_000);
        await t.bot.deps.watcher.runCycle();
        return false;
      },
      { what: 'the card drawn with its verification', timeoutMs: 30_000, everyMs: 50 },
    );
    expect(card()).not.toContain('Ended without a sign-off');
    expect(card()).not.toContain('sign-off');
    expect(card()).toContain(
      "This run failed: take it on with *I'm on it*, then *Resume* runs it again. The run that succeeds is the one to sign off.",
    );
    // Once someone is on it, the card says who, and still what runs it again.
    const claim = buttons(
      t.fakeSlack.calls
        .filter((c) => c.method === 'chat.update' && c.body.channel === CHANNEL && !c.body.thread_ts)
        .map((c) => c.body)
        .filter((b) => JSON.stringify(b.blocks ?? []).includes('"text":"verify-failed-card"'))
        .at(-1)!,
    ).find((b) => b.action_id === 'failure.claim')!;
    await (await t.click(claim.action_id, claim.value, { userId: BOB, channelId: CHANNEL })).answer();
    await until(
      async () => {
        if (card().includes(`<@${BOB}> is on it:`)) return true;
        clock.advance(1_000);
        await t.bot.deps.watcher.runCycle();
        return false;
      },
      { what: 'the card drawn with its claim', timeoutMs: 30_000, everyMs: 50 },
    );
    expect(card()).toContain(`This run failed, and <@${BOB}> is on it: *Resume* runs it again.`);
  });

  it('NCP: the estimate against migrated and skipped objects', async () => {
    ncp.addPolicy({
      title: 'verify-ncp',
      jobState: 'STARTED',
      totalSize: 100 * MB,
      totalObjects: 40,
      skippedSize: 10 * MB,
      skippedObjects: 4,
      progress: 0.5,
      speed: 100 * MB,
    });
    await t.ask(`watch ncp-kr:verify-ncp <#${CHANNEL}|ops>`);
    // Small steps: the gateway refuses a request whose timestamp is minutes off its clock.
    const body = await untilVerified('verify-ncp', () => ncp.clock.advance(1_000));
    const text = mrkdwnTexts(body);
    expect(text).toContain('*Objects:* 40 estimated, 36 migrated + 4 skipped');
    expect(text).toContain('*Bytes:* 100 MiB estimated, 90.0 MiB migrated + 10.0 MiB skipped');
    expect(text).toContain('migrated and skipped objects make the estimate');
  });

  it('UpCloud: says plainly that only the state can be checked', async () => {
    const job = upcloud.addJob({
      name: 'verify-up',
      serviceId: KEYS.service,
      status: 'running',
      progress: 0.5,
    });
    await t.ask(`watch up-fi:${job.uuid} <#${CHANNEL}|ops>`);
    const body = await untilVerified(job.uuid, () => upcloud.clock.advance(3_600_000));
    const text = mrkdwnTexts(body);
    expect(text).toContain("The provider reports only this job's state (succeeded)");
    expect(text).toContain('What cannot: how many objects or bytes arrived');
    expect(text).not.toContain('add up');
    expect(text).not.toContain('*Objects:*');
  });
});

/** What the bot told `user` privately after a modal (an ephemeral beside the post). */
function ephemeralsTo(user: string): string[] {
  return t.fakeSlack.calls
    .filter((c) => c.method === 'chat.postEphemeral' && c.body.user === user)
    .map((c) => String(c.body.text ?? ''));
}

const signOffModal = (button: { action_id: string; value: string }, userId: string) =>
  pressForModal(t, views, button, { userId, channelId: CHANNEL });

describe('signing off a verification', { timeout: 90_000 }, () => {
  let signButton: { action_id: string; value: string; text?: string };
  let taskId: string;

  beforeAll(async () => {
    const { task, post: body } = await verifiedRun(CHANNEL, {
      name: 'verify-signoff',
      status: 2,
      progress: 0.5,
      totalNum: 100,
    });
    taskId = task.id;
    signButton = buttons(body)[0]!;
    expect(signButton.text).toBe('Sign off');
  });

  it('is refused to the person who asked for the migration, before any note is asked', async () => {
    const { click, view } = await signOffModal(signButton, REQUESTER);
    expect(view).toBeUndefined();
    expect(messageText(await click.answer())).toContain(
      'asked for this migration, so someone else signs it off',
    );
  });

  it('is refused for a failed run, even from a stale or crafted button', async () => {
    const { value } = await failedRunVerified(CHANNEL, 'verify-failed-signoff');
    const { click, view } = await signOffModal({ action_id: signButton.action_id, value }, BOB);
    expect(view).toBeUndefined();
    expect(messageText(await click.answer())).toContain('a failed run cannot be signed off as complete');
  });

  it('two people signing at once get one sign-off; the other is told who; the post and card show it', async () => {
    const bob = await signOffModal(signButton, BOB);
    const carol = await signOffModal(signButton, CAROL);
    expect(bob.view?.view.callback_id).toBe('verification.signoff.note');
    expect(carol.view).toBeDefined();
    // Issue 74: the modal says what submitting does; the checks below find each claim true.
    expect(mrkdwnTexts({ blocks: bob.view!.view.blocks })).toContain(
      'You confirm that the verification of *verify-signoff* is what you expected. Your name, the time and your note are shown on the card and in the audit log.',
    );
    const [a, b] = await Promise.all([
      ix.submit(bob.view!, { 'signoff-note': 'spot-checked 20 objects' }, { userId: BOB }),
      ix.submit(carol.view!, { 'signoff-note': 'looks fine' }, { userId: CAROL }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const both = () => [...ephemeralsTo(BOB), ...ephemeralsTo(CAROL)];
    await t.settled();
    const answers = both();
    expect(answers.filter((x) => x.includes('Signed off: verify-signoff is verified'))).toHaveLength(1);
    const loser = answers.find((x) => x.includes('Already signed off by'));
    expect(loser).toBeDefined();
    const record = await t.bot.deps.watcher.store.read<WatchRecord>(
      `w:T0FAKE001:${CHANNEL}:hw-prod:task:${taskId}`,
    );
    const winner = factOf(record)!.signoff!;
    expect([BOB, CAROL]).toContain(winner.by);
    expect(loser).toContain(`<@${winner.by}>`);
    // The watcher edits the verification post and the card.
    const edits = () =>
      t.fakeSlack.calls.filter(
        (c) => c.method === 'chat.update' && JSON.stringify(c.body).includes(`Verified by <@${winner.by}>`),
      );
    for (let i = 0; i < 5 && edits().length < 2; i++) {
      clock.advance(1_000);
      await t.bot.deps.watcher.runCycle();
    }
    const texts = edits().map((c) => mrkdwnTexts(c.body));
    expect(
      texts.some((x) => x.includes('Verification of verify-signoff') && x.includes(`“${winner.note}”`)),
    ).toBe(true);
    expect(texts.some((x) => !x.includes('Verification of'))).toBe(true);
    // "and in the audit log": one sign-off entry, by the winner.
    const audited = (await t.bot.deps.audit.recent('T0FAKE001', 200)).filter(
      (e) => e.action === 'verify-signoff' && e.target === `hw-prod:${taskId}` && e.result === 'ok',
    );
    expect(audited.map((e) => e.user)).toEqual([winner.by]);
    // Signed: the edited post offers no button any more; a third press is told who.
    const third = await signOffModal(signButton, BOB);
    expect(third.view).toBeUndefined();
    expect(messageText(await third.click.answer())).toContain(`Already signed off by <@${winner.by}>`);
  });
});
