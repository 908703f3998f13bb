/**
 * The core's types the contract names, filled in by the core (`src/core-types.ts`, a declaration
 * merge): this folder imports no core file, so the core depends on the contract and never back.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the core's declaration merge.
export interface CoreTypes {}

type Core<K extends string> = K extends keyof CoreTypes ? CoreTypes[K] : never;

export type AppDeps = Core<'AppDeps'>;
export type Logger = Core<'Logger'>;
export type Clock = Core<'Clock'>;
export type Config = Core<'Config'>;
export type AccessControl = Core<'AccessControl'>;
export type AuditLog = Core<'AuditLog'>;
export type ConnectionRegistry = Core<'ConnectionRegistry'>;
export type ResourceServices = Core<'ResourceServices'>;
export type Watcher = Core<'Watcher'>;
export type SettingsStore = Core<'SettingsStore'>;
export type WorkspaceSettings = Core<'WorkspaceSettings'>;
export type SlackSender = Core<'SlackSender'>;
export type SlackLocales = Core<'SlackLocales'>;
export type SecretRegistry = Core<'SecretRegistry'>;
/** Where an action applies (`access/policy.ts`), who may do it and what it is. */
export type Scope = Core<'Scope'>;
export type Role = Core<'Role'>;
export type Permission = Core<'Permission'>;
export type Job = Core<'Job'>;
export type FormValues = Core<'FormValues'>;
export type CreateFacts = Core<'CreateFacts'>;
export type ProviderId = Core<'ProviderId'>;
export type NextStepAction = Core<'NextStepAction'>;
export type LastAction = Core<'LastAction'>;
export type ActedVia = Core<'ActedVia'>;
export type CardFacts = Core<'CardFacts'>;
export type FileSection = Core<'FileSection'>;
export type UseCaseContext = Core<'UseCaseContext'>;
export type PreflightRecord = Core<'PreflightRecord'>;
export type ApprovalRecord = Core<'ApprovalRecord'>;
export type EndingHook = Core<'EndingHook'>;
export type EventHook = Core<'EventHook'>;
export type ListingHook = Core<'ListingHook'>;
export type RecordingHook = Core<'RecordingHook'>;
export type WorkspaceUse = Core<'WorkspaceUse'>;
export type HttpHandler = Core<'HttpHandler'>;
