import type { BlockAction, ButtonAction } from '@slack/bolt';
import { channelScope, grantApplies } from '../../access/policy.js';
import { roleAllows } from '../../access/roles.js';
import type { Capability, CapabilityCore } from '../../contract/capability.js';
import { recovered } from '../../watcher/next-record.js';
import { CLAIM_ACTION, RELEASE_ACTION, TAKE_OVER_ACTION } from './claim-blocks.js';
import {
  claimButton,
  keepButtonHandler,
  releaseButtonHandler,
  takeOverButtonHandler,
} from './claim-buttons.js';
import { claimButtons, claimFacts, claimFailureLine } from './claim-drawing.js';
import { Claims } from './claims.js';
import { escalationSection } from './escalation-command.js';
import { escalationPass } from './escalation-pass.js';
import { EscalationPolicies } from './escalation-policies.js';
import { type EscalationNote, KEEP_CLAIM_ACTION, renderEscalation } from './escalation-posts.js';
import { escalationReader } from './escalation-settings.js';
import { claimOf } from './on-call-fact.js';
import { ON_CALL, type OnCallState } from './on-call-state.js';
import { ON_CALL_WORDS } from './words.js';

/**
 * On call: who is on each failure ("I'm on it", Hand back, Take over, Release) and the escalation
 * of failures nobody takes on (`/migrate settings escalation`): its store of claims, its buttons,
 * its escalation posts and its steps, a job on the one scheduler. Its fact of a watch
 * (`OnCallFact`) is who is on the failure (`onFailure`: the failure's posts show it) and where its
 * escalation stands; it draws the claim's line and buttons on the core's card and posts.
 */
export const onCall: Capability = {
  name: ON_CALL,
  words: ON_CALL_WORDS,
  wordPrefixes: ['claim.', 'escalation.'],
  start(core) {
    const s = startOnCall(core);
    return {
      state: s,
      listeners: (routes) => {
        // The action ids posted buttons carry: unchanged, so buttons drawn before still work.
        routes.action<BlockAction<ButtonAction>>(CLAIM_ACTION, claimButton());
        routes.action<BlockAction<ButtonAction>>(TAKE_OVER_ACTION, takeOverButtonHandler());
        routes.action<BlockAction<ButtonAction>>(RELEASE_ACTION, releaseButtonHandler());
        routes.action<BlockAction<ButtonAction>>(KEEP_CLAIM_ACTION, keepButtonHandler());
      },
      commands: { settingsSections: [escalationSection] },
      card: {
        buttons: claimButtons,
        failureLine: claimFailureLine,
        factsOf: (team, resources) => claimFacts(s.claims, team, resources),
        // Under a failed row of a list or Home, the same line as under the failure on its card.
        rowLine: (fact, tr, _now, resource) =>
          resource.state === 'failed' ? claimFailureLine(fact, tr) : undefined,
        // The steps its job says in a failure's thread (reminder, escalation, "Still on it?").
        note: (note, tr) => renderEscalation(note as EscalationNote, tr),
      },
      // A claim is about one failure: a poll that sees it recovered closes the one its record noted
      // (that one exactly, never one taken since on a new failure), before the record drops it.
      watch: {
        recording: async (record, observation) => {
          const claim = claimOf(record.facts);
          if (claim && recovered(record, observation))
            await s.claims.closeNoted(record.watch.teamId, record.watch, claim);
        },
      },
      // Before each cycle polls, on one replica at a time; each step is said once by its record's
      // compare-and-set, and the cycle delivers it.
      jobs: [
        {
          name: 'escalation',
          cadence: 'each-cycle',
          replicas: 'lease',
          run: (now) => escalationPass(s, core, now),
        },
      ],
    };
  },
};

function startOnCall(core: CapabilityCore): OnCallState {
  // Claims written by 0.2.0 lie in the key-value store: read (and so honoured) until they expire.
  const claims = new Claims(core.state, core.clock, core.store);
  const grants = core.access.grants;
  // Failures nobody takes on are escalated as each channel's setting says (off by default).
  const read = escalationReader(core.settings, async (teamId, channelId) => {
    const granted = (await grants.list(teamId)).filter(
      (g) =>
        g.subject.kind === 'user' &&
        roleAllows(g.role, 'approve') &&
        grantApplies(g.channel, channelScope(channelId)),
    );
    return [...new Set(granted.map((g) => g.subject.id))];
  });
  const anywhere = async (teamId: string) => {
    const settings = await core.settings.get(teamId);
    const own = Object.values(settings.channelEscalation ?? {});
    return settings.escalation !== undefined || own.some((e) => e !== 'off');
  };
  return { claims, policies: new EscalationPolicies(read, core.clock, anywhere) };
}
