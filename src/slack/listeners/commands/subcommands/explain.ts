import { explainForDisplay } from '../../../../catalogue/explain.js';
import { InvalidInputError } from '../../../../errors.js';
import { code, escapeMrkdwn } from '../../../blocks/mrkdwn.js';
import { defineSubcommand } from '../subcommand.js';

const CODE = /^[A-Za-z_]+[.:][A-Za-z0-9_.]+$|^[A-Z_]{3,}$/;

export const explainCommand = defineSubcommand<{ code: string; share: boolean }>({
  name: 'explain',
  aliases: ['why'],
  usage: '/migrate explain <error code>',
  summary: 'What an error code means and how to fix it, e.g. `/migrate explain TRF.0015`.',
  parse: (args, share) => {
    if (args.length !== 1 || !CODE.test(args[0]!)) {
      throw new InvalidInputError(
        'Give one error code, e.g. `/migrate explain TRF.0015`, `OMS.0063` or `APIGW.0301`.',
      );
    }
    return { code: args[0]!, share };
  },
  async run(ctx, { code: wanted, share }) {
    await ctx.require('view', 'read the error catalogue');
    const entry = explainForDisplay(wanted);
    const lines = entry.known
      ? [
          `*${code(entry.code)}* ${escapeMrkdwn(entry.title)}`,
          entry.description ? `*What it means:* ${escapeMrkdwn(entry.description)}` : '',
          entry.solution ? `*Fix:* ${escapeMrkdwn(entry.solution)}` : '',
        ]
      : [`:grey_question: ${escapeMrkdwn(entry.title)}`];
    await ctx.reply({
      text: entry.known ? `${entry.code}: ${entry.title}` : entry.title,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.filter(Boolean).join('\n') } }],
      share,
    });
  },
});
