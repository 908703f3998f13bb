import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriptions } from '../../../src/capabilities/subscriptions/following.js';
import { subscriptions } from '../../../src/capabilities/subscriptions/index.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { stateIn } from '../../harness/started-capabilities.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { notifications } from '../../harness/watcher-rig.js';

// Issue 36, item 4: caps per workspace on watches, subscriptions and channels per connection,
// through signed requests, on the embedded stores (the Redis replicas: workspace-limits-redis.test.ts).
const TEAM = 'T0FAKE001';
const OPERATOR = 'U0OPER036';
const [C1, C2, C3] = ['C0CAPS001', 'C0CAPS002', 'C0CAPS003'];
const CAPS = {
  MAX_WATCHES_PER_WORKSPACE: '2',
  MAX_SUBSCRIPTIONS_PER_WORKSPACE: '3',
  MAX_CHANNELS_PER_CONNECTION: '2',
};
const channel = (id: string) => `<#${id}|${id.toLowerCase()}>`;

describe.each(['memory', 'sqlite'] as const)('caps per workspace (%s store)', (kind) => {
  const t = new TestBot();
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-caps-'));
  const watcher = () => t.bot.deps.watcher;
  const subs = () => stateIn<Subscriptions>(t.bot.deps, subscriptions);
  const ask = async (text: string) => messageText(await t.ask(text, { userId: OPERATOR }));
  const task = (name: string) => t.oms.addTask({ name, status: 2 }).id;
  const watchedIds = async () => (await watcher().list(TEAM)).map((r) => r.watch.id).sort();
  const subscribed = async () =>
    (await subs().store.list(TEAM)).map((s) => `${s.connection}${s.groupId ?? ''}@${s.channelId}`).sort();

  beforeAll(async () => {
    await t.start({
      env: {
        POLL_INTERVAL_SECONDS: '0',
        STORE_URL: kind === 'sqlite' ? `sqlite://${path.join(dir, 'bot.sqlite')}` : 'memory://',
        ...CAPS,
      },
      connections: (url) => [omsConnection('hw-prod', url), omsConnection('hw-b', url)],
      watcher: { recheckAfterMs: [] },
    });
    await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    for (const s of await subs().store.loadAll()) await subs().unsubscribe(s);
    for (const { key } of await watcher().store.loadAll()) await watcher().store.remove(key);
    t.oms.reset();
    t.fakeSlack.clear();
  });

  it('refuses a watch past the cap, naming the cap and the use, and adds nothing', async () => {
    const [a, b, c] = [task('cap-a'), task('cap-b'), task('cap-c')];
    expect(await ask(`watch hw-prod:${a} ${channel(C1)}`)).toContain('Watching *cap-a*');
    expect(await ask(`watch hw-prod:${b} ${channel(C1)}`)).toContain('Watching *cap-b*');

    const refused = await ask(`watch hw-prod:${c} ${channel(C1)}`);
    expect(refused).toContain('This workspace has 2 of 2 watches');
    expect(refused).toContain('MAX_WATCHES_PER_WORKSPACE');
    expect(refused).toContain('nothing was added');
    expect(await watchedIds()).toEqual([a, b].sort());
    expect(notifications(t.fakeSlack).filter((n) => n.event === 'parent')).toHaveLength(2);

    // The Watch button on a card is refused the same way, in another channel too.
    const click = await t.click(
      'resource.watch',
      encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: c }),
      {
        userId: OPERATOR,
        channelId: C2,
      },
    );
    expect(messageText(await click.answer())).toContain('2 of 2 watches');
    // Watching again what is watched already is no new watch: it passes at the cap.
    expect(await ask(`watch hw-prod:${a} ${channel(C1)}`)).toContain('already watched');
    expect(await watchedIds()).toEqual([a, b].sort());
    expect((await watcher().usage(TEAM)).watches).toEqual({ used: 2, max: 2 });

    // A place freed is a place to take.
    await ask(`unwatch hw-prod:${a} ${channel(C1)}`);
    expect(await ask(`watch hw-prod:${c} ${channel(C1)}`)).toContain('Watching *cap-c*');
    expect(await watchedIds()).toEqual([b, c].sort());
  });

  it('refuses a subscription past the channels of a connection, then past the subscriptions', async () => {
    expect(await ask(`subscribe hw-prod ${channel(C1)}`)).toContain('now follows');
    expect(await ask(`subscribe hw-prod ${channel(C2)}`)).toContain('now follows');

    const channels = await ask(`subscribe hw-prod ${channel(C3)}`);
    expect(channels).toContain('`hw-prod` is followed in 2 of 2 channels');
    expect(channels).toContain('MAX_CHANNELS_PER_CONNECTION');
    expect(await subscribed()).toEqual([`hw-prod@${C1}`, `hw-prod@${C2}`]);

    // Changing the mode of one it has is no new subscription.
    expect(await ask(`subscribe hw-prod endings ${channel(C1)}`)).toContain('now endings');

    expect(await ask(`subscribe hw-b ${channel(C1)}`)).toContain('now follows');
    const subscriptions = await ask(`subscribe hw-b ${channel(C2)}`);
    expect(subscriptions).toContain('This workspace has 3 of 3 subscriptions');
    expect(subscriptions).toContain('MAX_SUBSCRIPTIONS_PER_WORKSPACE');
    expect(await subscribed()).toEqual([`hw-b@${C1}`, `hw-prod@${C1}`, `hw-prod@${C2}`]);

    await ask(`unsubscribe hw-prod ${channel(C2)}`);
    expect(await ask(`subscribe hw-b ${channel(C3)}`)).toContain('now follows');
    expect((await watcher().usage(TEAM)).subscriptions).toEqual({ used: 3, max: 3 });
  });

  it('a subscription adds watches up to the cap, and finding them again counts none twice', async () => {
    for (const name of ['sub-1', 'sub-2', 'sub-3']) task(name);
    await ask(`subscribe hw-prod ${channel(C1)}`);
    await watcher().runCycle();
    expect(await watcher().list(TEAM)).toHaveLength(2);
    expect(t.logs.lines.some((l) => l.includes('workspace at its watches cap'))).toBe(true);
    await watcher().runCycle();
    await watcher().runCycle();
    expect(await watcher().list(TEAM)).toHaveLength(2);
    expect((await watcher().usage(TEAM)).watches).toEqual({ used: 2, max: 2 });
    // At the cap, an explicit watch is refused too; unsubscribing frees the places.
    const third = task('sub-4');
    expect(await ask(`watch hw-prod:${third} ${channel(C2)}`)).toContain('2 of 2 watches');
    await ask(`unsubscribe hw-prod ${channel(C1)}`);
    expect(await ask(`watch hw-prod:${third} ${channel(C2)}`)).toContain('Watching *sub-4*');
  });

  it('adds racing for the last place: exactly the places left are taken', async () => {
    await ask(`watch hw-prod:${task('first')} ${channel(C1)}`);
    const racers = Array.from({ length: 6 }, (_, i) => task(`racer-${i}`));
    const answers = await Promise.all(racers.map((id) => ask(`watch hw-prod:${id} ${channel(C1)}`)));
    expect(answers.filter((a) => a.includes('Watching *racer-'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('2 of 2 watches'))).toHaveLength(5);
    expect(await watcher().list(TEAM)).toHaveLength(2);
    expect((await watcher().usage(TEAM)).watches.used).toBe(2);

    const subscribing = await Promise.all(
      ['C0RACE001', 'C0RACE002', 'C0RACE003', 'C0RACE004', 'C0RACE005'].map((id) =>
        ask(`subscribe hw-prod ${channel(id)}`),
      ),
    );
    expect(subscribing.filter((a) => a.includes('now follows'))).toHaveLength(2);
    expect(subscribing.filter((a) => a.includes('2 of 2 channels'))).toHaveLength(3);
    expect(await subs().store.list(TEAM)).toHaveLength(2);
  });

  it('the Home tab and /migrate subscriptions show the use against each cap', async () => {
    await ask(`watch hw-prod:${task('shown')} ${channel(C1)}`);
    await ask(`subscribe hw-prod ${channel(C1)}`);
    const listing = await ask('subscriptions');
    expect(listing).toContain('1 of 2 watches');
    expect(listing).toContain('1 of 3 subscriptions');
    expect(listing).toContain('`hw-prod`: 1 of 2 channels');
    const home = await homeTab(t);
    expect(home).toContain('1 of 2 watches');
    expect(home).toContain('1 of 3 subscriptions');
    expect(home).not.toContain('At the watches cap');

    await ask(`watch hw-prod:${task('full')} ${channel(C1)}`);
    const full = await homeTab(t);
    expect(full).toContain('2 of 2 watches');
    expect(full).toContain('At the watches cap');
    // An empty list still says where the workspace stands.
    expect(await ask(`subscriptions ${channel(C3)}`)).toContain('1 of 3 subscriptions');
  });
});

async function homeTab(t: TestBot): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  const http = await t.event({ type: 'app_home_opened', user: OPERATOR, tab: 'home', channel: 'D0HOME036' });
  expect(http.status).toBe(200);
  const published = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.publish').slice(before)[0]);
  return JSON.stringify(published.body.view);
}
