import type { ResourceKind } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { ApprovalRecord, FormValues, ProviderId } from './core-types.js';
import type { HandlerContext } from './handler-context.js';

/** A request to create a migration as the core's create form and workflow step hand it over. */
export interface CreateRequestInput {
  team: string;
  requester: string;
  channel: string;
  connection: string;
  kind: ResourceKind;
  /** The provider create request built from the form; validated again by the approvals. */
  request: unknown;
  op: string;
  /** Asked from a workflow step: its decision completes the step. */
  workflowStep?: { executionId: string };
  /** When to create it once approved (ISO). */
  startAt?: string;
}

/**
 * What the capability that decides requests to create (the approvals) offers the core and the
 * other capabilities: take a new request, hand over one a capability had approved its own way
 * (saved approved and scheduled: the scheduled start creates it once across replicas), run the
 * due starts now, read one back, count those waiting (`/metrics`).
 */
export interface CoreApprovals {
  request(input: CreateRequestInput): Promise<ApprovalRecord>;
  admitApproved(record: ApprovalRecord): Promise<ApprovalRecord>;
  startDue(): Promise<unknown>;
  find(team: string, id: string): Promise<ApprovalRecord | undefined>;
  /**
   * Withdraws the standing approval of a request admitted (or still to be admitted) under `id`:
   * true when it will never start, false when it started already (`withdrawStart`).
   */
  withdraw(team: string, id: string, by: string): Promise<boolean>;
  pendingCount(): Promise<number>;
}

/** A create form as submitted, valid (the provider's checks passed), before it goes for approval. */
export interface CreateSubmission {
  ctx: HandlerContext;
  values: FormValues;
  connection: string;
  provider: ProviderId;
  kind: ResourceKind;
  request: Record<string, unknown>;
  channel: string;
}

/** A submission a capability takes: refused at its fields, or its own work once the form closed. */
export type CreateTake = { errors: Record<string, string> } | { run(): Promise<void> };

/** Where a create form is drawn: its times are read in the workspace's zone (else UTC). */
export interface CreateFormContext {
  zone: string;
}

/** A submitted create form as a capability reads its own fields: in the reader's words, at `now`. */
export interface CreateFormRead extends CreateFormContext {
  tr: Translator;
  now: number;
}

/** Its fields read: problems at them, and what they add to the request that goes for approval. */
export interface CreateFieldsRead {
  errors: Record<string, string>;
  request?: Pick<CreateRequestInput, 'startAt'>;
}

/** The create form's submit button and the note above it, as a capability words them. */
export interface CreateSubmitWords {
  submit: string;
  note: string;
}

/** Fields a capability adds to every create form, and the submissions it takes instead of approvals. */
export interface CreateFormPart {
  /** Input blocks (block ids its own), keeping what was typed. */
  fields(tr: Translator, values: FormValues, form: CreateFormContext): unknown[];
  /** Blocks under the form's inputs (a button: its own `listeners` answer it). */
  actions?(tr: Translator): unknown[];
  /** Its fields of a submission, read with the provider's (their problems answered together). Pure. */
  read?(values: FormValues, form: CreateFormRead): CreateFieldsRead;
  /**
   * What submitting the form does when this part will take it (a plan named as the form opens):
   * the submit button's words and the note above it, instead of the approval's.
   */
  submit?(tr: Translator, values: FormValues): CreateSubmitWords | undefined;
  /** Undefined: not its own (it goes for approval as usual). Answered within Slack's 3 s. */
  take?(submission: CreateSubmission): Promise<CreateTake | undefined>;
}
