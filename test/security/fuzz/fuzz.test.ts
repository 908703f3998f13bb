import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { code, escapeMrkdwn } from '../../../src/slack/blocks/mrkdwn.js';
import { splitCommand } from '../../../src/slack/command-text.js';
import { decodeListPage } from '../../../src/slack/list-query.js';
import { findSubcommand, subcommandNames } from '../../../src/slack/listeners/commands/subcommands/index.js';
import { decodeResourceButton } from '../../../src/slack/resource-button.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { FUZZ_OPTIONS, FUZZ_RUNS } from './fuzz-settings.js';

/** The registry's capabilities, started on an inert core: their subcommands, as a bot has them. */
const READING = startedForReading();

/** Words users type, mixed with hostile and mobile-mangled ones. */
const word = fc.oneof(
  fc.constantFrom(
    ...subcommandNames(READING),
    'share',
    '—share',
    '--share',
    'all',
    'failed',
    'running',
    'hw-prod',
    'groups',
    'ncp',
  ),
  fc.constantFrom(
    '<@U123|bob>',
    '<!channel>',
    '<#C123|x>',
    '<!subteam^S1|@ops>',
    '00:00-06:00=200MB/s',
    'off',
    '1912',
    'hw-prod:191297407830872',
  ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[0-9]{1,20}$/),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const commandText = fc.array(word, { maxLength: 8 }).map((words) => words.join(' '));

/** Either a parsed command or a specific refusal; nothing else may escape the parser. */
function parseOutcome(text: string): 'parsed' | 'refused' {
  const { head, args, share } = splitCommand(text);
  const subcommand = findSubcommand(head ?? 'help', READING);
  if (!subcommand) return 'refused';
  try {
    subcommand.check(args, share);
    return 'parsed';
  } catch (error) {
    check(error instanceof InvalidInputError, `${JSON.stringify(text)} threw ${String(error)}`);
    const message = (error as Error).message;
    check(
      message.length > 20 && message.length < 1_500,
      `not a specific refusal: ${JSON.stringify(message)}`,
    );
    return 'refused';
  }
}

/**
 * Plain checks inside the properties: `expect` costs more than the parsers it checks, and the
 * properties run 100,000 cases each (`expect` took about half of this file's CPU time).
 */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

describe(`property-based fuzzing (${FUZZ_RUNS.toLocaleString('en-US')} cases each)`, () => {
  it('the command parser answers every input with a result or a specific refusal', () => {
    const counts = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(commandText, (text) => {
        counts[parseOutcome(text)]++;
      }),
      FUZZ_OPTIONS,
    );
    console.log(`command parser: ${counts.parsed} parsed, ${counts.refused} refused, 0 unhandled`);
    expect(counts.parsed + counts.refused).toBe(FUZZ_RUNS);
    expect(counts.parsed).toBeGreaterThan(0);
  }, 120_000);

  it('button values are decoded or refused specifically, never trusted blindly', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ c: fc.string(), k: fc.string(), id: fc.string() }).map((v) => JSON.stringify(v)),
      fc.record({ n: fc.integer(), s: fc.array(fc.string()), k: fc.string() }).map((v) => JSON.stringify(v)),
    );
    let refused = 0;
    fc.assert(
      fc.property(value, (raw) => {
        for (const decode of [decodeResourceButton, decodeListPage]) {
          try {
            decode(raw);
          } catch (error) {
            check(error instanceof InvalidInputError, `${JSON.stringify(raw)} threw ${String(error)}`);
            refused++;
          }
        }
      }),
      FUZZ_OPTIONS,
    );
    expect(refused).toBeGreaterThan(0);
  }, 120_000);

  it('an underscore inside a word stays as typed: snake_case names copy exactly', () => {
    expect(escapeMrkdwn('group_3eeb3ade_1')).toBe('group_3eeb3ade_1');
    expect(escapeMrkdwn('사진_2024 照片_备份')).toBe('사진_2024 照片_备份');
    expect(escapeMrkdwn('_draft_ logs_')).toBe('＿draft＿ logs＿');
  });

  it('provider strings are inert in mrkdwn: no mention, link or formatting survives', () => {
    const hostile = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '<!channel>',
            '<!here>',
            '@channel',
            '@Here',
            '@everyone',
            '<@U0ADMIN>',
            '<#C0GEN>',
            '<https://evil.example|click>',
            '*b*',
            '_i_',
            '~s~',
            '`c`',
            '&',
            '<',
            '>',
          ),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 10 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeMrkdwn(text);
        for (const rendered of [escaped, code(text)]) {
          check(!/<[!@#]|<https?:/.test(rendered), `a mention or link survives: ${JSON.stringify(rendered)}`);
          check(
            !rendered.replace(/&(amp|lt|gt);/g, '').includes('&'),
            `a bare & in ${JSON.stringify(rendered)}`,
          );
        }
        check(!/[*~`]/.test(escaped), `formatting survives: ${JSON.stringify(escaped)}`);
        check(
          !/@(channel|here|everyone)(?![\p{L}\p{N}])/iu.test(escaped),
          `a broadcast survives: ${JSON.stringify(escaped)}`,
        );
        // Nothing invisible is added (a copied name is the name), and an underscore that could
        // open or close italics (at a word's edge) never survives.
        check(
          !/[\u200B-\u200F\u2060-\u2064\uFEFF]/.test(escaped),
          `invisible added: ${JSON.stringify(escaped)}`,
        );
        check(
          !/(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])/u.test(escaped),
          `an italics underscore survives: ${JSON.stringify(escaped)}`,
        );
      }),
      FUZZ_OPTIONS,
    );
  }, 120_000);
});
