import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import type { ResourceRef } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { parseRef } from '../../slack/command-text.js';
import { findResource } from '../../use-cases/context.js';
import { deliverBundle } from './deliver.js';
import type { EvidenceState } from './evidence-bundle.js';
import { planSubject } from './plan-subject.js';
import { EVIDENCE_WORDS } from './words.js';

/**
 * `/migrate evidence <id>`: the signed evidence bundle of a migration's chain, one file in the
 * card's thread; `/migrate evidence plan <plan id>`: of every chain of a plan, in the channel. A
 * read: the viewer role in the channel, as `status` asks.
 */
export function evidenceCommand(of: (ctx: HandlerContext) => EvidenceState) {
  return defineSubcommand<{ ref: ResourceRef } | { plan: string }>({
    name: 'evidence',
    needs: 'view',
    usage: '/migrate evidence <id> | plan <plan id>',
    summary: EVIDENCE_WORDS.en['help.summary.evidence'],
    words: EVIDENCE_WORDS,
    example: (f) => `/migrate evidence ${f.id({ states: ['succeeded', 'failed'] }) ?? '<id>'}`,
    related: ['verify', 'status'],
    parse(args) {
      if (args.length === 2 && args[0]!.toLowerCase() === 'plan') return { plan: args[1]!.toLowerCase() };
      if (args.length !== 1) throw InvalidInputError.in(EVIDENCE_WORDS, 'evidence.usage');
      return { ref: parseRef('evidence', args) };
    },
    async run(ctx, parsed) {
      await ctx.require('view', ctx.here, 'get the evidence of a migration');
      if ('plan' in parsed)
        return deliverBundle(ctx, of(ctx), await planSubject(of(ctx).plans, ctx.teamId, parsed.plan));
      const { resource } = await findResource(ctx, { ref: parsed.ref });
      await deliverBundle(ctx, of(ctx), resource);
    },
  });
}
