import { expect } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import type { CutoverState } from '../../../src/capabilities/cutover/state.js';
import { SlackHistoryProxy } from '../../harness/slack-history-proxy.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';
import { ObjectsWorld } from '../objects/objects-world.js';

export const CHANNEL = 'C0CUTOVER';
export const STARTER = 'U0ALICE01';
export const APPROVER = 'U0CUTBOB1';
export const ALICE = { userId: STARTER, channelId: CHANNEL };
export const BOB = { userId: APPROVER, channelId: CHANNEL };

const keyOf = (c: RecordedCall) =>
  (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';

/**
 * The guided cut-over's rig: two bots on one Redis database and one clock, the second pointed at
 * the first's fake Slack and OMS simulator, ticking their schedulers together; an approver granted.
 */
export class CutoverWorld {
  readonly storeUrl = replicaRedisUrl();
  readonly connection = `hw-cut-${Date.now().toString(36)}`;
  readonly clock = new TestClock();
  readonly world = new ObjectsWorld({ oms: {} });
  readonly a = new TestBot();
  readonly b = new TestBot();
  /** `history`: the second replica reads the channel's history (the fake answers none; a proxy does). */
  history?: SlackHistoryProxy;

  async start(options: { history?: boolean } = {}): Promise<void> {
    await dropRedisKeys(this.storeUrl, 'cutover');
    await this.world.start();
    const connections = () => [this.world.omsConnection(this.connection, this.a.oms.url)];
    const env = { STORE_URL: this.storeUrl, POLL_INTERVAL_SECONDS: '0', ...this.world.allowed() };
    const watcher = { clock: this.clock, editBudget: { windowMs: 10_000, max: 1_000 } };
    await this.a.start({ env, connections, watcher });
    if (options.history) this.history = await new SlackHistoryProxy(this.a.fakeSlack).start();
    const slack = this.history?.apiUrl ?? this.a.fakeSlack.apiUrl;
    await this.b.start({ env: { ...env, SLACK_API_URL: slack }, connections, watcher });
    this.a.oms.clock.freeze();
    // A final delta runs in seconds of the simulator's clock (which must stay near the signer's).
    this.a.oms.timings.speedBytesPerSecond = 1024 ** 4;
    await this.a.ask(`access grant <@${APPROVER}> approver`);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.a.stop(), this.b.stop()]);
    await this.history?.stop();
    await this.world.stop();
    await dropRedisKeys(this.storeUrl, this.connection);
  }

  /** The cut-over's state on replica `r` (its store is the one both share). */
  state(r: TestBot): CutoverState {
    return r.bot.deps.capabilities.stateOf('cutover') as CutoverState;
  }

  /** A finished OMS task whose buckets hold `keys` (the destination as `dst` says), watched in the channel. */
  async migrated(name: string, dst: (keys: string[]) => Record<string, string> = sameKeys, status = 5) {
    const keys = Array.from({ length: 12 }, (_, i) => `data/${String(i).padStart(3, '0')}.bin`);
    for (const key of keys) this.world.store.putObject(`${name}-src`, key, `bytes of ${key}`);
    for (const [key, body] of Object.entries(dst(keys))) this.world.store.putObject(`${name}-dst`, key, body);
    const task = this.a.oms.addTask({
      name,
      status,
      progress: status === 5 ? 1 : 0.4,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: `${name}-src` },
      dst: { region: 'cn-north-4', bucket: `${name}-dst` },
    });
    await this.a.ask(`watch ${task.id} <#${CHANNEL}|ops>`, ALICE);
    await this.a.bot.deps.watcher.runCycle();
    return task;
  }

  /** Both replicas tick at once, `times` times. */
  async tickBoth(times = 2): Promise<void> {
    for (let i = 0; i < times; i++)
      await Promise.all([this.a.bot.scheduler.tick('cycle'), this.b.bot.scheduler.tick('cycle')]);
  }

  /** Thread lines (by dedup key) the cut-over said for resource `id`. */
  said(id: string, what: RegExp): RecordedCall[] {
    return this.a.fakeSlack
      .callsTo('chat.postMessage')
      .filter((c) => keyOf(c).includes(`:${id}:`) && what.test(keyOf(c)));
  }
  completes(id: string): RecordedCall[] {
    return this.said(id, /cutover-[a-f0-9]+-complete$/);
  }
  finalDeltas(name: string) {
    return [...this.a.oms.tasks.values()].filter((t) => t.description === `${name} · final delta`);
  }
  /** Freeze notices posted in the channel itself (not a thread) for resource `id`. */
  channelFreezes(id: string): RecordedCall[] {
    return this.a.fakeSlack
      .callsTo('chat.postMessage')
      .filter(
        (c) => c.body.channel === CHANNEL && !c.body.thread_ts && messageText(c.body).includes('Freeze: '),
      )
      .filter((c) => messageText(c.body).includes(id));
  }

  /** The cut-over's post as last drawn (posted once in the thread, then edited). */
  cutPost(id: string): Record<string, unknown> | undefined {
    const post = this.a.fakeSlack
      .callsTo('chat.postMessage')
      .find((c) => keyOf(c).includes(`:${id}:`) && /-post$/.test(keyOf(c)));
    if (!post?.ts) return undefined;
    const edits = this.a.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === post.ts);
    return (edits.at(-1) ?? post).body;
  }
  postText(id: string): string {
    return messageText(this.cutPost(id) ?? {});
  }
  postButton(id: string, action: string) {
    return buttons(this.cutPost(id) ?? {}).find((x) => x.action_id === action);
  }

  /** The Home tab `bot` publishes for the starter as it is opened. */
  async homeText(bot: TestBot): Promise<string> {
    const slack = this.a.fakeSlack;
    const before = slack.callsTo('views.publish').length;
    await bot.event({ type: 'app_home_opened', user: STARTER, channel: 'D0001', tab: 'home' });
    return JSON.stringify((await slack.waitFor(() => slack.callsTo('views.publish')[before])).body);
  }

  /** Asks, reads the one confirmation, presses Start (on the other replica); resolves with the confirmation's text. */
  async startCutover(id: string, words = 'freeze 30'): Promise<string> {
    const confirm = await this.a.ask(`cutover ${this.connection}:${id} ${words}`, ALICE);
    const start = buttons(confirm).find((x) => x.action_id === 'cutover.cut.start');
    expect(start, messageText(confirm)).toBeDefined();
    const started = await (await this.b.click(start!.action_id, start!.value, ALICE)).answer();
    expect(messageText(started)).toContain('started');
    return messageText(confirm);
  }

  /**
   * Ticks until the delta exists, lets the OMS simulator finish it, ticks the check on (it runs in
   * the background), waits for its result on the post, and ticks once more (the sign-off is due).
   */
  async throughCheck(name: string, id: string): Promise<void> {
    await this.tickBoth(2);
    expect(this.finalDeltas(name)).toHaveLength(1);
    this.a.oms.clock.advance(5_000);
    await this.tickBoth(2);
    await this.a.fakeSlack.waitFor(() => /Check the buckets: \*(done|red)/.test(this.postText(id)), 20_000);
    await this.tickBoth(2);
  }
}

export function sameKeys(keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, `bytes of ${k}`]));
}
