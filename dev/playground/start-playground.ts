import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningBot, startBot } from '../../src/bot.js';
import type { Clock } from '../../src/clock.js';
import { createConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { SecretRegistry } from '../../src/secrets.js';
import { FakeSlack } from '../fake-slack/fake-slack.js';
import { startSeededSimulators } from '../simulators/seeded-simulators.js';
import { playgroundBotSettings } from './bot-settings.js';
import { Conversation } from './conversation.js';
import { dropLeftovers } from './leftovers.js';
import { PageServer } from './page-server.js';
import { BOT_USER_ID, CHANNEL, TEAM, USERS } from './people.js';
import { PlaygroundClock } from './playground-clock.js';

export const PLAYGROUND_FILE = path.resolve('data', 'playground.json');

/** The page's port when PORT is not set, as the README says. */
const DEFAULT_PAGE_PORT = 3000;

/**
 * The seeded task that fails with TRF.0015 about 15 s after start. It is watched in #migrations
 * from the start, so a newcomer sees the watcher's card, its thread and a failure notification.
 */
export const WATCHED_AT_START = {
  connection: 'hw-sim',
  kind: 'task',
  id: '191297407830874',
  name: 'invoices-azure',
} as const;

/** Each playground person gets the role on their label (the same grant `/migrate access grant` makes). */
async function grantPlaygroundRoles(bot: RunningBot): Promise<void> {
  for (const user of USERS) {
    await bot.deps.access.grants.grant(TEAM.id, {
      subject: { kind: 'user', id: user.id },
      role: user.role,
      grantedBy: 'playground',
      grantedAt: new Date().toISOString(),
    });
  }
}

/** Approval requests go to the playground's one channel (a stored setting could name another). */
async function approvalsInPlaygroundChannel(bot: RunningBot): Promise<void> {
  const settings = await bot.deps.settings.get(TEAM.id);
  if (settings.approvalsChannel !== CHANNEL.id)
    await bot.deps.settings.update(TEAM.id, { approvalsChannel: CHANNEL.id });
}

function pagePortOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PAGE_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number (0 picks a free one), got "${value}"`);
  return port;
}

export interface PlaygroundInfo {
  /** The Slack-like web page. */
  pageUrl: string;
  botUrl: string;
  signingSecret: string;
  fakeSlackUrl: string;
  /** Each simulator's address, by provider id. */
  simulators: Record<string, string>;
  /** Seconds between the watcher's cycles. */
  pollIntervalSeconds: number;
  /** The resource watched in #migrations from the start (undefined if watching it failed). */
  watched?: string;
  /** Simulator endpoints and keys for `/migrate connect` (kept only in the 0600 info file). */
  connect: Record<string, Record<string, string>>;
}

/**
 * Everything on loopback with no Slack workspace and no cloud account: the seeded provider
 * simulators (every one `dev/simulators/registry.ts` lists), a fake Slack Web API, the real bot (on a free port, signed requests and all) and
 * the web page at PORT (3000 by default) that plays Slack's client. The watcher polls every 3 s
 * (POLL_INTERVAL_SECONDS changes it) and follows the task that is about to fail in #migrations;
 * approval requests go to #migrations; `/migrate connect` accepts the simulators' addresses and
 * stores keys under a key kept in data/playground.key (random per run with a memory:// store).
 */
export async function startPlayground(
  env: Record<string, string | undefined>,
  /**
   * The bot's clock. By default one `PlaygroundClock` (real time) that the simulators follow: a
   * screenshot test moves it (`clock.advance`) rather than waiting. A clock of the test's own moves
   * the bot alone.
   */
  options: { clock?: Clock } = {},
) {
  const playgroundClock = new PlaygroundClock();
  const clock = options.clock ?? playgroundClock;
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-playground-${randomBytes(8).toString('hex')}`;
  const host = env.HOST ?? '127.0.0.1';
  const pagePort = pagePortOf(env.PORT);
  const fakeSlack = await new FakeSlack({
    botToken,
    teamId: TEAM.id,
    botUserId: BOT_USER_ID,
    tsEpoch: Math.floor(Date.now() / 1000),
  }).start();
  const conversation = new Conversation();
  const unobserve = fakeSlack.observe((call, answer) => {
    // response_url posts (`response:<id>`) reach the conversation through the page server, which
    // hands those URLs out and knows who asked and from which message.
    if (!call.method.startsWith('response:')) conversation.applyWebApiCall(call.method, call.body, answer);
    if (call.method === 'files.completeUploadExternal' && answer.ok === true)
      for (const shared of (answer.files as { id: string }[] | undefined) ?? []) {
        const upload = fakeSlack.files.uploads.find((u) => u.fileId === shared.id);
        if (upload) conversation.addFile(upload);
      }
  });
  // The buckets date their writes on the same moved clock: a write after a cut-over is after it.
  const sims = await startSeededSimulators({}, { scheduleDelayMs: 5_000, pauseDelayMs: 3_000 }, () =>
    playgroundClock.now(),
  );
  for (const running of sims.running) playgroundClock.follow(running.simulator.clock);
  const stopWorld = () => Promise.all([fakeSlack.stop(), sims.stop()]);

  let bot: RunningBot;
  try {
    const config = createConfig({
      ...env,
      // The bucket store too: every request to a bucket passes the endpoint rule (issue 73).
      ...playgroundBotSettings(env, [...sims.running.map((r) => r.url), sims.objects.url]),
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_BOT_TOKEN: botToken,
      SLACK_APP_TOKEN: undefined,
      SLACK_API_URL: fakeSlack.apiUrl,
      // PORT belongs to the page; the bot takes any free loopback port behind it.
      PORT: '0',
      HOST: host,
    });
    // The bot's own secret registry and logger, made here so the clean-up before it starts logs alike.
    const secrets = new SecretRegistry();
    const logger = createLogger({ level: config.logLevel, scrub: (line) => secrets.scrubLogLine(line) });
    await dropLeftovers(config, TEAM.id, logger);
    bot = await startBot(config, {
      connections: sims.connections,
      secrets,
      logger,
      clock,
    });
  } catch (error) {
    await stopWorld();
    throw error;
  }
  await grantPlaygroundRoles(bot);
  await approvalsInPlaygroundChannel(bot);
  const botUrl = `http://127.0.0.1:${bot.port}`;
  const page = new PageServer({
    conversation,
    botEventsUrl: `${botUrl}/slack/events`,
    signingSecret,
    fakeSlackUrl: fakeSlack.url,
    logger: bot.deps.logger.child({ component: 'playground-page' }),
    setLocale: (userId, locale) => fakeSlack.locales.set(userId, locale),
  });
  try {
    await page.listen(pagePort, host);
  } catch (error) {
    await bot.stop();
    await stopWorld();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(
        `Port ${pagePort} is in use: start the playground with another one, e.g. PORT=3001 npm start`,
      );
    throw error;
  }
  const watched = await bot.deps.watcher
    .watch({ teamId: TEAM.id, channelId: CHANNEL.id, ...WATCHED_AT_START, by: 'playground' })
    .then(
      () => `${WATCHED_AT_START.name} (${WATCHED_AT_START.connection}:${WATCHED_AT_START.id})`,
      (error: unknown) => {
        bot.deps.logger.warn({ err: error }, 'playground: could not watch the seeded failing task');
        return undefined;
      },
    );
  const info: PlaygroundInfo = {
    pageUrl: `${page.url}/`,
    botUrl,
    signingSecret,
    fakeSlackUrl: fakeSlack.url,
    simulators: Object.fromEntries(sims.running.map((r) => [r.id, r.url])),
    pollIntervalSeconds: bot.deps.config.watcher.pollIntervalSeconds,
    watched,
    connect: Object.fromEntries(sims.running.map((r) => [r.id, r.connect])),
  };
  mkdirSync(path.dirname(PLAYGROUND_FILE), { recursive: true });
  writeFileSync(PLAYGROUND_FILE, JSON.stringify(info, null, 2), { mode: 0o600 });
  // It holds the signing secret and the simulators' keys: only this user reads it, even if it existed.
  chmodSync(PLAYGROUND_FILE, 0o600);
  return {
    info,
    bot,
    fakeSlack,
    conversation,
    simulators: sims,
    /** Moves the bot and the simulators together (unused when the caller gave a clock of its own). */
    clock: playgroundClock,
    stop: async () => {
      unobserve();
      await page.stop();
      await bot.stop();
      await stopWorld();
    },
  };
}
