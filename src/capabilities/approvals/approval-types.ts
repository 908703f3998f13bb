import type { AccessControl } from '../../access/access-control.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../clock.js';
import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { CreateRequestInput } from '../../contract/create-form.js';
import type { RequestGate } from '../../contract/gate.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import type { Logger } from '../../logger.js';
import type { CreateImpact } from '../../providers/definition.js';
import type { ResourceAction } from '../../providers/types.js';
import type { ResourceResolver } from '../../resources/resolve-resource.js';
import type { SecretRegistry } from '../../secrets.js';
import type { SettingsStore } from '../../settings/workspace-settings.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { RestoredFrom } from '../../store/backup-marks.js';
import type { Store } from '../../store/create-store.js';
import type { PreflightRecord } from '../preflight-record.js';
import type { ApprovalRecord } from './approval-record.js';
import type { ApproverMessage } from './approval-store.js';

/** How the service talks to people; implemented over Slack in `slack/approval-messenger.ts`. */
export interface ApprovalMessenger {
  /** Posts the request with Approve / Reject in `channel`; returns where the message is. */
  postRequest(
    record: ApprovalRecord,
    channel: string,
  ): Promise<{ channel: string; ts: string; permalink?: string }>;
  /** A direct message to each of `approvers` about the new request; resolves to those that went out. */
  notifyApprovers(record: ApprovalRecord, approvers: readonly string[]): Promise<ApproverMessage[]>;
  /** Redraws the request message from the record (who decided, when, the outcome). */
  updateRequest(record: ApprovalRecord): Promise<void>;
  /** Redraws the approvers' direct messages of a decided request: the outcome, no buttons. */
  updateApproverMessages(record: ApprovalRecord, messages: readonly ApproverMessage[]): Promise<void>;
  /** Tells the requester what happened to their request (sent, created, failed, rejected, expired). */
  tellRequester(record: ApprovalRecord): Promise<void>;
  /** Posts the new resource's card where the request was made. */
  postCreated(
    record: ApprovalRecord,
    resource: MigrationResource | undefined,
    actions: ResourceAction[],
  ): Promise<void>;
}

export interface ApprovalServiceOptions {
  store: Store;
  settings: SettingsStore;
  connections: ConnectionRegistry;
  resolver: ResourceResolver;
  access: AccessControl;
  audit: AuditLog;
  messenger: ApprovalMessenger;
  secrets: SecretRegistry;
  logger: Logger;
  /** The bot's one clock: requests' times, expiry and the decisions' stamps. */
  clock: Clock;
  /** The deadline of a request's pre-flight calls (`DEFAULT_PREFLIGHT_DEADLINE_MS`). */
  preflightDeadlineMs?: number;
  /** How often pending requests are checked for expiry (default one minute). */
  sweepIntervalMs?: number;
  /**
   * The shared state (Redis when STORE_URL is redis://, else this process's): one decision wins
   * across replicas by its compare-and-set, and the pending index is a set in it.
   */
  atomic: AtomicKv;
  /**
   * Set when the store was restored from a backup (backup-marks.ts): a start due before the bot
   * started on it may have been made by the bot that ran until then, so it is not made again.
   */
  restored?: RestoredFrom;
  /** The capabilities' checks of a request: made, approved, started (`contract/gate.ts`). */
  gate?: RequestGate;
}

/** A request as the approvals take it: the core's (`CreateRequestInput`) and what they add. */
export interface NewRequest extends CreateRequestInput {
  /** What it would move, as an earlier caller measured it (shown as the pre-flight's size). */
  impact?: CreateImpact;
  /** A pre-flight already made (the playground's seeded requests); else the service runs one. */
  preflight?: PreflightRecord;
  /** A delta run of a resource whose last run succeeded. */
  rerun?: ApprovalRecord['rerun'];
  /** When to create it, once approved (ISO; the modal's "Start at"): at most 30 days ahead. */
  startAt?: string;
  /** Asked with this API token (its name); `requester` is then the person who made the token. */
  viaToken?: string;
}

export interface DecisionInput {
  team: string;
  id: string;
  /** Who clicked. */
  by: string;
  /** Where the button was clicked (channel-scoped grants apply there). */
  channel?: string;
  op: string;
  /** A rejection's reason, as the approver typed it (the requester is told). */
  reason?: string;
}

export type Decision =
  | { outcome: 'created'; record: ApprovalRecord; resource?: MigrationResource }
  | { outcome: 'failed'; record: ApprovalRecord }
  | { outcome: 'rejected'; record: ApprovalRecord }
  /** Approved with a start time still ahead: created when it is due (`ApprovalService.startDue`). */
  | { outcome: 'scheduled'; record: ApprovalRecord }
  /** Someone else decided first (double click, two approvers racing). */
  | { outcome: 'already-decided'; record: ApprovalRecord }
  | { outcome: 'expired'; record: ApprovalRecord }
  /** One approval of several a rule asks for, counted; the request stays pending. */
  | { outcome: 'counted'; record: ApprovalRecord };
