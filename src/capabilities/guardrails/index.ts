import type { Capability } from '../../contract/capability.js';
import { Guardrails } from './guardrails.js';
import { explainLines, policyCommand } from './policy-command.js';
import { parsePolicies, type Rule } from './rules.js';
import { GUARDRAIL_WORDS } from './words.js';

/**
 * Guardrails: rules about the migration itself (where to, how, how much and who
 * decides, how many, when), written in the connections file's `policies:` section and made
 * stricter from Slack, checked when a request is made, at each approval and when a scheduled
 * start is due, through the core's gate seam (its `gate` part).
 */
export const guardrails: Capability = {
  name: 'guardrails',
  words: GUARDRAIL_WORDS,
  fileKey: 'policies',
  start(core) {
    const state = new Guardrails(core);
    return {
      state,
      commands: { subcommands: [policyCommand(() => state)] },
      gate: {
        check: (check) => state.check(check),
        settled: (check, how) => state.settled(check, how),
        precheck: (check) => state.precheck(check),
        // The create form's "Check against policy": the same lines as `/migrate policy test`.
        explain: async (check, tr) => explainLines(await state.explain(check), tr),
      },
      file: {
        parse: (section) => parsePolicies(section),
        apply: (parsed) => {
          state.fileRules = parsed as Rule[];
        },
      },
    };
  },
};
