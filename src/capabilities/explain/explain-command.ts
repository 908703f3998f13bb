import type { KnownBlock } from '@slack/types';
import { roleAllows } from '../../access/roles.js';
import { explainForDisplay } from '../../catalogue/explain.js';
import { type CodeLookup, lookUpCode } from '../../catalogue/suggest.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { renderFailureExplanation } from '../../slack/blocks/failure-explanation.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { EXPLAIN_WORDS } from './words.js';

/**
 * What may be a code, before the catalogue is asked: a prefix and digits in any spelling (`TRF.0015`,
 * `trf.15`, `TRF15`, `ncp:200`, `OMS_INTERNAL.002000`), bare digits (`15`), or one word code
 * (`INSUFFICIENT_CREDITS`, `forbidden`). Anything else (sentences, markup, paths) is refused.
 */
const NUMBERED = /^[A-Za-z][A-Za-z0-9_ -]{0,20}?[\s._:#-]*\d{1,8}$/;
const DIGITS = /^\d{1,8}$/;
const WORD = /^[A-Za-z][A-Za-z_-]{1,40}$/;
const MAX_TYPED = 48;

function refuse(typed: string): never {
  const shown = truncate(typed.replace(/[^\x20-\x7E]|[*~]/g, '?'), 40);
  throw InvalidInputError.in(EXPLAIN_WORDS, 'explain.error.notCode', { typed: shown });
}

/** Words after `explain` → the text to look up; a code split by a space (`trf 15`) is one code. */
function parseCode(args: string[]): string {
  if (args.length === 0) throw InvalidInputError.in(EXPLAIN_WORDS, 'explain.error.none');
  const typed = args.join(' ');
  if (typed.length > MAX_TYPED || args.length > 3) refuse(typed);
  const bare = typed.replace(/[.,;:!?]+$/, '');
  if (NUMBERED.test(bare) || DIGITS.test(bare)) return bare;
  if (args.length === 1 && WORD.test(bare)) return bare;
  // Several words are a code only when the catalogue knows one like it ("insufficient credits").
  if (args.every((word) => WORD.test(word)) && lookUpCode(bare).kind !== 'unknown') return bare;
  return refuse(typed);
}

/** The catalogue's message for a code, for a list of suggestions. */
function messageFor(suggested: string, tr: Translator): string {
  const display = explainForDisplay(suggested, undefined, tr.locale);
  const prefix = `${display.code}: `;
  return display.title.startsWith(prefix) ? display.title.slice(prefix.length) : display.title;
}

function suggestionsMessage(lookup: Extract<CodeLookup, { kind: 'suggestions' }>, tr: Translator) {
  const own = tr.with(EXPLAIN_WORDS);
  const typed = lookup.typed.toUpperCase();
  const lines = [
    own.t('explain.suggestions', { typed: code(typed) }),
    ...lookup.codes.map((c) => `• ${code(c)} ${escapeMrkdwn(truncate(messageFor(c, tr), 200))}`),
    own.t('explain.askAgain', { example: `\`/migrate explain ${lookup.codes[0]}\`` }),
  ];
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
  return { text: own.t('explain.suggestionsText', { typed, codes: lookup.codes.join(', ') }), blocks };
}

export const explainCommand = defineSubcommand<{ code: string; share: boolean }>({
  name: 'explain',
  needs: 'view',
  aliases: ['why'],
  usage: '/migrate explain <error code>',
  summary: EXPLAIN_WORDS.en['help.summary.explain'],
  words: EXPLAIN_WORDS,
  example: () => '/migrate explain TRF.0015',
  firstLine: () => '/migrate explain TRF.0015',
  related: ['status', 'list'],
  parse: (args, share) => ({ code: parseCode(args), share }),
  async run(ctx, { code: typed, share }) {
    const role = await ctx.require('view', ctx.here, 'read the error catalogue');
    // A shared answer is read by the channel, so it gives everyone's next step, not an admin's.
    const canFixConnection = !share && roleAllows(role, 'manage');
    const lookup = lookUpCode(typed);
    // A shared answer is read in the channel's language; a private one in the asker's.
    const tr = await ctx.translator(share ? 'channel' : 'person');
    const own = tr.with(EXPLAIN_WORDS);
    switch (lookup.kind) {
      case 'exact':
      case 'corrected': {
        const lead =
          lookup.kind === 'corrected'
            ? `:mag: ${own.t('explain.didYouMean', { code: code(lookup.code) })}`
            : undefined;
        const { text, blocks } = renderFailureExplanation(
          { code: lookup.code, canFixConnection, reference: true, tr },
          lead,
          true,
        );
        const fallback =
          lookup.kind === 'corrected'
            ? `${own.t('explain.didYouMean', { code: lookup.code })} ${text}`
            : text;
        await ctx.reply({ text: truncate(fallback, 300), blocks, share });
        return;
      }
      case 'suggestions':
        await ctx.reply({ ...suggestionsMessage(lookup, tr), share });
        return;
      case 'unknown': {
        const { title } = explainForDisplay(typed, undefined, tr.locale);
        const text = `:grey_question: ${escapeMrkdwn(truncate(title, 300))}`;
        await ctx.reply({
          text: title,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
          share,
        });
      }
    }
  },
});
