import path from 'node:path';
import { PLAYGROUND_FILE, type PlaygroundInfo, startPlayground } from './start-playground.js';

/**
 * The local try-out that `npm start` opens on a fresh clone (no Slack settings): the playground and
 * the banner that tells what runs where. `src/main.ts` loads this module by path, only then, so the
 * production build and the image never contain `dev/`.
 */
export async function startLocalTryOut(env: NodeJS.ProcessEnv) {
  const playground = await startPlayground(env);
  return { stop: playground.stop, banner: playgroundBanner(playground.info) };
}

/** What `npm start` prints: what runs where, and how to reach each (the API with the CLI too). */
export function playgroundBanner(info: PlaygroundInfo): string {
  return [
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
    `  HTTP API     ${info.botUrl}/api/v1 (docs/api.md; its OpenAPI document at ${info.botUrl}/api/v1/openapi.json)`,
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
    'The HTTP API and its CLI: as Dana, /migrate token add cli viewer shows a token once; then',
    `  MIGRATE_BOT_URL=${info.botUrl} MIGRATE_BOT_TOKEN=mbt_… npx migrate-bot list`,
    '',
    'To run against a real workspace, set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (see README).',
  ].join('\n');
}
