import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { ObjectsWorld } from '../objects/objects-world.js';

// Issue 76 for a whole plan: `/migrate cutover <plan>` asks one confirmation listing the plan's
// migrations and the steps, then starts one cut-over per migration together, with one freeze
// notice for the plan and a summary post; `/migrate keep-sync <plan> …` asks one approval for
// every migration of it. Two bots on one Redis database and one clock: Start pressed on both at
// once starts the plan once.
const storeUrl = replicaRedisUrl();
const CONNECTION = `hw-pcut-${Date.now().toString(36)}`;
const CHANNEL = 'C0PLANCUT';
const STARTER = 'U0PALICE1';
const APPROVER = 'U0PLANBOB';
const clock = new TestClock();
const world = new ObjectsWorld({ oms: {} });
const { store } = world;
const a = new TestBot();
const b = new TestBot();

beforeAll(async () => {
  await dropRedisKeys(storeUrl, 'cutover');
  await world.start();
  const connections = () => [world.omsConnection(CONNECTION, a.oms.url)];
  const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', ...world.allowed() };
  const watcher = { clock, editBudget: { windowMs: 10_000, max: 1_000 } };
  await a.start({ env, connections, watcher });
  await b.start({ env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl }, connections, watcher });
  a.oms.clock.freeze();
  a.oms.timings.speedBytesPerSecond = 1024 ** 4;
  await a.ask(`access grant <@${APPROVER}> approver`);
  await a.ask(`access grant <@${STARTER}> operator`);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await world.stop();
  await dropRedisKeys(storeUrl, CONNECTION);
});

const ALICE = { userId: STARTER, channelId: CHANNEL };
const BOB = { userId: APPROVER, channelId: CHANNEL };

/** An OMS task (finished unless `status` says otherwise) whose buckets match, watched in the channel. */
async function migrated(name: string, status = 5, short = false) {
  const keys = Array.from({ length: 4 }, (_, i) => `data/${i}.bin`);
  for (const key of keys) {
    store.putObject(`${name}-src`, key, `bytes of ${key}`);
    if (!short || key !== keys[0]) store.putObject(`${name}-dst`, key, `bytes of ${key}`);
  }
  const task = a.oms.addTask({
    name,
    status,
    progress: status === 5 ? 1 : 0.4,
    src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
    dst: { region: 'cn-north-4', bucket: `${name}-dst` },
  });
  await a.ask(`watch ${task.id} <#${CHANNEL}|ops>`, ALICE);
  return task;
}

/** A plan holding `tasks`, asked in the channel; its id. */
async function planOf(name: string, ids: string[]): Promise<string> {
  const answer = messageText(await a.ask(`plan new ${name}`, ALICE));
  const id = /`(p[0-9a-f]{6})`/.exec(answer)?.[1];
  expect(id, answer).toBeDefined();
  await a.ask(`plan add ${name} ${ids.map((i) => `${CONNECTION}:${i}`).join(' ')}`, ALICE);
  await a.bot.deps.watcher.runCycle();
  return id!;
}

async function tickBoth(times = 2) {
  for (let i = 0; i < times; i++)
    await Promise.all([a.bot.scheduler.tick('cycle'), b.bot.scheduler.tick('cycle')]);
}

const channelPosts = (what: RegExp) =>
  a.fakeSlack
    .callsTo('chat.postMessage')
    .filter((c) => c.body.channel === CHANNEL && !c.body.thread_ts && what.test(String(c.body.text ?? '')));

/** The cut-over post of migration `name` (in its thread) as last drawn. */
function cutPost(name: string): Record<string, unknown> {
  const post = a.fakeSlack
    .callsTo('chat.postMessage')
    .find((c) => c.body.thread_ts && messageText(c.body).includes(`*Cut-over of ${name}*`));
  if (!post?.ts) return {};
  const edits = a.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === post.ts);
  return (edits.at(-1) ?? post).body;
}

/** The plan's summary post as last drawn. */
function summary(plan: string): string {
  const post = channelPosts(new RegExp(`Cut-over of plan \\*${plan}\\*`)).at(-1);
  if (!post?.ts) return '';
  const edits = a.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === post.ts);
  return messageText((edits.at(-1) ?? post).body);
}

let estate = '';

describe('cutting a whole plan over', () => {
  it('refuses a plan with a migration still running its first copy, naming it', async () => {
    const done = await migrated('pc-done');
    const copying = await migrated('pc-copying', 2);
    await planOf('half-copied', [done.id, copying.id]);
    const answer = messageText(await a.ask('cutover half-copied freeze 20', ALICE));
    expect(answer).toContain('still running its first copy');
    expect(answer).toContain('pc-copying');
    expect(buttons(await a.ask('cutover half-copied', ALICE))).toEqual([]);
  });

  it("refuses a plan id no plan of this workspace has (another workspace's)", async () => {
    const answer = messageText(await a.ask('cutover pabcdef freeze 20', ALICE));
    expect(answer).toContain('no plan `pabcdef` in this workspace');
    const other = messageText(await a.ask('cutover half-copied', { ...ALICE, teamId: 'T0OTHERWS' }));
    expect(other).not.toContain('Cut over plan');
  });

  it('asks once, starts once across replicas, freezes once for the plan, sums up on its post', {
    timeout: 60_000,
  }, async () => {
    const one = await migrated('pc-one');
    const two = await migrated('pc-two');
    const three = await migrated('pc-three', 5, true);
    estate = await planOf('estate', [one.id, two.id, three.id]);
    const confirm = await a.ask('cutover estate freeze 25', ALICE);
    const text = messageText(confirm);
    expect(text).toContain('Cut over plan *estate*: its 3 migrations together');
    for (const n of ['pc-one', 'pc-two', 'pc-three']) expect(text).toContain(n);
    expect(text).toContain('0 missing and 0 different');
    // Each migration's step 1 is not a notice in the channel (the plan's is the one), and none keeps in sync.
    expect(text).toContain(
      "1. The freeze said in each card's thread and to the webhooks (`cutover.started`); the channel gets only the plan's notice.",
    );
    expect(text).toContain('2. The final delta runs (no keep-in-sync is active');
    const start = buttons(confirm).find((x) => x.action_id === 'cutover.plan.start');
    expect(start).toBeDefined();
    // Its dialog says how many cut-overs start and where the one freeze notice goes.
    const dialog = start!.confirm as { title: { text: string }; text: { text: string } } | undefined;
    expect(dialog?.title.text).toBe('Cut the plan over?');
    expect(dialog?.text.text).toContain('3 cut-overs start now, one per migration of *estate*');
    expect(dialog?.text.text).toContain(`one freeze notice is posted in <#${CHANNEL}>`);
    // A green check does not stop a cut-over; a red one waits for an override, each for a sign-off.
    expect(dialog?.text.text).toContain('Each then runs its final delta and bucket check (a red check waits');
    // Pressed on both replicas at once: one plan cut-over, one cut-over per migration.
    const [ra, rb] = await Promise.all([
      a.click(start!.action_id, start!.value, ALICE).then((r) => r.answer()),
      b.click(start!.action_id, start!.value, ALICE).then((r) => r.answer()),
    ]);
    const answers = [messageText(ra), messageText(rb)];
    const said = JSON.stringify(answers);
    expect(
      answers.filter((t) => t.includes('Cut-over of plan *estate* started: 3 migrations')),
      said,
    ).toHaveLength(1);
    expect(answers.filter((t) => t.includes('already cutting over'))).toHaveLength(1);
    await tickBoth(3);
    // One freeze notice for the plan, none per migration in the channel.
    expect(channelPosts(/^Freeze: plan \*estate\*/)).toHaveLength(1);
    // Its end in each reader's time zone (Slack's date token, UTC as the fallback), not an ISO string.
    expect(messageText(channelPosts(/^Freeze: plan \*estate\*/)[0]!.body)).toMatch(
      /until <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>\)/,
    );
    expect(channelPosts(/^Freeze: `/)).toHaveLength(0);
    expect(summary('estate')).toMatch(/0 of 3 cut over, 3 running/);
    // A second ask while it runs is refused.
    expect(messageText(await a.ask('cutover estate', ALICE))).toContain('already cutting over');
    // The final deltas run, the checks find one destination short: red, waiting for an override.
    await tickBoth(2);
    a.oms.clock.advance(5_000);
    await tickBoth(2);
    // The checks run in the background: once each post shows its result, a pass sums them up.
    const checked = (name: string, state: string) =>
      messageText(cutPost(name)).includes(`Check the buckets: *${state}`);
    await a.fakeSlack.waitFor(
      () => checked('pc-one', 'done') && checked('pc-two', 'done') && checked('pc-three', 'red'),
      20_000,
    );
    await tickBoth(1);
    expect(summary('estate')).toContain('0 of 3 cut over, 1 red (override needed), 2 running');
    await tickBoth(2);
    // Another approver signs the two green ones off: they complete, the red one stays red.
    for (const name of ['pc-one', 'pc-two']) {
      const sign = buttons(cutPost(name)).find((x) => x.action_id === 'cutover.cut.signoff');
      expect(sign, messageText(cutPost(name))).toBeDefined();
      await (await a.click(sign!.action_id, sign!.value, BOB)).answer();
    }
    await tickBoth(3);
    expect(summary('estate')).toContain('2 of 3 cut over, 1 red (override needed)');
  });

  // Last: it forgets this file's workspace.
  it("forgets the plan's cut-over with its workspace when the app is uninstalled", async () => {
    const kv = (a.bot.deps.capabilities.stateOf('cutover') as CutoverState).core.state;
    const key = `cutover:plan-cut:T0FAKE001:${estate}`;
    expect(await kv.get(key)).toBeDefined();
    expect((await a.event({ type: 'app_uninstalled' }, 'T0FAKE001')).status).toBe(200);
    await a.settled();
    expect(await kv.get(key)).toBeUndefined();
    expect(await kv.setMembers('cutover:plan-cut:active')).not.toContain(`T0FAKE001:${estate}`);
  });
});
