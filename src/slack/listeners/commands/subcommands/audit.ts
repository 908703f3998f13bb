import { WORKSPACE } from '../../../../access/policy.js';
import { defineSubcommand } from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import { auditLine } from '../../../blocks/audit-line.js';
import { section } from '../../../blocks/mrkdwn.js';

export const auditCommand = defineSubcommand<{ count: number }>({
  name: 'audit',
  needs: 'manage',
  usage: '/migrate audit [count]',
  summary: 'The latest actions and decisions in this workspace (admins).',
  example: () => '/migrate audit 20',
  related: ['access', 'settings'],
  parse: (args) => {
    const count = args[0] === undefined ? 20 : Number(args[0]);
    if (!Number.isInteger(count) || count < 1 || count > 40 || args.length > 1) {
      throw InvalidInputError.of('audit.error.count');
    }
    return { count };
  },
  async run(ctx, { count }) {
    await ctx.require('manage', WORKSPACE, 'read the audit log');
    const entries = await ctx.deps.audit.recent(ctx.teamId, count);
    const tr = await ctx.translator('person');
    await ctx.reply({
      text: tr.t('audit.title', { n: entries.length }),
      blocks: [
        section(
          entries.map((e) => `${e.at.slice(0, 16)}Z ${auditLine(e, tr)}`).join('\n') || tr.t('audit.empty'),
        ),
      ],
    });
  },
});
