import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { type BotOptions, type RunningBot, startBot } from '../../src/bot.js';
import type { Clock } from '../../src/clock.js';
import { createConfig } from '../../src/config.js';
import type { Connection, StorageCredential } from '../../src/connections/connection.js';
import { SecretRegistry } from '../../src/secrets.js';
import type { InteractiveBudget } from '../../src/slack/intake/interactive-budget.js';
import { captureLogger } from '../helpers/capture-logger.js';
import {
  blockActionBody,
  eventBody,
  FORM,
  JSON_TYPE,
  postSigned,
  type SignOptions,
  slashCommandBody,
} from './slack-requests.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-0000-token-migrate-bot';
export const PROJECT_ID = '0215ef11e49d4743be23dd97a156aaaa';
export const HW_AK = 'HWSIMACCESSKEY000001';
export const HW_SK = 'hw-sim-secret-key-0000000000000000000001';
export const SRC_SK = 'source-bucket-secret-key-000000000001';
export const DST_SK = 'destination-bucket-secret-key-00000001';
/**
 * Long enough that a loaded test machine never sees "not answering yet" where a test expects the
 * answer itself; the fairness tests pass their own.
 */
export const TEST_INTERACTIVE_BUDGET: InteractiveBudget = { firstAnswerMs: 20_000, giveUpMs: 60_000 };

/**
 * The whole bot over loopback: OMS simulator, fake Slack, and the real Bolt app on an ephemeral
 * port with the HTTP receiver. Tests drive it with signed requests, as Slack would.
 */
export class TestBot {
  /** Alice is a workspace admin; everyone else starts as a viewer. */
  readonly fakeSlack = new FakeSlack({ botToken: BOT_TOKEN, admins: ['U0ALICE01'] });
  readonly oms = new OmsSimulator({
    projectId: PROJECT_ID,
    keys: { [HW_AK]: HW_SK },
    timings: { scheduleDelayMs: 1_000, pauseDelayMs: 1_000, speedBytesPerSecond: 1024 ** 3 },
  });
  readonly logs = captureLogger('debug', (line) => this.secrets.scrubLogLine(line));
  readonly secrets = new SecretRegistry();
  bot!: RunningBot;
  url = '';
  /** The operations port: `/metrics` and the probes (METRICS_PORT). */
  metricsUrl = '';
  #responseCounter = 0;

  async start(
    options: {
      connections?: (omsUrl: string) => Connection[];
      /** Extra settings (e.g. `POLL_INTERVAL_SECONDS: '0'` to drive the watcher by hand). */
      env?: Record<string, string>;
      /**
       * The bot's one clock (a `TestClock` the test moves): the watcher's, approvals', the directory
       * cache's, every stamp. `watcher.clock` is the same thing, as older tests say it.
       */
      clock?: Clock;
      watcher?: BotOptions['watcher'] & { clock?: Clock };
      interactiveBudget?: InteractiveBudget;
      /** Capabilities started beside the registry's (a test's own, from test/fixtures/). */
      capabilities?: BotOptions['capabilities'];
      /** The registry's capabilities left out (with those that need them). */
      leaveOut?: BotOptions['leaveOut'];
    } = {},
  ): Promise<this> {
    await Promise.all([this.fakeSlack.start(), this.oms.start()]);
    const port = await freePort();
    const config = createConfig({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: this.fakeSlack.apiUrl,
      PORT: String(port),
      // Any free port: bots of tests running side by side never meet on the default 9090.
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      STORE_URL: 'memory://',
      LOG_LEVEL: 'debug',
      ...options.env,
    });
    const connections = options.connections?.(this.oms.url) ?? [omsConnection('hw-prod', this.oms.url)];
    this.bot = await startBot(config, {
      connections,
      logger: this.logs.logger,
      secrets: this.secrets,
      clock: options.clock ?? options.watcher?.clock,
      watcher: options.watcher,
      interactiveBudget: options.interactiveBudget ?? TEST_INTERACTIVE_BUDGET,
      ...(options.capabilities ? { capabilities: options.capabilities } : {}),
      ...(options.leaveOut ? { leaveOut: options.leaveOut } : {}),
    });
    this.url = `http://127.0.0.1:${port}`;
    this.metricsUrl = `http://127.0.0.1:${this.bot.metricsPort}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.bot?.stop();
    await Promise.all([this.fakeSlack.stop(), this.oms.stop()]);
  }

  /**
   * Resolves once every request the bot accepted has ended its work (the drain counts them), so a
   * test can say that something did not happen without waiting a fixed time for it.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    if (!(await this.bot.deps.intake.drain!.idle(timeoutMs)))
      throw new Error(`requests still in flight after ${timeoutMs} ms`);
  }

  get eventsUrl(): string {
    return `${this.url}/slack/events`;
  }

  /** Posts `/migrate <text>` and returns the response_url id whose posts hold the answer. */
  async command(text: string, fields: Who = {}, sign: SignOptions = {}) {
    const responseId = `cmd-${++this.#responseCounter}`;
    const body = slashCommandBody({
      text,
      response_url: this.fakeSlack.responseUrl(responseId),
      ...(fields.userId ? { user_id: fields.userId } : {}),
      ...(fields.teamId ? { team_id: fields.teamId } : {}),
      ...(fields.channelId ? { channel_id: fields.channelId } : {}),
    });
    const http = await postSigned(this.eventsUrl, SIGNING_SECRET, body, FORM, sign);
    return { responseId, http };
  }

  /** Posts `/migrate <text>` and waits for the bot's answer on the response_url. */
  async ask(text: string, fields: Who = {}) {
    const { responseId, http } = await this.command(text, fields);
    if (http.status !== 200) throw new Error(`command rejected with HTTP ${http.status}: ${http.text}`);
    return this.answer(responseId);
  }

  async answer(responseId: string, nth = 1): Promise<Record<string, unknown>> {
    const posts = await this.fakeSlack.waitFor(() => {
      const found = this.fakeSlack.responsesTo(responseId);
      return found.length >= nth ? found : undefined;
    });
    return posts[nth - 1]!.body;
  }

  async click(actionId: string, value: string, who: string | Who = {}) {
    const responseId = `click-${++this.#responseCounter}`;
    const { userId, teamId, channelId } = typeof who === 'string' ? { userId: who } : who;
    const body = blockActionBody({
      actionId,
      value,
      responseUrl: this.fakeSlack.responseUrl(responseId),
      userId,
      teamId,
      channelId,
    });
    const http = await postSigned(this.eventsUrl, SIGNING_SECRET, body, FORM);
    if (http.status !== 200) throw new Error(`click rejected with HTTP ${http.status}: ${http.text}`);
    return { responseId, answer: () => this.answer(responseId) };
  }

  async event(event: Record<string, unknown>, teamId = 'T0FAKE001') {
    return postSigned(this.eventsUrl, SIGNING_SECRET, eventBody(teamId, event), JSON_TYPE);
  }

  /**
   * Runs a custom workflow step as Workflow Builder does: the fake starts an execution and its
   * `function_executed` event reaches the bot signed. `settled()` waits for `functions.complete*`.
   */
  async runStep(callbackId: string, inputs: Record<string, unknown>, teamId = 'T0FAKE001') {
    const { executionId, event } = this.fakeSlack.workflows.execute(callbackId, inputs);
    const http = await this.event(event, teamId);
    if (http.status !== 200) throw new Error(`step event rejected with HTTP ${http.status}: ${http.text}`);
    const execution = () => this.fakeSlack.workflows.executions.get(executionId)!;
    return {
      executionId,
      execution,
      settled: (timeoutMs?: number) =>
        this.fakeSlack.waitFor(() => (execution().status !== 'running' ? execution() : undefined), timeoutMs),
    };
  }
}

export interface Who {
  userId?: string;
  teamId?: string;
  channelId?: string;
}

export function omsConnection(
  name: string,
  endpoint: string,
  overrides: Partial<Connection> = {},
): Connection {
  return {
    name,
    provider: 'huawei-oms',
    endpoint,
    projectId: PROJECT_ID,
    auth: { type: 'aksk', accessKey: HW_AK, secretKey: HW_SK },
    storage: {
      source: { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: SRC_SK },
      destination: { name: 'obs-dst', accessKey: 'OBSDESTINATION000001', secretKey: DST_SK },
    },
    ...overrides,
  };
}

/** The NCP connection a test names `ncp-kr` (region KR) on its simulator, reading `source`. */
export function ncpConnection(
  url: string,
  keys: { accessKey: string; secretKey: string },
  source: StorageCredential,
): Connection {
  return {
    name: 'ncp-kr',
    provider: 'ncp',
    endpoint: url,
    region: 'KR',
    auth: { type: 'aksk', ...keys },
    storage: { source },
  };
}

/** The UpCloud connection a test names `up-fi` on its simulator, reading `source`. */
export function upcloudConnection(
  url: string,
  serviceId: string,
  token: string,
  source: StorageCredential,
): Connection {
  return {
    name: 'up-fi',
    provider: 'upcloud',
    endpoint: url,
    serviceId,
    auth: { type: 'bearer', token },
    storage: { source },
  };
}

/** All text of a Slack message payload (text + every block's text), for assertions. */
export function messageText(message: Record<string, unknown>): string {
  return JSON.stringify(message.blocks ?? []).concat(' ', String(message.text ?? ''));
}

/** Only what Slack parses as mrkdwn: the fallback `text` and every mrkdwn text object. */
export function mrkdwnTexts(message: Record<string, unknown>): string {
  const found: string[] = [String(message.text ?? '')];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') found.push(record.text);
      Object.values(record).forEach(visit);
    }
  };
  visit(message.blocks);
  return found.join('\n');
}

/** Every button of a message, with its action id, label, value and confirm. */
export function buttons(
  message: Record<string, unknown>,
): { action_id: string; text: string; value: string; style?: string; confirm?: Record<string, unknown> }[] {
  const out: {
    action_id: string;
    text: string;
    value: string;
    style?: string;
    confirm?: Record<string, unknown>;
  }[] = [];
  for (const block of (message.blocks ?? []) as Record<string, unknown>[]) {
    const elements = [
      ...((block.elements as Record<string, unknown>[] | undefined) ?? []),
      ...(block.accessory ? [block.accessory as Record<string, unknown>] : []),
    ];
    for (const e of elements) {
      if (e.type !== 'button') continue;
      out.push({
        action_id: String(e.action_id),
        text: String((e.text as { text: string }).text),
        value: String(e.value),
        style: e.style as string | undefined,
        confirm: e.confirm as Record<string, unknown> | undefined,
      });
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
