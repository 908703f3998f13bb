import type { ConfirmationDialog } from '@slack/types';
import type { Registry } from 'prom-client';
import type { AccessControl } from '../access/access-control.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { NextStepAction } from '../catalogue/code-classes.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { FileSection } from '../connections/file-sections.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { Words } from '../i18n/words.js';
import type { Logger } from '../logger.js';
import type { FormValues } from '../providers/definition.js';
import type { ProviderId } from '../providers/provider-ids.js';
import type { LastAction } from '../resources/last-actions.js';
import type { Job } from '../scheduler/scheduler.js';
import type { SecretRegistry } from '../secrets.js';
import type { SettingsStore } from '../settings/workspace-settings.js';
import type { AppDeps, HandlerContext } from '../slack/context.js';
import type { Route } from '../slack/health-routes.js';
import type { Subcommand } from '../slack/listeners/commands/subcommand.js';
import type { ListenerRoutes } from '../slack/listeners/router.js';
import type { SlackLocales } from '../slack/locales.js';
import type { SlackSender } from '../slack/sender.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import type { RestoredFrom } from '../store/backup-marks.js';
import type { Store } from '../store/create-store.js';
import type { ResourceServices, UseCaseContext } from '../use-cases/context.js';
import type { CardFacts } from '../watcher/outbox/notification.js';
import type { Watcher } from '../watcher/watcher.js';
import type {
  CoreApprovals,
  CreateFieldsRead,
  CreateFormContext,
  CreateFormPart,
  CreateFormRead,
  CreateSubmission,
  CreateSubmitWords,
  CreateTake,
} from './create-form-part.js';
import type {
  CapabilityButton,
  CapabilityDrawingHooks,
  CapabilityRendered,
  CardResource,
  PostAdditions,
  VerifiedRun,
} from './drawing-hooks.js';
import type { GateOutcome, Refusal, RequestCheck, RequestGate, RequestSettled } from './request-gate.js';
import type { SettingsSection } from './settings-section.js';

/**
 * What the core hands a capability when the bot starts: the store, the clock, the policy and audit,
 * the connections (providers are taken from them with the purpose said: a job's calls are
 * `background`), and the watcher (`watcher.notes.fact` writes the capability's fact of a resource).
 */
export interface CapabilityCore {
  state: AtomicKv;
  clock: Clock;
  logger: Logger;
  connections: ConnectionRegistry;
  /** Finding resources, and who last acted on each. */
  resources: ResourceServices;
  access: AccessControl;
  audit: AuditLog;
  watcher: Watcher;
  /** The workspaces' settings (`/migrate settings`), such as a channel's escalation. */
  settings: SettingsStore;
  /** The key-value store, where records written by earlier versions (0.2.0) lie. */
  store: Store;
  /**
   * The bot's settings: `allowedEndpoints` (the endpoint rules' allow-list), `encryptionKeys` (to
   * seal what it stores secret, as the connections do). The replica's name is `watcher.options.holder`.
   */
  config: Config;
  /** The connections file (MIGRATE_BOT_CONNECTIONS), where `fileSection`s are read; undefined: none. */
  connectionsFile?: string;
  /** The one door to Slack, for what a capability posts outside the editor (a request, a DM). */
  sender: SlackSender;
  /** Who reads in which language. */
  locales: SlackLocales;
  /** What is masked in each workspace's messages (a failure shown to a person). */
  secrets: SecretRegistry;
  /** Set when the store was restored from a backup (`store/backup-marks.ts`). */
  restored?: RestoredFrom;
  /** Every capability's check of a migration a capability starts by itself (stage `resume`). */
  gate?: RequestGate;
  /** The approvals' scheduled starts, for requests a capability had approved its own way (a plan's). */
  approvals?: CoreApprovals;
  /** The bot's `/metrics` registry, where a capability registers its own counters (absent: none kept). */
  metrics?: Registry;
}

/**
 * A top-level section of the connections file a capability owns (reviewed like code, read again on
 * SIGHUP): `parse` refuses a malformed one with its line and reason (a `ConfigError`), and only a
 * section that parsed is given to `apply`, so the running one stays when a reload is refused.
 */
export interface FileSectionReader<State> {
  key: string;
  parse(section: FileSection): unknown;
  apply(state: State, parsed: unknown): void;
}

/**
 * One feature of the bot in one folder: its state, its use cases and its Slack surfaces, listed
 * once in `capabilities/registry.ts`. The core consults the list and names no capability.
 * `State` is what `start` builds once per bot; listeners reach it with `capability.of(deps)`.
 */
export interface CapabilityDefinition<State> extends CapabilityDrawingHooks<State> {
  /** Unique; names its fact on watch records (`WatchRecord.facts[name]`) and its jobs' prefix. */
  name: string;
  start(core: CapabilityCore): State;
  /** Its `/migrate` subcommands (help lists them after the core's, in this order). */
  subcommands?: readonly Subcommand[];
  /**
   * Its own sentences in every language (`words/<locale>.json` in its folder, keys prefixed with
   * its name), said with `tr.with(words)`; the catalogue tests check them as they check the bot's.
   */
  words?: Words;
  /**
   * Key prefixes its words may start with beside its name and its subcommands' (`claim.` for
   * on-call): the names its keys had in the bot's catalogues, kept as they were (ADR 0021).
   */
  wordPrefixes?: readonly string[];
  /**
   * Its buttons, modals, options and events, registered on the routes the core's surfaces use;
   * `deps` are the bot's, for a modal's submission (it has no handler context of its own).
   */
  listeners?(routes: ListenerRoutes, deps: AppDeps): void;
  /** Its timed work, on the bot's one scheduler (each job's name is prefixed with the capability's). */
  jobs?(state: State, core: CapabilityCore): readonly Job[];
  /** Words it answers after `/migrate list` instead of the provider's list (`list unverified`). */
  listFilters?: readonly ListFilter[];
  /** Its sections of `/migrate settings` (`settings escalation …`), after the core's. */
  settingsSections?: readonly SettingsSection[];
  /**
   * What it shows on a person's Home tab, as a view its `render` draws (undefined: nothing); read
   * from its store only, as the tab is built.
   */
  home?(state: State, who: { teamId: string; userId: string }): Promise<unknown>;
  /** Its Home section leads the tab (what waits for this person), above the connections. */
  homeFirst?: boolean;
  /**
   * Checks a request to create a migration when it is made, at each approval (before the
   * decision's compare-and-set: what it takes, a quota's share, is released if the decision goes
   * elsewhere) and when its scheduled start is due: allow, refuse (the rule, why, how to get an
   * exception), or require more approvers.
   */
  checkRequest?(state: State, check: RequestCheck): Promise<GateOutcome>;
  /** An approved request settled (created, or failed or refused at its start): keep or give back. */
  settledRequest?(state: State, check: RequestCheck, how: RequestSettled): Promise<void>;
  /** Lines explaining what it would decide of the values (a dry run), in the reader's language. */
  explainRequest?(state: State, check: RequestCheck, tr: Translator): Promise<string[]>;
  /**
   * A refusal it can tell from the form's values alone (no pre-flight, nothing counted or
   * recorded), so the create form stays open with the refusal at its field.
   */
  precheckRequest?(state: State, check: RequestCheck): Promise<Refusal | undefined>;
  /** Its fields on the create form, and what it does with a submission that fills them. */
  createForm?: CreateFormPart<State>;
  /** Its section of the connections file. */
  fileSection?: FileSectionReader<State>;
  /** Deletes what it keeps about a workspace that uninstalled the app (idempotent; run first). */
  forgetWorkspace?(state: State, teamId: string): Promise<void>;
  /** Lets go of what it holds when the bot stops. */
  stop?(state: State): Promise<void>;
  /**
   * Its HTTP routes, served beside the health routes on the bot's port (paths it owns, e.g.
   * `/api/v1/…`); `deps` are the bot's, as Slack's listeners get them (the approvals, the sender).
   */
  routes?(state: State, deps: AppDeps): readonly Route[];
  /** Its read endpoints on the bot's API (`GET /api/v1/<path>`), served for a token's context. */
  apiReads?(state: State): readonly ApiRead[];
  /** Offered by the one capability that decides requests to create (see `CoreApprovals`). */
  approvals?(state: State): CoreApprovals;
}

/**
 * A read a capability adds to the API: `path` under `/api/v1` (`:name` parameters), `read` given
 * the caller's context (the token's role and channel: it checks the policy itself) and the
 * parameters; its answer is JSON as documented in the OpenAPI document.
 */
export interface ApiRead {
  path: string;
  read(ctx: UseCaseContext, params: Readonly<Record<string, string | undefined>>): Promise<unknown>;
}

/** A word after `/migrate list` (alone) that a capability answers with a list of its own. */
export interface ListFilter {
  word: string;
  run(ctx: HandlerContext, share: boolean): Promise<void>;
}

/** A capability with its state type sealed inside, so different ones sit in one list. */
export interface Capability {
  readonly name: string;
  readonly subcommands: readonly Subcommand[];
  readonly words?: Words;
  readonly wordPrefixes?: readonly string[];
  /** Its Home section leads the tab. */
  readonly homeFirst?: boolean;
  listeners(routes: ListenerRoutes, deps: AppDeps): void;
  cardLines(fact: unknown, tr: Translator, now: number, resource: CardResource): string[];
  cardButtons(fact: unknown, tr: Translator, resource: CardResource): CapabilityButton[];
  rowLine(fact: unknown, tr: Translator, now: number, resource: CardResource): string | undefined;
  failureLine(fact: unknown, tr: Translator): string | undefined;
  reportLines(fact: unknown, tr: Translator): string[];
  cardNotice(fact: unknown, tr: Translator, card: CardFacts): string | undefined;
  actedLine(said: unknown, last: LastAction, state: NormalizedState, tr: Translator): string | undefined;
  actedBy(said: unknown, by: string, tr: Translator): string | undefined;
  /** A note it wrote about a resource, drawn; undefined when it draws none. */
  renderNote(note: unknown, tr: Translator, now: number): CapabilityRendered | undefined;
  verificationButtons(run: VerifiedRun, tr: Translator): CapabilityButton[];
  /** Its living post drawn from its view; undefined when it has none. */
  render(view: unknown, tr: Translator, now: number, more?: PostAdditions): CapabilityRendered | undefined;
  readonly listFilters: readonly ListFilter[];
  readonly settingsSections: readonly SettingsSection[];
  /** The key of its connections-file section, if it has one. */
  readonly fileKey?: string;
  /** Its fields on the create form (none: []), the blocks under them, and its fields read. */
  createFields(tr: Translator, values: FormValues, form: CreateFormContext): unknown[];
  createActions(tr: Translator): unknown[];
  createSubmit(tr: Translator, values: FormValues): CreateSubmitWords | undefined;
  readCreate(values: FormValues, form: CreateFormRead): CreateFieldsRead;
  start(core: CapabilityCore): StartedCapability;
}

/** A capability once the bot has started it. */
export interface StartedCapability {
  readonly name: string;
  readonly state: unknown;
  jobs(): readonly Job[];
  home(who: { teamId: string; userId: string }): Promise<unknown>;
  factsOf(
    team: string,
    resources: readonly CardResource[],
    now: number,
  ): Promise<ReadonlyMap<string, unknown>>;
  checkRequest(check: RequestCheck): Promise<GateOutcome | undefined>;
  settledRequest(check: RequestCheck, how: RequestSettled): Promise<void>;
  explainRequest(check: RequestCheck, tr: Translator): Promise<string[]>;
  precheckRequest(check: RequestCheck): Promise<Refusal | undefined>;
  takeCreate(submission: CreateSubmission): Promise<CreateTake | undefined>;
  /** Parses its section (throws a ConfigError); the function returned applies it. */
  prepareSection(section: FileSection): () => void;
  routes(deps: AppDeps): readonly Route[];
  apiReads(): readonly ApiRead[];
  /** Its `CoreApprovals`, if it decides requests to create. */
  approvals(): CoreApprovals | undefined;
  forgetWorkspace(teamId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where listeners find the started capabilities (`AppDeps.capabilities`). */
export interface CapabilityStates {
  stateOf(name: string): unknown;
  /** Every started capability's API reads. */
  apiReads?(): readonly ApiRead[];
  /** Every capability's facts of resources from its store, by `connection:id` then name (`factsOf`). */
  factsOf?(
    team: string,
    resources: readonly CardResource[],
    now: number,
  ): Promise<ReadonlyMap<string, Record<string, unknown>>>;
}

const NO_ADDITIONS: PostAdditions = { verificationButtons: () => [] };

export function defineCapability<State>(
  definition: CapabilityDefinition<State>,
): Capability & { of(deps: { capabilities: CapabilityStates }): State } {
  const { name } = definition;
  return {
    name,
    subcommands: definition.subcommands ?? [],
    ...(definition.words ? { words: definition.words } : {}),
    ...(definition.wordPrefixes ? { wordPrefixes: definition.wordPrefixes } : {}),
    ...(definition.homeFirst ? { homeFirst: true } : {}),
    listeners: (routes, deps) => definition.listeners?.(routes, deps),
    cardLines: (fact, tr, now, resource) =>
      definition.cardLines ? definition.cardLines(fact, tr, now, resource) : [],
    cardButtons: (fact, tr, resource) => definition.cardButtons?.(fact, tr, resource) ?? [],
    rowLine: (fact, tr, now, resource) => definition.rowLine?.(fact, tr, now, resource),
    failureLine: (fact, tr) => definition.failureLine?.(fact, tr),
    reportLines: (fact, tr) => definition.reportLines?.(fact, tr) ?? [],
    cardNotice: (fact, tr, card) => definition.cardNotice?.(fact, tr, card),
    actedLine: (said, last, state, tr) => definition.actedLine?.(said, last, state, tr),
    actedBy: (said, by, tr) => definition.actedBy?.(said, by, tr),
    renderNote: (note, tr, now) => definition.renderNote?.(note, tr, now),
    verificationButtons: (run, tr) => definition.verificationButtons?.(run, tr) ?? [],
    render: (view, tr, now, more = NO_ADDITIONS) => definition.render?.(view, tr, now, more),
    listFilters: definition.listFilters ?? [],
    settingsSections: definition.settingsSections ?? [],
    createFields: (tr, values, form) => definition.createForm?.fields(tr, values, form) ?? [],
    createActions: (tr) => definition.createForm?.actions?.(tr) ?? [],
    createSubmit: (tr, values) => definition.createForm?.submit?.(tr, values),
    readCreate: (values, form) => definition.createForm?.read?.(values, form) ?? { errors: {} },
    ...(definition.fileSection ? { fileKey: definition.fileSection.key } : {}),
    start(core) {
      const state = definition.start(core);
      return {
        name,
        state,
        jobs: () =>
          (definition.jobs?.(state, core) ?? []).map((job) => ({ ...job, name: `${name}:${job.name}` })),
        home: async (who) => definition.home?.(state, who),
        factsOf: async (team, resources, now) =>
          (await definition.factsOf?.(state, team, resources, now)) ?? new Map(),
        checkRequest: async (check) => definition.checkRequest?.(state, check),
        settledRequest: async (check, how) => definition.settledRequest?.(state, check, how),
        explainRequest: async (check, tr) => (await definition.explainRequest?.(state, check, tr)) ?? [],
        precheckRequest: async (check) => definition.precheckRequest?.(state, check),
        takeCreate: async (submission) => definition.createForm?.take?.(state, submission),
        prepareSection: (section) => {
          const reader = definition.fileSection;
          if (!reader) return () => {};
          const parsed = reader.parse(section);
          return () => reader.apply(state, parsed);
        },
        routes: (deps) => definition.routes?.(state, deps) ?? [],
        apiReads: () => definition.apiReads?.(state) ?? [],
        approvals: () => definition.approvals?.(state),
        forgetWorkspace: async (teamId) => definition.forgetWorkspace?.(state, teamId),
        stop: async () => definition.stop?.(state),
      };
    },
    of: (deps) => deps.capabilities.stateOf(name) as State,
  };
}
