import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import { OmsSimulator } from '../../dev/simulators/huawei-oms/index.js';
import { startBot } from '../../src/bot.js';
import { createConfig } from '../../src/config.js';
import type { Connection } from '../../src/connections/connection.js';
import { createLogger } from '../../src/logger.js';
import {
  BOT_TOKEN,
  HW_AK,
  HW_SK,
  omsConnection,
  PROJECT_ID,
  SIGNING_SECRET,
  TestBot,
} from '../../test/harness/test-bot.js';
import { BENCH_TASK_ID, HUNG_WORKSPACE } from './hung-constants.js';

/**
 * Benchmark processes, so the load generator, the bot and the world it talks to (provider
 * simulator, fake Slack) do not share one event loop. `BENCH_ROLE=world` starts the OMS simulator
 * and the fake Slack; `BENCH_ROLE=bot` starts only the bot, pointed at them. Two floors for the
 * ack benchmark: `bare-bolt` (Bolt's HTTP receiver with listeners that only ack) and `raw-http`
 * (Node's HTTP server checking the signature, no Bolt). Each prints one JSON line.
 */
async function world(): Promise<void> {
  const t = new TestBot();
  await Promise.all([t.fakeSlack.start(), t.oms.start()]);
  t.oms.addTask({ id: BENCH_TASK_ID, name: 'bench-task', status: 2 });
  const latencyMs = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 0);
  if (latencyMs > 0) t.oms.faults.configure({ latencyMs });
  const info: Record<string, string> = { omsUrl: t.oms.url, fakeSlackUrl: t.fakeSlack.url };
  if (process.env.BENCH_HUNG_PROVIDER === '1') {
    // A second OMS, for one workspace's connection: the load generator holds its requests.
    const hung = await new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } }).start();
    hung.addTask({ id: BENCH_TASK_ID, name: 'bench-task', status: 2 });
    if (latencyMs > 0) hung.faults.configure({ latencyMs });
    info.hungOmsUrl = hung.url;
  }
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

async function bot(): Promise<void> {
  const config = createConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: `${process.env.BENCH_FAKE_SLACK_URL}/api/`,
    PORT: '0',
    HOST: '127.0.0.1',
    STORE_URL: 'memory://',
    LOG_LEVEL: 'warn',
  });
  const connections: Connection[] = [omsConnection('hw-prod', process.env.BENCH_OMS_URL ?? '')];
  if (process.env.BENCH_HUNG_OMS_URL)
    connections.push(omsConnection('hw-hung', process.env.BENCH_HUNG_OMS_URL, { team: HUNG_WORKSPACE }));
  const running = await startBot(config, {
    connections,
    logger: createLogger({ level: 'warn' }),
  });
  process.stdout.write(`${JSON.stringify({ eventsUrl: `http://127.0.0.1:${running.port}/slack/events` })}\n`);
}

/** Bolt alone: the same receiver settings as the bot, listeners that only ack. */
async function bareBolt(): Promise<void> {
  const receiver = new bolt.HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logLevel: bolt.LogLevel.ERROR,
  });
  const app = new bolt.App({
    token: BOT_TOKEN,
    receiver,
    logLevel: bolt.LogLevel.ERROR,
    convoStore: false,
    clientOptions: { slackApiUrl: `${process.env.BENCH_FAKE_SLACK_URL}/api/` },
  });
  app.command('/migrate', async ({ ack }) => {
    await ack();
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as {
    address(): AddressInfo;
  };
  process.stdout.write(
    `${JSON.stringify({ eventsUrl: `http://127.0.0.1:${server.address().port}/slack/events` })}\n`,
  );
}

/** No framework: read the body, check the signature, parse it, answer 200. */
async function rawHttp(): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-slack-request-timestamp'] ?? '');
      const expected = Buffer.from(
        `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
      );
      const given = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      const params = new URLSearchParams(body);
      const payload = params.get('payload');
      if (payload) JSON.parse(payload);
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ eventsUrl: `http://127.0.0.1:${port}/slack/events` })}\n`);
}

const roles: Record<string, () => Promise<void>> = {
  world,
  bot,
  'bare-bolt': bareBolt,
  'raw-http': rawHttp,
};
(roles[process.env.BENCH_ROLE ?? 'world'] ?? world)().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
