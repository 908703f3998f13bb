import { readFileSync } from 'node:fs';
import { sendPlaygroundCommand } from './send-command.js';
import { PLAYGROUND_FILE, type PlaygroundInfo } from './start-playground.js';

/** `npm run try -- status 1912`: one command to the running playground, answer printed as text. */
async function main(): Promise<void> {
  let info: PlaygroundInfo;
  try {
    info = JSON.parse(readFileSync(PLAYGROUND_FILE, 'utf8')) as PlaygroundInfo;
  } catch {
    console.error('No playground is running: start one with `npm start` (without Slack credentials) first.');
    process.exit(1);
  }
  // Bold as the terminal shows it when it is one; plain text when piped.
  const ansi = process.stdout.isTTY === true && !process.env.NO_COLOR;
  console.log(await sendPlaygroundCommand(info, process.argv.slice(2).join(' '), undefined, { ansi }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
