import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriptions } from '../../src/capabilities/subscriptions/following.js';
import { subscriptions } from '../../src/capabilities/subscriptions/index.js';
import { stateIn } from '../harness/started-capabilities.js';
import { TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { notifications, postsPerKey } from '../harness/watcher-rig.js';

// Issue #14, "Subscriptions": a channel follows a whole connection (or an OMS task group) without a
// `watch` per task, through signed `/migrate` commands and real poll cycles against the simulator.
const t = new TestBot();
const OPERATOR = 'U0OPER014';
const VIEWER = 'U0VIEW014';
const OPS = 'C0OPS0014';
const text = (answer: Record<string, unknown>) => JSON.stringify(answer);

beforeAll(async () => {
  // The bot's clock: real time, but the post pacer's waits between posts move it instead of
  // taking wall time.
  await t.start({
    clock: new TestClock(),
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { recheckAfterMs: [] },
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  for (const s of await subs().store.loadAll()) await subs().unsubscribe(s);
  for (const { key } of await t.bot.deps.watcher.store.loadAll()) await t.bot.deps.watcher.store.remove(key);
  t.oms.reset();
  t.fakeSlack.clear();
});

const subs = () => stateIn<Subscriptions>(t.bot.deps, subscriptions);
const cycle = () => t.bot.deps.watcher.runCycle();
const fail = (id: string, code = 'OMS.0402') => {
  const task = t.oms.tasks.get(id)!;
  task.status = 4;
  task.errorReason = { error_code: code, error_msg: 'source bucket gone' };
};
/** Top-level channel posts (not thread replies, not cards) in `channel`. */
const channelPosts = (channel = OPS) =>
  notifications(t.fakeSlack).filter((n) => n.body.channel === channel && !n.thread && n.event !== 'parent');

describe('/migrate subscribe <connection> failures', () => {
  it('posts one message per failure and per recovery, for tasks that exist and tasks added later', async () => {
    const running = t.oms.addTask({ name: 'sub-running', status: 2 });
    const failedBefore = t.oms.addTask({ name: 'sub-failed-before', status: 4 });
    const answer = await t.ask(`subscribe hw-prod failures <#${OPS}|ops>`, { userId: OPERATOR });
    expect(text(answer)).toContain(`<#${OPS}> now follows connection`);
    expect(text(answer)).toContain('failures');

    const first = await cycle();
    // Subscriptions cost list pages only: no `get` per resource.
    expect(first?.providerRequests).toBe(first?.pages);
    expect(channelPosts()).toHaveLength(0); // nothing for what happened before (the old failure)
    expect(t.fakeSlack.callsTo('chat.postMessage')).toHaveLength(0); // and no cards in this mode

    fail(running.id);
    const late = t.oms.addTask({ name: 'sub-added-later', status: 2 });
    await cycle();
    const failures = channelPosts();
    expect(failures.map((n) => n.event)).toEqual(['failed']);
    expect(String(failures[0]!.body.text)).toContain('sub-running');
    // Explained from the catalogue, with the buttons a failure offers.
    expect(JSON.stringify(failures[0]!.body.blocks)).toContain('OMS.0402');
    expect(JSON.stringify(failures[0]!.body.blocks)).toContain('"type":"actions"');

    fail(late.id);
    t.oms.tasks.get(failedBefore.id)!.status = 5; // succeeded: not a failures-mode post
    await cycle();
    expect(
      channelPosts().map((n) => `${n.event}:${String(n.body.text).includes('sub-added-later')}`),
    ).toEqual(['failed:false', 'failed:true']);

    // The first failure recovers: one recovery post.
    t.oms.tasks.get(running.id)!.status = 2;
    t.oms.tasks.get(running.id)!.runningSince = t.oms.clock.now();
    await cycle();
    expect(channelPosts().map((n) => n.event)).toEqual(['failed', 'failed', 'retrying']);
    expect([...postsPerKey(t.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  });

  it('endings adds completions; all gives a card per migration', async () => {
    const a = t.oms.addTask({ name: 'end-a', status: 2 });
    await t.ask(`subscribe hw-prod endings <#${OPS}|ops>`, { userId: OPERATOR });
    await cycle();
    t.oms.tasks.get(a.id)!.status = 5;
    await cycle();
    expect(channelPosts().map((n) => n.event)).toEqual(['succeeded']);

    const changed = await t.ask(`subscribe hw-prod all <#${OPS}|ops>`, { userId: OPERATOR });
    expect(text(changed)).toContain('was endings, now all');
    await cycle();
    const parents = notifications(t.fakeSlack).filter((n) => n.event === 'parent' && n.body.channel === OPS);
    expect(parents).toHaveLength(1);
  });

  it('a channel that subscribes and also watches a task gets each notification once', async () => {
    const task = t.oms.addTask({ name: 'both', status: 2 });
    await t.ask(`subscribe hw-prod failures <#${OPS}|ops>`, { userId: OPERATOR });
    await t.ask(`watch ${task.id} <#${OPS}|ops>`, { userId: OPERATOR });
    await cycle();
    fail(task.id);
    await cycle();
    const failed = notifications(t.fakeSlack).filter((n) => n.event === 'failed' && n.body.channel === OPS);
    expect(failed).toHaveLength(1);
    // The watch's thread carries it, broadcast to the channel once.
    expect(failed[0]!.thread).toBe(true);
    expect(failed[0]!.broadcast).toBe(true);

    // Unsubscribing leaves the watch asked for by name.
    const gone = await t.ask(`unsubscribe hw-prod <#${OPS}|ops>`, { userId: OPERATOR });
    expect(text(gone)).toContain('no longer follows');
    expect((await t.bot.deps.watcher.list('T0FAKE001', OPS)).map((r) => r.watch.id)).toEqual([task.id]);
  });

  it('after unsubscribe nothing more is posted, and its watches are gone', async () => {
    const task = t.oms.addTask({ name: 'quiet', status: 2 });
    await t.ask(`subscribe hw-prod <#${OPS}|ops>`, { userId: OPERATOR });
    await cycle();
    expect(await t.bot.deps.watcher.list('T0FAKE001', OPS)).toHaveLength(1);
    await t.ask(`unsubscribe hw-prod <#${OPS}|ops>`, { userId: OPERATOR });
    expect(await t.bot.deps.watcher.list('T0FAKE001', OPS)).toHaveLength(0);
    fail(task.id);
    await cycle();
    expect(channelPosts()).toHaveLength(0);
  });

  it('follows only the tasks of a task group with connection:group-id', async () => {
    const group = t.oms.addTaskGroup({ status: 2, taskCount: 0 });
    const inGroup = t.oms.addTask({ name: 'grouped', status: 2, groupId: group.id });
    const outside = t.oms.addTask({ name: 'loose', status: 2 });
    const answer = await t.ask(`subscribe hw-prod:${group.id} <#${OPS}|ops>`, { userId: OPERATOR });
    expect(text(answer)).toContain(`task group`);
    await cycle();
    fail(inGroup.id);
    fail(outside.id);
    await cycle();
    const posts = channelPosts();
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.body.text)).toContain('grouped');
    // `all` on a task group is one card for the group, not a card per task.
    await t.ask(`subscribe hw-prod:${group.id} all <#${OPS}|ops>`, { userId: OPERATOR });
    await cycle();
    const cards = notifications(t.fakeSlack).filter((n) => n.event === 'parent' && n.body.channel === OPS);
    expect(cards.map((n) => n.key)).toEqual([expect.stringContaining(`:task-group:${group.id}:parent`)]);
    const watched = await t.bot.deps.watcher.list('T0FAKE001', OPS);
    expect(watched.map((r) => r.watch.kind)).toEqual(['task-group']);
    await t.ask(`unsubscribe hw-prod:${group.id} <#${OPS}|ops>`, { userId: OPERATOR });
    expect(await t.bot.deps.watcher.list('T0FAKE001', OPS)).toHaveLength(0);
  });
});

describe('refusals change nothing', () => {
  it('a viewer cannot subscribe; everyone can list', async () => {
    const refused = await t.ask(`subscribe hw-prod <#${OPS}|ops>`, { userId: VIEWER });
    expect(text(refused)).toMatch(/operator/i);
    expect(await subs().store.loadAll()).toHaveLength(0);
    await t.ask(`subscribe hw-prod endings <#${OPS}|ops>`, { userId: OPERATOR });
    const listed = await t.ask('subscriptions', { userId: VIEWER });
    expect(text(listed)).toContain(`<#${OPS}>`);
    expect(text(listed)).toContain('endings');
  });

  it('an unknown connection, group or mode is a clear message', async () => {
    expect(text(await t.ask('subscribe nope', { userId: OPERATOR }))).toContain('nope');
    expect(text(await t.ask('subscribe hw-prod:9999999 failures', { userId: OPERATOR }))).toMatch(
      /not found|no task group|does not exist/i,
    );
    expect(text(await t.ask('subscribe hw-prod sometimes', { userId: OPERATOR }))).toContain(
      '`sometimes` is not a mode: choose failures (the default), endings or all.',
    );
    expect(text(await t.ask(`unsubscribe hw-prod <#${OPS}|ops>`, { userId: OPERATOR }))).toContain(
      'is not subscribed',
    );
    expect(await subs().store.loadAll()).toHaveLength(0);
  });
});
