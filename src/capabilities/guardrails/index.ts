import type { Subcommand } from '../../slack/listeners/commands/subcommand.js';
import { defineCapability } from '../capability.js';
import { Guardrails } from './guardrails.js';
import { explainLines, policyCommand } from './policy-command.js';
import { parsePolicies, type Rule } from './rules.js';
import { GUARDRAIL_WORDS } from './words.js';

/**
 * Guardrails: rules about the migration itself (where to, how, how much and who
 * decides, how many, when), written in the connections file's `policies:` section and made
 * stricter from Slack, checked when a request is made, at each approval and when a scheduled
 * start is due, through the core's `checkRequest` seam.
 */
export const guardrails = defineCapability<Guardrails>({
  name: 'guardrails',
  start: (core) => new Guardrails(core),
  get subcommands(): readonly Subcommand[] {
    return [policyCommand((ctx) => guardrails.of(ctx.deps))];
  },
  words: GUARDRAIL_WORDS,
  checkRequest: (state, check) => state.check(check),
  settledRequest: (state, check, how) => state.settled(check, how),
  precheckRequest: (state, check) => state.precheck(check),
  // The create form's "Check against policy": the same lines as `/migrate policy test`.
  explainRequest: async (state, check, tr) => explainLines(await state.explain(check), tr),
  fileSection: {
    key: 'policies',
    parse: (section) => parsePolicies(section),
    apply: (state, parsed) => {
      state.fileRules = parsed as Rule[];
    },
  },
});
