import { randomBytes } from 'node:crypto';
import { FakeSlack, type RecordedCall } from '../../dev/fake-slack/fake-slack.js';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { SimClock } from '../../dev/simulators/kit.js';
import { deltaRuns } from '../../src/capabilities/delta-runs/index.js';
import { onCall } from '../../src/capabilities/on-call/index.js';
import { Subscriptions } from '../../src/capabilities/subscriptions/following.js';
import { verification } from '../../src/capabilities/verification/index.js';
import { verifyEnding } from '../../src/capabilities/verification/verification.js';
import { type Config, createConfig } from '../../src/config.js';
import { ConnectionRegistry } from '../../src/connections/connection-registry.js';
import type { ResourceKind } from '../../src/domain/migration-resource.js';
import type { Logger } from '../../src/logger.js';
import { type HttpTimeouts, PoolRegistry } from '../../src/providers/http/http-client.js';
import { HuaweiOmsProvider } from '../../src/providers/huawei-oms/index.js';
import { SecretRegistry } from '../../src/secrets.js';
import { SlackClients } from '../../src/slack/slack-clients.js';
import { watchSlackFor } from '../../src/slack/watch-slack.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import type { CycleReport } from '../../src/watcher/cycle-report.js';
import { cardOf } from '../../src/watcher/outbox/living-posts.js';
import { type ChannelRecord, channelKey, watchKey } from '../../src/watcher/records/watch-store.js';
import { Watcher, type WatcherOptions } from '../../src/watcher/watcher.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { dropKeys, TEST_REDIS_URL } from './redis-admin.js';
import { SlackHistoryProxy } from './slack-history-proxy.js';
import { startedForReading } from './started-capabilities.js';
import { BOT_TOKEN, HW_AK, HW_SK, omsConnection, PROJECT_ID, SIGNING_SECRET } from './test-bot.js';
import { TestClock } from './test-clock.js';
import { until } from './until.js';

export const TEAM = 'T0FAKE001';
export const CHANNEL = 'C0WATCH01';
export const REDIS_URL = TEST_REDIS_URL;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/**
 * Simulator, fake Slack (behind the history proxy) and a frozen clock the tests move by hand. The
 * watcher's clock (`watcherClock`, which fake Slack's rate limits share) is the simulator's clock
 * plus `skewMs`: the simulator's gateway refuses signatures more than 15 minutes off its clock, so
 * long jumps (stalls, digests) move only the watcher's time, and so do the watcher's own waits
 * (pace windows), which take no wall time (`TestClock`). Nothing here waits for the wall clock.
 */
export interface WatchWorld {
  fakeSlack: FakeSlack;
  proxy: SlackHistoryProxy;
  oms: OmsSimulator;
  /** The simulators' clock: `clock.advance` moves the tasks and, with them, the watcher's time. */
  clock: SimClock;
  /** The watcher's clock; `watcherClock.advance` moves only it (and fake Slack's rate limits). */
  watcherClock: TestClock;
  /** An OMS provider on the simulator, for tests to change and read tasks the way users would. */
  provider: HuaweiOmsProvider;
  /** The watcher's lead over the simulators' clock (`watcherClock.skewMs`). */
  skewMs: number;
  now(): number;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<WatchWorld> {
  const clock = new SimClock();
  clock.freeze(Date.now());
  const watcherClock = new TestClock(() => clock.now());
  const fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN, now: () => watcherClock.now() }).start();
  const proxy = await new SlackHistoryProxy(fakeSlack).start();
  const oms = await new OmsSimulator({
    projectId: PROJECT_ID,
    keys: { [HW_AK]: HW_SK },
    clock,
    timings: { scheduleDelayMs: 2_000, pauseDelayMs: 1_500 },
  }).start();
  const pools = new PoolRegistry();
  const provider = new HuaweiOmsProvider(omsConnection('hw-prod', oms.url), {
    pools,
    logger: captureLogger('fatal').logger,
  });
  const world: WatchWorld = {
    fakeSlack,
    proxy,
    oms,
    clock,
    watcherClock,
    provider,
    get skewMs() {
      return watcherClock.skewMs;
    },
    set skewMs(ms: number) {
      watcherClock.skewMs = ms;
    },
    now: () => watcherClock.now(),
    stop: async () => {
      await pools.close();
      await proxy.stop();
      await Promise.all([fakeSlack.stop(), oms.stop()]);
    },
  };
  return world;
}

export interface RigOptions {
  /** `memory://` (default), `sqlite://…` or Redis. */
  storeUrl?: string;
  /** Talk to the fake directly (no history look-ups) instead of through the proxy. */
  withoutHistory?: boolean;
  watcher?: Partial<WatcherOptions>;
  timeouts?: HttpTimeouts;
  store?: Store;
  /** Replaces the Slack clients (to simulate a process dying mid-call). */
  slackClients?: (config: Config, logger: Logger) => SlackClients;
}

/** One watcher "replica": its own store connection, Slack clients, provider pools and clock reader. */
export interface Rig {
  watcher: Watcher;
  /** The subscriptions capability's state on this watcher, as the bot's start makes it. */
  subscriptions: Subscriptions;
  store: Store;
  logs: string[];
  stop(): Promise<void>;
}

/** Where a test's watch is: `hw-prod`'s resource in `TEAM`'s watch channel, unless told otherwise. */
export interface WatchedAt {
  channelId?: string;
  kind?: ResourceKind;
}

const watchedTarget = (id: string, { channelId = CHANNEL, kind = 'task' }: WatchedAt) => ({
  teamId: TEAM,
  channelId,
  connection: 'hw-prod',
  kind,
  id,
});

/** Has `rig` watch an OMS task (or another kind of `hw-prod`), as Alice asked for it in Slack. */
export function watchTask(rig: Rig, id: string, at: WatchedAt = {}) {
  return rig.watcher.watch({ ...watchedTarget(id, at), by: 'U0ALICE01' });
}

/** The key of the watch `watchTask` made. */
export function watchedKey(id: string, at: WatchedAt = {}): string {
  return watchKey(watchedTarget(id, at));
}

export function uniquePrefix(): string {
  return `test:watch:${randomBytes(5).toString('hex')}:`;
}

export async function startRig(world: WatchWorld, options: RigOptions = {}): Promise<Rig> {
  const { logger, lines } = captureLogger('debug');
  const config = createConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: options.withoutHistory ? world.fakeSlack.apiUrl : world.proxy.apiUrl,
    STORE_URL: options.storeUrl ?? 'memory://',
    POLL_INTERVAL_SECONDS: '0',
  });
  const secrets = new SecretRegistry();
  secrets.add(BOT_TOKEN);
  secrets.add(HW_SK);
  const store = options.store ?? (await createStore(config.storeUrl, logger));
  const pools = new PoolRegistry(options.timeouts);
  const connections = new ConnectionRegistry(
    [omsConnection('hw-prod', world.oms.url)],
    { pools, logger },
    { clock: world.watcherClock },
  );
  const watcher = await Watcher.create(
    {
      config,
      logger,
      store,
      connections,
      slack: watchSlackFor(
        options.slackClients?.(config, logger) ?? new SlackClients(config, logger),
        secrets,
        world.watcherClock,
        // The capabilities draw their posts and notes in the run's thread (a verification, an
        // escalation step, a delta run's chain line) and the card's verification sentence.
        startedForReading([verification, onCall, deltaRuns]),
      ),
    },
    {
      clock: world.watcherClock,
      slackBackoffMs: 50,
      recoveryProbeMs: 200,
      sendingStaleMs: 200,
      postPace: TEST_POST_PACE,
      leaseMs: 5_000,
      // These tests assert the notification protocol's exact traces; the completion report that
      // follows an ending has its own tests (test/reports).
      completionReports: false,
      ...options.watcher,
    },
  );
  // The bot's verification capability, as its start registers it (with completion reports on).
  watcher.atEnding.push(verifyEnding);
  // And the subscriptions', as its `watch` part hands them to the watcher.
  const subscriptions = new Subscriptions(watcher, connections, logger);
  watcher.listing.push(subscriptions.listing);
  watcher.counting.push((teamId) => subscriptions.store.use(teamId));
  return {
    watcher,
    subscriptions,
    store,
    logs: lines,
    stop: async () => {
      await watcher.stop();
      await pools.close();
      if (!options.store) await store.close();
    },
  };
}

/**
 * Runs `rig`'s cycles until one polls the connection another replica held: leases expire on the
 * store's own clock (Redis's `PX`, real time), so this polls every 25 ms, for at most `timeoutMs`.
 */
export async function cycleOnceLeaseLapses(rig: Rig, timeoutMs = 5_000): Promise<CycleReport> {
  return until(
    async () => {
      const report = await rig.watcher.runCycle();
      return report && report.polled > 0 && report.leasedElsewhere === 0 && report;
    },
    { what: 'a lease lapsing', timeoutMs, everyMs: 25 },
  );
}

export interface Notification {
  key: string;
  event: string;
  thread: boolean;
  broadcast: boolean;
  body: Record<string, unknown>;
  /** The ts Slack answered with (undefined when it refused the post). */
  ts?: string;
}

/** Every watcher post Slack accepted, with the dedup key its metadata carries. */
export function notifications(fake: FakeSlack): Notification[] {
  return fake.callsTo('chat.postMessage').flatMap((call: RecordedCall) => {
    const metadata = call.body.metadata as { event_payload?: { key?: string } } | undefined;
    const key = metadata?.event_payload?.key;
    if (!key) return [];
    return [
      {
        key,
        event: key.slice(key.lastIndexOf(':') + 1),
        thread: typeof call.body.thread_ts === 'string',
        broadcast: call.body.reply_broadcast === true || call.body.reply_broadcast === 'true',
        body: call.body,
        ...(call.ts ? { ts: call.ts } : {}),
      },
    ];
  });
}

export function postsPerKey(fake: FakeSlack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of notifications(fake)) counts.set(n.key, (counts.get(n.key) ?? 0) + 1);
  return counts;
}

/** The conversation as a list: `post parent`, `reply started`, `edit Migrating 40%`… */
export function trace(fake: FakeSlack, channel = CHANNEL): string[] {
  return fake.calls
    .filter(
      (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.body.channel === channel,
    )
    .map((c) => {
      if (c.method === 'chat.update') {
        const text = JSON.stringify(c.body.blocks);
        const state = /([A-Z][a-z]+)$/.exec(String(c.body.text))?.[1] ?? '?';
        const pct = /\*(\d+(?:\.\d)?%)\*/.exec(text)?.[1];
        return `edit ${state}${pct ? ` ${pct}` : ''}`;
      }
      const key =
        (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '';
      const event = key.slice(key.lastIndexOf(':') + 1);
      return event === 'parent' ? 'post parent' : `${c.body.thread_ts ? 'reply' : 'post'} ${event}`;
    });
}

/** What a test does around the watcher's Slack calls (`hookedSlackClients`). */
export interface SlackHooks {
  /** Before a `chat.postMessage` leaves: throwing here is a call that never reached Slack. */
  beforePost?: (payload: Record<string, unknown>) => Promise<void>;
  /** Once Slack answered a `chat.postMessage`, before the caller hears back. */
  afterPost?: (payload: Record<string, unknown>) => Promise<void>;
  /** Once Slack answered a look-up (`conversations.replies` or `.history`), before the caller hears back. */
  afterLookup?: (payload: Record<string, unknown>) => Promise<void>;
}

/**
 * Slack clients that run a test's hooks around `chat.postMessage` and the post-crash look-ups (a
 * function alone is `afterPost`): to look at the store at that moment, or to hold the caller there.
 */
export function hookedSlackClients(
  hooks: SlackHooks | ((payload: Record<string, unknown>) => Promise<void>),
) {
  const { beforePost, afterPost, afterLookup } = typeof hooks === 'function' ? { afterPost: hooks } : hooks;
  const around =
    <P, A>(
      call: (payload: P) => Promise<A>,
      before?: SlackHooks['afterPost'],
      after?: SlackHooks['afterPost'],
    ) =>
    async (payload: P): Promise<A> => {
      await before?.(payload as unknown as Record<string, unknown>);
      const answer = await call(payload);
      await after?.(payload as unknown as Record<string, unknown>);
      return answer;
    };
  return (config: Config, logger: Logger): SlackClients =>
    new (class extends SlackClients {
      override async forTeam(...args: Parameters<SlackClients['forTeam']>) {
        const client = await super.forTeam(...args);
        const { chat, conversations } = client;
        const wrapped = Object.create(client, {
          chat: {
            value: { ...chat, postMessage: around(chat.postMessage.bind(chat), beforePost, afterPost) },
          },
          conversations: {
            value: {
              ...conversations,
              replies: around(conversations.replies.bind(conversations), undefined, afterLookup),
              history: around(conversations.history.bind(conversations), undefined, afterLookup),
            },
          },
        }) as typeof client;
        return wrapped;
      }
    })(config, logger);
}

/**
 * Slack clients whose `chat.postMessage` reaches Slack, then never returns to the caller while
 * `freeze(args)` says so: a replica that dies between Slack's success and recording it.
 */
export function freezingSlackClients(freeze: (args: Record<string, unknown>) => boolean) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const factory = hookedSlackClients(async (payload) => {
    if (!freeze(payload)) return;
    await released;
    throw new Error('this replica was frozen after Slack answered');
  });
  return { factory, release: () => release() };
}

/** Slack's posting pace scaled to test speed (20× the real one): paced, but never the bottleneck. */
export const TEST_POST_PACE = {
  perChannel: { windowMs: 50, max: 1 },
  perWorkspace: { spanMs: 500, slotMs: 50, max: 100, failuresMax: 110 },
  maxWaitMs: 150,
  cycleWaitMs: 500,
};

/** 10 GiB at 100 MiB/s, at 95 %: it finishes within 10 s of the simulator's clock. */
export function finishingTask(world: WatchWorld, name: string) {
  return world.oms.addTask({ name, status: 2, totalSize: 10 * GiB, speed: 100 * MiB, progress: 0.95 });
}

/** Watch records' outboxes, dirty cards and the channel record's outbox (where a listing waits). */
export async function pending(rig: Rig): Promise<number> {
  const all = await rig.watcher.store.loadAll();
  const channel = await rig.watcher.store.read<ChannelRecord>(channelKey(TEAM, CHANNEL));
  return (
    all.reduce((n, { record }) => n + record.outbox.length + (cardOf(record)?.dirty ? 1 : 0), 0) +
    (channel?.outbox.length ?? 0)
  );
}

/** Cycles until nothing is waiting for Slack, `stepMs` of the watcher's time apart (bounded). */
export async function drainAll(world: WatchWorld, rig: Rig, maxCycles = 50, stepMs = 250): Promise<void> {
  for (let i = 0; (await pending(rig)) > 0; i++) {
    if (i === maxCycles) throw new Error('outbox did not drain');
    await rig.watcher.runCycle();
    world.watcherClock.advance(stepMs);
  }
}

/** Deletes every Redis key under a test prefix. */
export async function cleanRedis(prefix: string): Promise<void> {
  await dropKeys(`${prefix}*`, REDIS_URL);
}
