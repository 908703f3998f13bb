import { inspect } from 'node:util';
import { startBot } from './bot.js';
import { isTool, runTool } from './cli/tools.js';
import { createConfig, maskSettingValues } from './config.js';
import { ConfigError, StoreUnavailableError } from './errors.js';
import { createLogger } from './logger.js';
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

/** A Slack setting given directly or as a file (`SLACK_BOT_TOKEN_FILE`). */
function hasSlackSettings(env: NodeJS.ProcessEnv): boolean {
  return SLACK_SETTINGS.some((name) => (env[name] ?? '') !== '' || (env[`${name}_FILE`] ?? '') !== '');
}

/**
 * `npm start` on a fresh clone (no Slack settings at all) runs the local playground. Never in
 * production: a deployed bot without its Slack settings is a configuration error, reported as one,
 * not a demo with a fake Slack writing seeded data into the data volume.
 */
function wantsPlayground(env: NodeJS.ProcessEnv): boolean {
  return !hasSlackSettings(env) && !isProduction(env);
}

/** What `dev/playground/local-try-out.ts` offers; declared here because `src/` never imports `dev/`. */
interface LocalTryOut {
  startLocalTryOut(env: NodeJS.ProcessEnv): Promise<{ stop: () => Promise<void>; banner: string }>;
}

/**
 * The playground lives in `dev/`, outside the production build: it is loaded only here, for a local
 * try-out, by a path the compiler does not follow, so `npm run build` and the image never contain it.
 */
async function loadLocalTryOut(): Promise<LocalTryOut> {
  const entry = new URL('../dev/playground/local-try-out.js', import.meta.url);
  try {
    return (await import(entry.href)) as LocalTryOut;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      'No Slack settings are set, and this build has no playground (it is built by `npm start` from a ' +
        'clone, not by `npm run build`). Set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (see README).',
    );
  }
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

async function main(handlers: ProcessHandlers, secrets: SecretRegistry): Promise<void> {
  if (wantsPlayground(process.env)) {
    const tryOut = await loadLocalTryOut();
    const playground = await tryOut.startLocalTryOut(process.env);
    handlers.started(playground.stop);
    console.log(playground.banner);
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
    // SIGTERM drains first; the process exits within the drain budget whatever happens.
    handlers.started(bot.shutdown, config.shutdown.drainTimeoutSeconds * 1000);
    handlers.onReload(bot.reloadConnections);
  }
}

// `node dist/src/main.js keys status`, `store backup <file>`: an operator's command of this build, not the bot.
const tool = process.argv[2];
if (isTool(tool)) {
  runTool(tool, process.argv.slice(3), process.env).then((code) => process.exit(code));
} else startTheBot();

function startTheBot(): void {
  // Before any start-up work: signals and unexpected failures are handled from the first moment.
  const secrets = new SecretRegistry();
  const level = process.env.LOG_LEVEL?.trim() || 'info';
  const processLogger = createLogger({
    level: LOG_LEVELS.has(level) ? level : 'info',
    scrub: (line) => secrets.scrub(line),
  });
  const handlers = installProcessHandlers(processLogger);

  main(handlers, secrets).catch((error: unknown) => {
    // A setting to fix (the store's too): one message that says which and how, no stack. Whatever
    // it is, a password or secret from the settings is masked in it (config.ts).
    const show = (text: string) => console.error(maskSettingValues(text, process.env));
    if (error instanceof ConfigError) show(error.message);
    else if (error instanceof StoreUnavailableError)
      show(`migrate-bot cannot start: the store failed: ${error.message} Check STORE_URL.`);
    else show(inspect(error));
    process.exit(1);
  });
}
