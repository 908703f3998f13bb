import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { ENGLISH, type MessageKey } from '../../../src/i18n/translator.js';
import { brokenFixParts } from '../../../src/watcher/outbox/broken-channel.js';
import { cardOf } from '../../../src/watcher/outbox/living-posts.js';
import { type ChannelGone, type WatchRecord, watchKey } from '../../../src/watcher/records/watch-store.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import {
  cleanRedis,
  GiB,
  MiB,
  notifications,
  postsPerKey,
  REDIS_URL,
  CHANNEL as RIG_CHANNEL,
  TEAM as RIG_TEAM,
  type Rig,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
} from '../../harness/watcher-rig.js';

/**
 * Slack refuses a watched channel (the bot was removed, the channel archived, or it is private and
 * the bot is not in it): the watch is shown broken, its creator gets one DM with the fix, the audit
 * channel one entry, other channels keep their notifications, and the watch resumes once repaired.
 */
const t = new TestBot();
const TEAM = 'T0FAKE001';
const BOT_USER = 'U0BOT0001';
const OPERATOR = 'U0OPER001';
const VIEWER = 'U0VIEW001';
const OTHER = 'C0OTHER01';
const AUDIT = 'C0AUDIT01';
/** OMS task statuses. */
const PAUSED = 3;
const FAILED = 4;

beforeAll(async () => {
  // The traces below are the held posts of a broken channel; the completion report that follows a
  // failure has its own tests (test/reports).
  // The bot's clock: real time, but the post pacer's waits between posts move it instead of
  // taking wall time (a dozen posts within seconds otherwise wait for their slots).
  await t.start({
    clock: new TestClock(),
    env: { POLL_INTERVAL_SECONDS: '0' },
    watcher: { completionReports: false },
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`settings audit <#${AUDIT}|audit>`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  for (const r of await t.bot.deps.watcher.list(TEAM)) await t.bot.deps.watcher.unwatch(r.watch);
  t.oms.tasks.clear();
  t.fakeSlack.clear();
});

const posts = (channel: string): RecordedCall[] =>
  t.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
const auditPosts = (action: string) => posts(AUDIT).filter((c) => String(c.body.text).includes(action));
const record = async (id: string): Promise<WatchRecord | undefined> =>
  (await t.bot.deps.watcher.list(TEAM)).find((r) => r.watch.id === id);
const eventsIn = (channel: string) =>
  notifications(t.fakeSlack)
    .filter((n) => n.body.channel === channel)
    .map((n) => n.event);

/** Poll cycles until `done` holds; bounded in count and time. */
async function cycleUntil(done: () => Promise<boolean> | boolean, max = 20): Promise<void> {
  const cycled = async () => {
    await t.bot.deps.watcher.runCycle();
    return done();
  };
  await until(cycled, { what: 'done', timeoutMs: max * 1_000, checks: max });
}

async function homeTabOf(user: string): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  const http = await t.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME001' });
  expect(http.status).toBe(200);
  const published = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('views.publish')
      .slice(before)
      .find((c) => c.body.user_id === user),
  );
  return JSON.stringify(published.body.view);
}

const CASES: { reason: ChannelGone; channel: string; lose: () => void; fix: () => void }[] = [
  {
    reason: 'not_in_channel',
    channel: 'C0KICKED1',
    lose: () => t.fakeSlack.channels.removeBot('C0KICKED1'),
    fix: () => t.fakeSlack.channels.inviteBot('C0KICKED1'),
  },
  {
    reason: 'channel_not_found',
    channel: 'G0PRIVATE',
    lose: () => t.fakeSlack.channels.removeBot('G0PRIVATE', { privateChannel: true }),
    fix: () => t.fakeSlack.channels.inviteBot('G0PRIVATE'),
  },
  {
    reason: 'is_archived',
    channel: 'C0ARCHIVE',
    lose: () => t.fakeSlack.channels.archive('C0ARCHIVE'),
    fix: () => t.fakeSlack.channels.unarchive('C0ARCHIVE'),
  },
];

describe('a watch whose channel Slack refuses', () => {
  it.each(CASES)(
    '$reason: shown broken, creator told once, audit told, others delivered, repaired by /migrate watch',
    async ({ reason, channel, lose, fix }) => {
      const lost = t.oms.addTask({ name: 'photos-to-obs', status: PAUSED });
      const kept = t.oms.addTask({ name: 'logs-to-obs', status: PAUSED });
      await t.ask(`watch ${lost.id} <#${channel}|lost>`, { userId: OPERATOR });
      await t.ask(`watch ${kept.id} <#${OTHER}|other>`, { userId: OPERATOR });
      expect(eventsIn(channel)).toEqual(['parent']);

      lose();
      t.oms.task(lost.id)!.status = FAILED;
      t.oms.task(kept.id)!.status = FAILED;
      await cycleUntil(async () => (await record(lost.id))?.broken !== undefined);
      await cycleUntil(() => eventsIn(OTHER).includes('failed'));

      // Broken, with why and since when; the notification is held, not dropped.
      const broken = (await record(lost.id))!;
      expect(broken.broken?.reason).toBe(reason);
      expect(broken.outbox.map((e) => e.event)).toEqual(['failed']);
      expect((await record(kept.id))!.broken).toBeUndefined();

      // The creator got one DM: which resource, which channel, why, and the fix.
      const dms = posts(OPERATOR);
      expect(dms).toHaveLength(1);
      const dm = messageText(dms[0]!.body);
      expect(dm).toContain('photos-to-obs');
      expect(dm).toContain(`hw-prod:${lost.id}`);
      expect(dm).toContain(`<#${channel}>`);
      expect(dm).toContain(reason);
      expect(dm).toContain('/invite @migrate');
      expect(dm).toContain(`/migrate watch hw-prod:${lost.id}`);
      // The audit channel got one entry.
      const audited = auditPosts('watch.broken');
      expect(audited).toHaveLength(1);
      expect(String(audited[0]!.body.text)).toContain(`hw-prod:${lost.id}`);
      expect(String(audited[0]!.body.text)).toContain(`<#${channel}>`);

      // `/migrate watches` and the Home tab say so; the other watch is not broken.
      const listed = await t.ask('watches', { userId: VIEWER });
      const lines = messageText(listed).split('\\n');
      const lostLine = lines.find((l) => l.includes(`hw-prod:${lost.id}`))!;
      const keptLine = lines.find((l) => l.includes(`hw-prod:${kept.id}`))!;
      expect(lostLine).toContain('*Broken*');
      expect(lostLine).toContain(reason);
      expect(keptLine).not.toContain('Broken');
      expect(String(listed.text)).toContain('1 broken');
      const home = await homeTabOf(OPERATOR);
      expect(home).toContain('Broken watches* (1)');
      expect(home).toContain(`hw-prod:${lost.id}`);
      expect(home).toContain(`<#${channel}>`);
      expect(home).toContain(reason);

      // Later cycles neither retry the dead channel nor tell anyone again.
      const tried = posts(channel).length;
      for (let i = 0; i < 3; i++) await t.bot.deps.watcher.runCycle();
      expect(posts(channel)).toHaveLength(tried);
      expect(posts(OPERATOR)).toHaveLength(1);
      expect(auditPosts('watch.broken')).toHaveLength(1);

      // Repaired: the bot is back, `/migrate watch` there resumes it and what was held goes out.
      fix();
      const refusedPosts = posts(channel).length;
      const again = messageText(await t.ask(`watch ${lost.id} <#${channel}|lost>`, { userId: OPERATOR }));
      expect(again).toContain('again');
      expect((await record(lost.id))!.broken).toBeUndefined();
      expect(eventsIn(channel)).toEqual(['parent', 'failed', 'repaired', 'failed']);
      // After the repair: a note that watching resumed, then the held reply, in the card's thread.
      const delivered = posts(channel).slice(refusedPosts);
      expect(delivered.map((c) => typeof c.body.thread_ts)).toEqual(['string', 'string']);
      expect(messageText(delivered[0]!.body)).toContain('I can post here again');

      // And notifications flow again.
      t.oms.task(lost.id)!.status = PAUSED;
      await cycleUntil(() => eventsIn(channel).includes('paused'));
      expect(posts(OPERATOR)).toHaveLength(1);
    },
  );

  it('the bot invited back (member_joined_channel) repairs the watches there without a command', async () => {
    const channel = 'C0REJOIN1';
    const task = t.oms.addTask({ name: 'rejoined', status: PAUSED });
    await t.ask(`watch ${task.id} <#${channel}|lost>`, { userId: OPERATOR });
    t.fakeSlack.channels.removeBot(channel);
    t.oms.task(task.id)!.status = FAILED;
    await cycleUntil(async () => (await record(task.id))?.broken !== undefined);

    // Someone else joining changes nothing.
    await t.event({ type: 'member_joined_channel', user: VIEWER, channel, channel_type: 'C', team: TEAM });
    t.fakeSlack.channels.inviteBot(channel);
    await t.event({
      type: 'member_joined_channel',
      user: BOT_USER,
      channel,
      channel_type: 'C',
      team: TEAM,
      inviter: OPERATOR,
    });
    await t.fakeSlack.waitFor(() => eventsIn(channel).filter((e) => e === 'failed').length === 2);
    expect((await record(task.id))!.broken).toBeUndefined();
    expect(eventsIn(channel)).toEqual(['parent', 'failed', 'repaired', 'failed']);
    await t.fakeSlack.waitFor(() => auditPosts('watch.repaired').length === 1);
    expect(posts(OPERATOR)).toHaveLength(1);
  });

  it('/migrate watch while the bot is still out: the watch stays broken, the person is told the fix, no second DM', async () => {
    const channel = 'C0STILL01';
    const task = t.oms.addTask({ name: 'still-out', status: PAUSED });
    await t.ask(`watch ${task.id} <#${channel}|lost>`, { userId: OPERATOR });
    t.fakeSlack.channels.removeBot(channel);
    t.oms.task(task.id)!.status = FAILED;
    await cycleUntil(async () => (await record(task.id))?.broken !== undefined);

    const refused = messageText(await t.ask(`watch ${task.id} <#${channel}|lost>`, { userId: OPERATOR }));
    expect(refused).toContain("can't post");
    expect(refused).toContain('/invite @migrate');
    expect((await record(task.id))!.broken?.reason).toBe('not_in_channel');
    expect(posts(OPERATOR)).toHaveLength(1);
    expect(auditPosts('watch.broken')).toHaveLength(1);
  });

  it('watching in a channel Slack refuses from the start is refused, with the fix, and nothing is kept', async () => {
    const channel = 'C0NEVER01';
    t.fakeSlack.channels.archive(channel);
    const task = t.oms.addTask({ name: 'never-posted', status: PAUSED });
    const refused = messageText(await t.ask(`watch ${task.id} <#${channel}|lost>`, { userId: OPERATOR }));
    expect(refused).toContain('is_archived');
    // Error messages are shown with mentions inert.
    // The channel is named as a live link (ids only; anything a user typed stays inert).
    expect(refused).toContain(`unarchive <#${channel}>`);
    expect(await record(task.id)).toBeUndefined();
    expect(posts(OPERATOR)).toEqual([]);
  });
});

describe('the fix in words', () => {
  it('the catalogue says the fix for every reason, naming the channel and the commands', () => {
    const record = { watch: { channelId: 'C0LOST001', connection: 'hw-prod', id: '191297407830872' } };
    const said = (reason: ChannelGone) => {
      const { key, values } = brokenFixParts(record, reason);
      return ENGLISH.t(key as MessageKey, values);
    };
    const invite = 'invite me with `/invite @migrate` in <#C0LOST001>';
    const rewatch = 'type `/migrate watch hw-prod:191297407830872` there';
    expect(said('not_in_channel')).toBe(`${invite}, then ${rewatch}.`);
    expect(said('is_archived')).toBe(`unarchive <#C0LOST001>, ${invite}, then ${rewatch}.`);
    expect(said('channel_not_found')).toBe(
      `if <#C0LOST001> still exists, ${invite}, then ${rewatch}; if it was deleted, watch the migration in another channel and \`/migrate unwatch\` this one.`,
    );
  });
});

describe('replicas breaking the same channel at once', () => {
  let world: WatchWorld;
  let prefix: string;
  const rigs: Rig[] = [];
  afterAll(async () => {
    for (const r of rigs.splice(0)) await r.stop();
    await world?.stop();
    if (prefix) await cleanRedis(prefix);
  });

  it('each broken watch DMs its creator once, however many replicas deliver', async () => {
    world = await startWorld();
    prefix = uniquePrefix();
    for (let i = 0; i < 3; i++)
      rigs.push(await startRig(world, { storeUrl: REDIS_URL, watcher: { keyPrefix: prefix } }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const task = world.oms.addTask({ name: `shared-${i}`, status: PAUSED });
      ids.push(task.id);
      await rigs[i]!.watcher.watch({
        teamId: RIG_TEAM,
        channelId: RIG_CHANNEL,
        connection: 'hw-prod',
        kind: 'task',
        id: task.id,
        by: 'U0ALICE01',
      });
    }
    world.fakeSlack.channels.removeBot(RIG_CHANNEL);
    for (const id of ids) world.oms.task(id)!.status = FAILED;
    const keys = (await rigs[0]!.watcher.list(RIG_TEAM)).map((r) => watchKey({ ...r.watch }));
    // Every replica cycles and drains every watch, all at once, a few times over.
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        rigs.flatMap((r) => [r.watcher.runCycle(), ...keys.map((k) => r.watcher.outbox.drain(k))]),
      );
      world.clock.advance(1_000);
    }
    const records = await rigs[1]!.watcher.list(RIG_TEAM);
    expect(records.map((r) => r.broken?.reason)).toEqual([
      'not_in_channel',
      'not_in_channel',
      'not_in_channel',
    ]);
    expect(records.map((r) => r.outbox.map((e) => e.event))).toEqual([['failed'], ['failed'], ['failed']]);
    const dms = world.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'U0ALICE01');
    expect(dms).toHaveLength(3);
    expect(
      [...postsPerKey(world.fakeSlack)].filter(([key]) => key.endsWith(':dm')).map(([, n]) => n),
    ).toEqual([1, 1, 1]);
  });
});

describe('a card edit Slack refuses', () => {
  let world: WatchWorld;
  let rig: Rig;
  afterAll(async () => {
    await rig?.stop();
    await world?.stop();
  });

  it('breaks the watch like a post does; the repair redraws the card', async () => {
    world = await startWorld();
    rig = await startRig(world);
    const task = world.oms.addTask({ name: 'edited', status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
    const target = { teamId: RIG_TEAM, channelId: RIG_CHANNEL, connection: 'hw-prod', kind: 'task' as const };
    await rig.watcher.watch({ ...target, id: task.id, by: 'U0ALICE01' });
    world.clock.advance(2_000);
    await rig.watcher.runCycle(); // started
    world.fakeSlack.channels.removeBot(RIG_CHANNEL);
    const edits = () => world.fakeSlack.callsTo('chat.update').filter((c) => c.body.channel === RIG_CHANNEL);
    const dms = () =>
      world.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'U0ALICE01');
    const editsBefore = edits().length;
    for (let i = 0; i < 3; i++) {
      world.clock.advance(20_000); // 20% more each time: an edit is due, no thread reply
      await rig.watcher.runCycle();
    }
    const [broken] = await rig.watcher.list(RIG_TEAM);
    expect(broken?.broken?.reason).toBe('not_in_channel');
    expect(broken && cardOf(broken)?.dirty).toBe(true);
    expect(edits()).toHaveLength(editsBefore + 1);
    expect(dms()).toHaveLength(1);

    world.fakeSlack.channels.inviteBot(RIG_CHANNEL);
    const again = await rig.watcher.watch({ ...target, id: task.id, by: 'U0ALICE01' });
    expect(again.repaired).toBe(true);
    expect(edits()).toHaveLength(editsBefore + 2);
    expect(dms()).toHaveLength(1);
  });
});
