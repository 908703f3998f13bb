import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subcommandNames } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { messageText, TestBot } from '../../harness/test-bot.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

const HTTP_FUZZ_RUNS = Number(process.env.HTTP_FUZZ_RUNS ?? 300);
const t = new TestBot();

beforeAll(async () => {
  await t.start();
  t.oms.addTask({ id: '191297407830872', name: 'fuzz-target', status: 3 });
});
afterAll(async () => {
  await t.stop();
});

describe(`signed HTTP fuzzing (${HTTP_FUZZ_RUNS} commands)`, () => {
  it('answers every command exactly once, never with an internal error, and changes nothing it should not', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        ...subcommandNames(READING).filter((n) => n !== 'delete'),
        'share',
        '—share',
        'failed',
        '1912',
        '<!channel>',
      ),
      fc.string({ maxLength: 10 }),
    );
    const texts = fc.sample(
      fc.array(word, { maxLength: 5 }).map((w) => w.join(' ')),
      { numRuns: HTTP_FUZZ_RUNS, seed: 7 },
    );
    let internal = 0;
    for (const text of texts) {
      // A viewer: whatever the text, nothing may change.
      const { http, responseId } = await t.command(text, { userId: 'U0FUZZ001' });
      expect(http.status).toBe(200);
      const answer = messageText(await t.answer(responseId));
      if (answer.includes('Something went wrong on our side')) internal++;
    }
    expect(internal).toBe(0);
    expect(t.oms.task('191297407830872')?.status).toBe(3);
    console.log(
      `http fuzz: ${texts.length} commands, ${t.fakeSlack.responses.length} answers, ${internal} internal errors`,
    );
  }, 120_000);
});
