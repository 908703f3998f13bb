import type { Registry } from 'prom-client';
import type { Words } from '../i18n/words.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import type { RestoredFrom } from '../store/backup-marks.js';
import type { Store } from '../store/create-store.js';
import type { CardPart, PostsPart } from './card.js';
import type { CommandsPart } from './commands.js';
import type {
  AccessControl,
  AppDeps,
  AuditLog,
  Clock,
  Config,
  ConnectionRegistry,
  FileSection,
  Job,
  Logger,
  ResourceServices,
  SecretRegistry,
  SettingsStore,
  SlackLocales,
  SlackSender,
  Watcher,
} from './core-types.js';
import type { CoreApprovals, CreateFormPart } from './create-form.js';
import type { GatePart, RequestGate } from './gate.js';
import type { HttpPart } from './http.js';
import type { ListenerRoutes } from './listeners.js';
import type { WatchPart } from './watch.js';

/**
 * One feature of the bot in one folder, listed once in `capabilities/registry.ts`: its name, its
 * words, and `start`, which builds its state once per bot and hands the core its parts (closing
 * over that state). The core reads the parts through one collector per seam and names no capability.
 */
export interface Capability {
  /** Unique; names its fact on watch records (`WatchRecord.facts[name]`) and prefixes its jobs. */
  readonly name: string;
  /** Its sentences in every language (`words/<locale>.json`, keys prefixed with its name). */
  readonly words?: Words;
  /** Key prefixes its words may start with beside its name's (ADR 0021: the names keys had). */
  readonly wordPrefixes?: readonly string[];
  /** The capabilities it uses (by name): each is listed before it and started first. */
  readonly needs?: readonly string[];
  /**
   * The top-level key of the connections file it reads (`file` part): known before `start`, as
   * the file is loaded before capabilities start.
   */
  readonly fileKey?: string;
  start(core: CapabilityCore): CapabilityParts;
}

/** What a started capability hands the core: at most a dozen groups, each optional. */
export interface CapabilityParts {
  /** Its state, where its own helpers still find it by name (`deps.capabilities.stateOf`). */
  state?: unknown;
  commands?: CommandsPart;
  /**
   * Its buttons, modals, options and events, registered on the routes the core's surfaces use;
   * `deps` are the bot's, for a modal's submission (it has no handler context of its own).
   */
  listeners?(routes: ListenerRoutes, deps: AppDeps): void;
  /** Its timed work on the bot's one scheduler (each name is prefixed with the capability's). */
  jobs?: readonly Job[];
  card?: CardPart;
  posts?: PostsPart;
  gate?: GatePart;
  /** Its fields on the create form, and what it does with a submission that fills them. */
  createForm?: CreateFormPart;
  http?: HttpPart;
  file?: FilePart;
  watch?: WatchPart;
  cleanup?: CleanupPart;
}

/**
 * Its section of the connections file (`Capability.fileKey`; reviewed like code, read again on
 * SIGHUP): `parse` refuses a malformed one with its line and reason (a `ConfigError`), and only a
 * section that parsed is applied, so the running one stays when a reload is refused.
 */
export interface FilePart {
  parse(section: FileSection): unknown;
  apply(parsed: unknown): void;
}

export interface CleanupPart {
  /** Deletes what it keeps about a workspace that uninstalled the app (idempotent; run first). */
  forgetWorkspace?(teamId: string): Promise<void>;
  /** Lets go of what it holds when the bot stops. */
  stop?(): Promise<void>;
}

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
  /** The bot's settings (`allowedEndpoints`, `encryptionKeys`); the replica is `watcher.options.holder`. */
  config: Config;
  /** The connections file (MIGRATE_BOT_CONNECTIONS), where `file` parts are read; undefined: none. */
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
