import type { AccessControl } from '../access/access-control.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
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
   * `watcher.notes.fact`), in the reader's language. Pure, and mrkdwn: anything typed by a person
   * is escaped here.
   */
  cardLines?(fact: unknown, tr: Translator, now: number): string[];
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

/** A capability with its state type sealed inside, so different ones sit in one list. */
export interface Capability {
  readonly name: string;
  readonly subcommands: readonly Subcommand[];
  listeners(routes: ListenerRoutes): void;
  cardLines(fact: unknown, tr: Translator, now: number): string[];
  start(core: CapabilityCore): StartedCapability;
}

/** A capability once the bot has started it. */
export interface StartedCapability {
  readonly name: string;
  readonly state: unknown;
  jobs(): readonly Job[];
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
    cardLines: (fact, tr, now) => (definition.cardLines ? definition.cardLines(fact, tr, now) : []),
    start(core) {
      const state = definition.start(core);
      return {
        name,
        state,
        jobs: () =>
          (definition.jobs?.(state, core) ?? []).map((job) => ({ ...job, name: `${name}:${job.name}` })),
        routes: (deps) => definition.routes?.(state, deps) ?? [],
        forgetWorkspace: async (teamId) => definition.forgetWorkspace?.(state, teamId),
        stop: async () => definition.stop?.(state),
      };
    },
    of: (deps) => deps.capabilities.stateOf(name) as State,
  };
}
