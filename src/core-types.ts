import type { AccessControl as AccessControl_ } from './access/access-control.js';
import type { Scope as Scope_ } from './access/policy.js';
import type { Capability as Permission_, Role as Role_ } from './access/roles.js';
import type { AuditLog as AuditLog_ } from './audit/audit-log.js';
import type { ApprovalRecord as ApprovalRecord_ } from './capabilities/approvals/approval-record.js';
import type { PreflightRecord as PreflightRecord_ } from './capabilities/preflight-record.js';
import type { NextStepAction as NextStepAction_ } from './catalogue/code-classes.js';
import type { Clock as Clock_ } from './clock.js';
import type { Config as Config_ } from './config.js';
import type { ConnectionRegistry as ConnectionRegistry_ } from './connections/connection-registry.js';
import type { FileSection as FileSection_ } from './connections/file-sections.js';
import type { Logger as Logger_ } from './logger.js';
import type { CreateFacts as CreateFacts_, FormValues as FormValues_ } from './providers/definition.js';
import type { ProviderId as ProviderId_ } from './providers/provider-ids.js';
import type { ActedVia as ActedVia_, LastAction as LastAction_ } from './resources/last-actions.js';
import type { Job as Job_ } from './scheduler/scheduler.js';
import type { SecretRegistry as SecretRegistry_ } from './secrets.js';
import type {
  SettingsStore as SettingsStore_,
  WorkspaceSettings as WorkspaceSettings_,
} from './settings/workspace-settings.js';
import type { AppDeps as AppDeps_ } from './slack/context.js';
import type { Handler as HttpHandler_ } from './slack/health-routes.js';
import type { SlackLocales as SlackLocales_ } from './slack/locales.js';
import type { SlackSender as SlackSender_ } from './slack/sender.js';
import type {
  ResourceServices as ResourceServices_,
  UseCaseContext as UseCaseContext_,
} from './use-cases/context.js';
import type { EndingHook as EndingHook_, EventHook as EventHook_ } from './watcher/next-record.js';
import type { CardFacts as CardFacts_ } from './watcher/outbox/notification.js';
import type { RecordingHook as RecordingHook_ } from './watcher/poll-cycle.js';
import type { WorkspaceUse as WorkspaceUse_ } from './watcher/records/workspace-limits.js';
import type { Watcher as Watcher_ } from './watcher/watcher.js';
import type { ListingHook as ListingHook_ } from './watcher/whole-lists.js';

/**
 * The core's types the contract (`src/contract/`) names, filled in here so it imports none of them
 * (each imported under a name of its own: inside the merge, its own name is the contract's alias).
 */
declare module './contract/core-types.js' {
  interface CoreTypes {
    AppDeps: AppDeps_;
    Logger: Logger_;
    Clock: Clock_;
    Config: Config_;
    AccessControl: AccessControl_;
    AuditLog: AuditLog_;
    ConnectionRegistry: ConnectionRegistry_;
    ResourceServices: ResourceServices_;
    Watcher: Watcher_;
    SettingsStore: SettingsStore_;
    WorkspaceSettings: WorkspaceSettings_;
    SlackSender: SlackSender_;
    SlackLocales: SlackLocales_;
    SecretRegistry: SecretRegistry_;
    Scope: Scope_;
    Role: Role_;
    Permission: Permission_;
    Job: Job_;
    FormValues: FormValues_;
    CreateFacts: CreateFacts_;
    ProviderId: ProviderId_;
    NextStepAction: NextStepAction_;
    LastAction: LastAction_;
    ActedVia: ActedVia_;
    CardFacts: CardFacts_;
    FileSection: FileSection_;
    UseCaseContext: UseCaseContext_;
    PreflightRecord: PreflightRecord_;
    ApprovalRecord: ApprovalRecord_;
    EndingHook: EndingHook_;
    EventHook: EventHook_;
    ListingHook: ListingHook_;
    RecordingHook: RecordingHook_;
    WorkspaceUse: WorkspaceUse_;
    HttpHandler: HttpHandler_;
  }
}
