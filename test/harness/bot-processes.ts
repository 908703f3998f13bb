import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import type { BotProcess } from './bot-process.js';
import { COMPILED_DIR, compileBot } from './compiled-bot.js';
import { current } from './current.js';
import { BOT_TOKEN, SIGNING_SECRET } from './test-bot.js';

/**
 * For a file that starts the compiled bot as child processes: the build (`dist`), a fake Slack and
 * a scratch folder, made before its tests; after them every process it `track`s is killed,
 * the fake stopped and the folder removed.
 */
export function botProcesses(name: string) {
  const scratch = mkdtempSync(path.join(tmpdir(), `mb-${name}-`));
  const running = new Set<BotProcess>();
  let fakeSlack: FakeSlack | undefined;
  beforeAll(async () => {
    compileBot();
    fakeSlack = await new FakeSlack({ botToken: BOT_TOKEN }).start();
  }, 200_000);
  afterAll(async () => {
    await Promise.all([...running].map((bot) => bot.kill()));
    await fakeSlack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });
  const slack = current(() => fakeSlack, 'fake Slack');
  /** The Slack settings a bot process starts with (the fake's), on a free port of loopback. */
  const slackEnv = (): Record<string, string> => ({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  /** Kills `bot` after the file unless it has exited by then. */
  const track = (bot: BotProcess): BotProcess => {
    running.add(bot);
    bot.child.once('exit', () => running.delete(bot));
    return bot;
  };
  return { dist: COMPILED_DIR, fakeSlack: slack, scratch, running, slackEnv, track };
}
