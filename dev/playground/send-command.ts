import { setTimeout as sleep } from 'node:timers/promises';
import { isInterimAnswer } from '../../src/slack/intake/interactive-budget.js';
import { blocksToText } from './blocks-to-text.js';
import { USERS } from './people.js';
import { FORM, postSignedToBot } from './signed-request.js';
import { slashCommandBody } from './slack-payloads.js';
import type { PlaygroundInfo } from './start-playground.js';

/** Sends a signed `/migrate <text>` to the playground bot, as Slack would, and returns the answer as text. */
export async function sendPlaygroundCommand(
  info: PlaygroundInfo,
  text: string,
  user = USERS[0]!,
  options: { ansi?: boolean } = {},
): Promise<string> {
  const responseId = `try-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const body = slashCommandBody(
    user,
    text.replace(/^\/migrate\s*/, ''),
    `${info.fakeSlackUrl}/response/${responseId}`,
    '1.2.3',
  );
  const answer = await postSignedToBot(`${info.botUrl}/slack/events`, info.signingSecret, body, FORM);
  if (answer.status !== 200) throw new Error(`the bot answered HTTP ${answer.status}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const posts = (await (await fetch(`${info.fakeSlackUrl}/__fake/responses/${responseId}`)).json()) as {
      body: { text?: string; blocks?: unknown[] };
    }[];
    // A slow provider first gets "not answering yet"; the answer replaces it.
    const answered = posts.find((post) => !isInterimAnswer(post.body));
    if (answered) return blocksToText(answered.body.blocks ?? [], answered.body.text ?? '', options);
    await sleep(100);
  }
  throw new Error('no answer within 10 s');
}
