import path from 'node:path';
import { startBot } from './bot.js';
import { createConfig } from './config.js';
import { ConfigError, StoreUnavailableError } from './errors.js';
import { createLogger } from './logger.js';
import { PLAYGROUND_FILE, startPlayground } from './playground/start-playground.js';
import { installProcessHandlers, type ProcessHandlers } from './process-handlers.js';
import { SecretRegistry } from './secrets.js';

const SLACK_SETTINGS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
];

/** NODE_ENV=production, or the container image (its Dockerfile sets MIGRATE_BOT_IMAGE=1). */
function isProduction(env: NodeJS.ProcessEnv): boolean {
  const image = env.MIGRATE_BOT_IMAGE?.trim();
  return env.NODE_ENV === 'production' || (image !== undefined && image !== '' && image !== '0');
}

function hasSlackSettings(env: NodeJS.ProcessEnv): boolean {
  return SLACK_SETTINGS.some((name) => (env[name] ?? '') !== '');
}

/**
 * `npm start` on a fresh clone (no Slack settings at all) runs the local playground. Never in
 * production: a deployed bot without its Slack settings is a configuration error, reported as one,
 * not a demo with a fake Slack writing seeded data into the data volume.
 */
function wantsPlayground(env: NodeJS.ProcessEnv): boolean {
  return !hasSlackSettings(env) && !isProduction(env);
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

async function main(handlers: ProcessHandlers, secrets: SecretRegistry): Promise<void> {
  if (wantsPlayground(process.env)) {
    const playground = await startPlayground(process.env);
    handlers.started(playground.stop);
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
    let config: ReturnType<typeof createConfig>;
    try {
      config = createConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError && !hasSlackSettings(process.env))
        throw new ConfigError(
          `${error.message}\n(The playground, which needs no Slack settings, runs only for a local try-out: ` +
            'not with NODE_ENV=production, and never in the container image.)',
        );
      throw error;
    }
    const bot = await startBot(config, { env: process.env, secrets });
    handlers.started(bot.stop);
  }
}

// Before any start-up work: signals and unexpected failures are handled from the first moment.
const secrets = new SecretRegistry();
const level = process.env.LOG_LEVEL?.trim() || 'info';
const processLogger = createLogger({
  level: LOG_LEVELS.has(level) ? level : 'info',
  scrub: (line) => secrets.scrub(line),
});
const handlers = installProcessHandlers(processLogger);

main(handlers, secrets).catch((error: unknown) => {
  // A setting to fix (the store's too): one message that says which and how, no stack.
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof StoreUnavailableError)
    console.error(`migrate-bot cannot start: the store failed: ${error.message} Check STORE_URL.`);
  else console.error(error);
  process.exit(1);
});
