import path from 'node:path';
import { startBot } from './bot.js';
import { createConfig } from './config.js';
import { ConfigError } from './errors.js';
import { PLAYGROUND_FILE, startPlayground } from './playground/start-playground.js';

/** With no Slack credentials at all, `npm start` runs the local playground instead of failing. */
function wantsPlayground(env: NodeJS.ProcessEnv): boolean {
  return !env.SLACK_SIGNING_SECRET && !env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN;
}

async function main(): Promise<void> {
  let stop: () => Promise<void>;
  if (wantsPlayground(process.env)) {
    const playground = await startPlayground(process.env);
    stop = playground.stop;
    const { info } = playground;
    console.log(
      [
        '',
        'migrate-bot is running in playground mode: no Slack credentials are set, so a fake Slack and',
        'the three provider simulators run beside it on loopback, seeded with resources in many states.',
        '',
        `  Open ${info.pageUrl} to try it: a Slack-like channel where you type /migrate …`,
        '',
        ...(info.watched
          ? [
              `  #migrations already watches ${info.watched}, which fails with TRF.0015`,
              '  about 15 s after start: its card is edited and the failure, explained, is posted in its thread',
              '  and in the channel. /migrate create asks for a new migration: switch to Bob to approve it.',
              '',
            ]
          : []),
        `  bot          ${info.botUrl}/slack/events (signed requests, as from Slack)`,
        `  fake Slack   ${info.fakeSlackUrl}/api/`,
        ...Object.entries(info.simulators).map(([id, url]) => `  ${id.padEnd(12)} ${url}`),
        `  watcher      ${info.pollIntervalSeconds > 0 ? `polls every ${info.pollIntervalSeconds} s` : 'schedule off'} (POLL_INTERVAL_SECONDS)`,
        '',
        "Admins (Dana) can add a simulator with /migrate connect: its address and this run's keys are",
        `in ${path.relative(process.cwd(), PLAYGROUND_FILE)} (readable by you only).`,
        '',
        'Or from another terminal (answers print as text):',
        '  npm run try -- list',
        '  npm run try -- status 2044',
        '  npm run try -- pause 191297407830872',
        '',
        'To run against a real workspace, set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (see README).',
      ].join('\n'),
    );
  } else {
    const config = createConfig(process.env);
    const bot = await startBot(config, { env: process.env });
    stop = bot.stop;
  }
  const shutdown = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
