import type { ResourceKind } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { CreateFacts, PreflightRecord, ProviderId } from './core-types.js';
import type { CoreApprovals } from './create-form.js';

/**
 * When a request to create a migration is checked by the bot's capabilities: as it is made, at
 * each approval (under the request's lock, before the decision's compare-and-set), when its
 * scheduled start comes due, and when a capability starts an existing migration by itself (`resume`:
 * a plan's wave opening; only the rules about when a migration may start apply there).
 */
export type CheckStage = 'request' | 'approval' | 'start' | 'resume';

/** What the request says, provider-neutral and raw (each create form's `facts(request)`). */
export interface RequestFacts extends CreateFacts {
  /** The request's name or description, as typed (a change ticket is looked for in it). */
  name?: string;
}

export interface RequestCheck {
  stage: CheckStage;
  team: string;
  requester: string;
  channel: string;
  connection: string;
  provider: ProviderId;
  kind: ResourceKind;
  facts: RequestFacts;
  preflight?: PreflightRecord;
  startAt?: string;
  /** The approval request's id, once it has one. */
  approval?: string;
  /** At a `resume`: the existing migration a capability starts. */
  resource?: { kind: ResourceKind; id: string };
  /** At an approval: who approves. */
  by?: string;
  now: number;
}

/** A refusal in the catalogue's words: `values` name the rule and how to ask for an exception. */
export interface Refusal {
  rule: string;
  key: string;
  values: Record<string, string | number>;
}

/** More than one approver: how many distinct people (none the requester), and the rule that said so. */
export interface Needs {
  rule: string;
  approvers: number;
  /** A Slack user group the approvers must be in. */
  group?: string;
  /** The change ticket found in the request, when a rule asks for one. */
  ticket?: string;
}

export interface GateOutcome {
  refusal?: Refusal;
  needs?: Needs;
  /** The change ticket a rule required, as found in the request's name (shown and audited). */
  ticket?: string;
  /** What the rules decided, in the catalogue's words, for the request's pre-flight line. */
  said?: { key: string; values: Record<string, string | number> };
  /** Gives back what the check took (a quota's share) when the decision then goes elsewhere. */
  release(): Promise<void>;
}

/** How an approved request ended: created (the new resource), or failed or refused at its start. */
export type RequestSettled = { created: { kind: ResourceKind; id: string } } | { failed: true };

/** What the approvals core asks before a request is posted, approved or started. */
export interface RequestGate {
  check(check: RequestCheck): Promise<GateOutcome>;
  /**
   * Told once an approved request is settled: what its approval took (a quota's share, a place
   * among the concurrent migrations) is given back when it failed, or kept with the resource made.
   */
  settled?(check: RequestCheck, how: RequestSettled): Promise<void>;
  /** Each rule's verdict on values not yet sent (a dry run: nothing is counted or recorded), as lines. */
  explain?(check: RequestCheck, tr: Translator): Promise<string[]>;
}

export const OPEN_GATE: RequestGate = { check: async () => ({ release: async () => {} }) };

/**
 * Its say on a request to create a migration: checked when it is made, at each approval (before the
 * decision's compare-and-set: what it takes, a quota's share, is released if the decision goes
 * elsewhere) and when its scheduled start is due; `approvals` is offered by the one capability that
 * decides requests to create (the core's create form and workflow step hand theirs there).
 */
export interface GatePart {
  /** Allow, refuse (the rule, why, how to get an exception), or require more approvers. */
  check?(check: RequestCheck): Promise<GateOutcome | undefined>;
  /** An approved request settled (created, or failed or refused at its start): keep or give back. */
  settled?(check: RequestCheck, how: RequestSettled): Promise<void>;
  /** Lines explaining what it would decide of the values (a dry run), in the reader's language. */
  explain?(check: RequestCheck, tr: Translator): Promise<string[]>;
  /** A refusal it can tell from the form's values alone (nothing counted), shown at the form's field. */
  precheck?(check: RequestCheck): Promise<Refusal | undefined>;
  approvals?: CoreApprovals;
}
