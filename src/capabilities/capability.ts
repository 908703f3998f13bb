import type { AccessControl } from '../access/access-control.js';
import type { GateOutcome, RequestCheck } from '../approvals/request-gate.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { FileSection } from '../connections/file-sections.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { LastActions } from '../resources/last-actions.js';
import type { ResourceResolver } from '../resources/resolve-resource.js';
import type { Job } from '../scheduler/scheduler.js';
import type { AppDeps } from '../slack/context.js';
import type { Route } from '../slack/health-routes.js';
import type { Subcommand } from '../slack/listeners/commands/subcommand.js';
import type { ListenerRoutes } from '../slack/listeners/router.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import type { Watcher } from '../watcher/watcher.js';

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
  resolver: ResourceResolver;
  access: AccessControl;
  audit: AuditLog;
  lastActions: LastActions;
  watcher: Watcher;
  /**
   * The bot's settings: `allowedEndpoints` (the endpoint rules' allow-list), `encryptionKeys` (to
   * seal what it stores secret, as the connections do). The replica's name is `watcher.options.holder`.
   */
  config: Config;
  /** The connections file (MIGRATE_BOT_CONNECTIONS), where `fileSection`s are read; undefined: none. */
  connectionsFile?: string;
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
export interface CapabilityDefinition<State> {
  /** Unique; names its fact on watch records (`WatchRecord.facts[name]`) and its jobs' prefix. */
  name: string;
  start(core: CapabilityCore): State;
  /** Its `/migrate` subcommands (help lists them after the core's, in this order). */
  subcommands?: readonly Subcommand[];
  /** Its buttons, modals, options and events, registered on the routes the core's surfaces use. */
  listeners?(routes: ListenerRoutes): void;
  /** Its timed work, on the bot's one scheduler (each job's name is prefixed with the capability's). */
  jobs?(state: State, core: CapabilityCore): readonly Job[];
  /**
   * Lines under the card's state line from its fact on the resource's watch (as written with
   * `watcher.notes.fact`), in the reader's language, for the resource as last observed. Pure, and mrkdwn: anything typed by a person
   * is escaped here.
   */
  cardLines?(fact: unknown, tr: Translator, now: number, resource: CardResource): string[];
  /**
   * Its own living post (a plan's card), drawn from the view it handed the watcher's one editor
   * (`watcher.capabilityPosts.show`), in the reader's language at send time. Pure, and escaped by it.
   */
  render?(view: unknown, tr: Translator, now: number): CapabilityRendered;
  /**
   * What it shows on a person's Home tab, as a view its `render` draws (undefined: nothing); read
   * from its store only, as the tab is built.
   */
  home?(state: State, who: { teamId: string; userId: string }): Promise<unknown>;
  /**
   * Checks a request to create a migration when it is made, at each approval (before the
   * decision's compare-and-set: what it takes, a quota's share, is released if the decision goes
   * elsewhere) and when its scheduled start is due: allow, refuse (the rule, why, how to get an
   * exception), or require more approvers.
   */
  checkRequest?(state: State, check: RequestCheck): Promise<GateOutcome>;
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
}

/** The watched resource a card is drawn for, as the watcher last observed it. */
export type CardResource = Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'state'>;

/** A capability with its state type sealed inside, so different ones sit in one list. */
export interface Capability {
  readonly name: string;
  readonly subcommands: readonly Subcommand[];
  listeners(routes: ListenerRoutes): void;
  cardLines(fact: unknown, tr: Translator, now: number, resource: CardResource): string[];
  /** Its living post drawn from its view; undefined when it has none. */
  render(view: unknown, tr: Translator, now: number): CapabilityRendered | undefined;
  /** The key of its connections-file section, if it has one. */
  readonly fileKey?: string;
  start(core: CapabilityCore): StartedCapability;
}

/** A capability's post as the sender takes it: text (the notification and fallback) and blocks. */
export interface CapabilityRendered {
  text: string;
  blocks?: unknown[];
  /**
   * A file that goes with the post when it is first posted (a report's CSV): uploaded after it
   * through the same sender, into the thread the draw names (else the post's own). Not on edits.
   */
  file?: { filename: string; title: string; text: string };
}

/** A capability once the bot has started it. */
export interface StartedCapability {
  readonly name: string;
  readonly state: unknown;
  jobs(): readonly Job[];
  home(who: { teamId: string; userId: string }): Promise<unknown>;
  checkRequest(check: RequestCheck): Promise<GateOutcome | undefined>;
  /** Parses its section (throws a ConfigError); the function returned applies it. */
  prepareSection(section: FileSection): () => void;
  routes(deps: AppDeps): readonly Route[];
  forgetWorkspace(teamId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where listeners find the started capabilities (`AppDeps.capabilities`). */
export interface CapabilityStates {
  stateOf(name: string): unknown;
}

export function defineCapability<State>(
  definition: CapabilityDefinition<State>,
): Capability & { of(deps: { capabilities: CapabilityStates }): State } {
  const { name } = definition;
  return {
    name,
    subcommands: definition.subcommands ?? [],
    listeners: (routes) => definition.listeners?.(routes),
    cardLines: (fact, tr, now, resource) =>
      definition.cardLines ? definition.cardLines(fact, tr, now, resource) : [],
    render: (view, tr, now) => definition.render?.(view, tr, now),
    ...(definition.fileSection ? { fileKey: definition.fileSection.key } : {}),
    start(core) {
      const state = definition.start(core);
      return {
        name,
        state,
        jobs: () =>
          (definition.jobs?.(state, core) ?? []).map((job) => ({ ...job, name: `${name}:${job.name}` })),
        home: async (who) => definition.home?.(state, who),
        checkRequest: async (check) => definition.checkRequest?.(state, check),
        prepareSection: (section) => {
          const reader = definition.fileSection;
          if (!reader) return () => {};
          const parsed = reader.parse(section);
          return () => reader.apply(state, parsed);
        },
        routes: (deps) => definition.routes?.(state, deps) ?? [],
        forgetWorkspace: async (teamId) => definition.forgetWorkspace?.(state, teamId),
        stop: async () => definition.stop?.(state),
      };
    },
    of: (deps) => deps.capabilities.stateOf(name) as State,
  };
}
