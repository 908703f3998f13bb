import type { NormalizedState } from '../domain/migration-resource.js';
import type { Translator } from '../i18n/translator.js';
import type { CapabilityButton, CapabilityRendered, CardResource, VerifiedRun } from './card.js';
import type { ListFilter } from './commands.js';
import type { ActedVia, AppDeps, CardFacts, FormValues, Job, LastAction } from './core-types.js';
import type {
  CoreApprovals,
  CreateFieldsRead,
  CreateFormContext,
  CreateFormRead,
  CreateSubmission,
  CreateSubmitWords,
  CreateTake,
} from './create-form.js';
import type { GateOutcome, Refusal, RequestCheck, RequestGate, RequestSettled } from './gate.js';
import type { ApiRead, Route } from './http.js';
import type { ListenerRoutes } from './listeners.js';
import type { SettingsSection } from './settings-section.js';
import type { Subcommand } from './subcommand.js';

type Facts = Readonly<Record<string, unknown>> | undefined;

/**
 * The bot's capabilities once started, as the core asks them (`AppDeps.capabilities`): one seam
 * at a time, each answered by its collector (`capabilities/collect/`), in the registry's order.
 */
export interface StartedCapabilities
  extends CommandsSeam,
    CardSeam,
    PostsSeam,
    GateSeam,
    CreateFormSeam,
    HttpSeam {
  names(): string[];
  /** A capability's state, for its own helpers that find it by name. */
  stateOf(name: string): unknown;
  registerListeners(routes: ListenerRoutes, deps: AppDeps): void;
  jobs(): Job[];
  /** Parses every `file` part's section (a ConfigError names the first bad one); the function applies them. */
  prepareFile(file: string | undefined): () => void;
  /** Every capability's data of a departed workspace; every one is tried, the first failure thrown. */
  forgetWorkspace(teamId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface CommandsSeam {
  subcommands(): Subcommand[];
  listFilters(): ListFilter[];
  settingsSections(): SettingsSection[];
}

export interface CardSeam {
  cardLines(facts: Facts, tr: Translator, now: number, resource: CardResource): string[];
  factsOf(
    team: string,
    resources: readonly CardResource[],
    now: number,
  ): Promise<Map<string, Record<string, unknown>>>;
  cardNotices(card: CardFacts, tr: Translator): string[];
  cardButtons(facts: Facts, tr: Translator, resource: CardResource): CapabilityButton[];
  failureLines(facts: Facts, tr: Translator): string[];
  actedLine(last: LastAction, state: NormalizedState, tr: Translator): string | undefined;
  actedBy(via: ActedVia, by: string, tr: Translator): string | undefined;
  rowLines(facts: Facts, tr: Translator, now: number, resource: CardResource): string[];
  renderNote(name: string, note: unknown, tr: Translator, now: number): CapabilityRendered | undefined;
}

export interface PostsSeam {
  verificationButtons(run: VerifiedRun, tr: Translator): CapabilityButton[];
  render(name: string, view: unknown, tr: Translator, now: number): CapabilityRendered | undefined;
  homeBlocks(
    who: { teamId: string; userId: string },
    tr: Translator,
    now: number,
  ): Promise<{ first: unknown[]; after: unknown[] }>;
}

export interface GateSeam extends RequestGate {
  precheck(check: RequestCheck): Promise<Refusal | undefined>;
  check(check: RequestCheck): Promise<GateOutcome>;
  settled(check: RequestCheck, how: RequestSettled): Promise<void>;
  explain(check: RequestCheck, tr: Translator): Promise<string[]>;
  /** The approvals, as the capability that decides requests to create offers them. */
  approvals(): CoreApprovals;
}

export interface CreateFormSeam {
  createFields(tr: Translator, values: FormValues, form: CreateFormContext): unknown[];
  createActions(tr: Translator): unknown[];
  createSubmit(tr: Translator, values: FormValues): CreateSubmitWords | undefined;
  readCreate(values: FormValues, form: CreateFormRead): Required<CreateFieldsRead>;
  takeCreate(submission: CreateSubmission): Promise<CreateTake | undefined>;
}

export interface HttpSeam {
  apiReads(): ApiRead[];
  routes(deps: AppDeps): Route[];
}
