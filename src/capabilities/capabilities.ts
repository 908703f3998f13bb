import { readFileSections } from '../connections/file-sections.js';
import type { NormalizedState } from '../domain/migration-resource.js';
import { joinWords } from '../i18n/joined-words.js';
import type { Translator } from '../i18n/translator.js';
import type { FormValues } from '../providers/definition.js';
import type { ActedVia, LastAction } from '../resources/last-actions.js';
import type { Job } from '../scheduler/scheduler.js';
import type { AppDeps } from '../slack/context.js';
import type { Route } from '../slack/health-routes.js';
import type { Subcommand } from '../slack/listeners/commands/subcommand.js';
import type { ListenerRoutes } from '../slack/listeners/router.js';
import { failureHeld } from '../watcher/outbox/capability-facts.js';
import type { CardFacts } from '../watcher/outbox/notification.js';
import type {
  ApiRead,
  Capability,
  CapabilityCore,
  CapabilityStates,
  StartedCapability,
} from './capability.js';
import type {
  CoreApprovals,
  CreateFieldsRead,
  CreateFormContext,
  CreateFormRead,
  CreateSubmission,
  CreateSubmitWords,
  CreateTake,
} from './create-form-part.js';
import type {
  CapabilityButton,
  CapabilityRendered,
  CardResource,
  PostAdditions,
  VerifiedRun,
} from './drawing-hooks.js';
import type { GateOutcome, Refusal, RequestCheck, RequestGate, RequestSettled } from './request-gate.js';
import type { SettingsSection } from './settings-section.js';

/**
 * The capabilities of one running bot: the registry's list (plus any a test adds), each started
 * once. The core asks this object, never a capability by name: the subcommands, the listeners, the
 * jobs, the lines of a card and what to forget at a workspace's departure.
 */
export class Capabilities implements CapabilityStates, RequestGate {
  readonly #list: readonly Capability[];
  readonly #started = new Map<string, StartedCapability>();
  /** What every capability adds to another's post as it is drawn. */
  readonly #additions: PostAdditions = {
    verificationButtons: (run, tr) => this.verificationButtons(run, tr),
  };

  constructor(list: readonly Capability[]) {
    const names = new Set<string>();
    for (const c of list) {
      if (names.has(c.name)) throw new Error(`capability ${c.name} listed twice`);
      names.add(c.name);
    }
    this.#list = list;
    // The bot's translators say their words too, for keys stored before they moved into them.
    joinWords(list.flatMap((c) => (c.words ? [c.words] : [])));
  }

  /** Builds each capability's state (once); before this only the static parts are read. */
  start(given: CapabilityCore): this {
    // A capability starting a migration by itself asks every capability, as the approvals do; it
    // reaches the approvals through the capability that offers them, whichever starts first.
    const core: CapabilityCore = {
      ...given,
      gate: given.gate ?? this,
      approvals: given.approvals ?? this.#lateApprovals(),
    };
    for (const c of this.#list) if (!this.#started.has(c.name)) this.#started.set(c.name, c.start(core));
    // A malformed section stops the start-up, with its line and reason.
    this.prepareFile(core.connectionsFile)();
    return this;
  }

  /** The top-level keys of the connections file that capabilities read. */
  fileKeys(): string[] {
    return this.#list.flatMap((c) => (c.fileKey ? [c.fileKey] : []));
  }

  /**
   * Parses every capability's section of the connections file (a ConfigError names the first
   * malformed one's line and reason); the function returned applies them all, so none changes
   * unless all parsed.
   */
  prepareFile(file: string | undefined): () => void {
    const keys = this.fileKeys();
    if (!file || keys.length === 0) return () => {};
    const sections = new Map(readFileSections(file, keys).map((s) => [s.key, s]));
    const applies = this.#list.flatMap((c) => {
      const section = c.fileKey ? sections.get(c.fileKey) : undefined;
      const started = this.#started.get(c.name);
      return section && started ? [started.prepareSection(section)] : [];
    });
    return () => {
      for (const apply of applies) apply();
    };
  }

  /**
   * Every capability's check of a request: the first refusal wins (what the others took is given
   * back), and the most approvers any asks for.
   */
  async check(check: RequestCheck): Promise<GateOutcome> {
    const outcomes: GateOutcome[] = [];
    const release = async () => {
      for (const o of outcomes) await o.release();
    };
    for (const c of this.#started.values()) {
      const outcome = await c.checkRequest(check).catch(async (error: unknown) => {
        await release();
        throw error;
      });
      if (!outcome) continue;
      if (outcome.refusal) {
        await release();
        return { refusal: outcome.refusal, release: outcome.release };
      }
      outcomes.push(outcome);
    }
    const needs = outcomes
      .map((o) => o.needs)
      .filter((n) => n !== undefined)
      .sort((a, b) => b.approvers - a.approvers)[0];
    const said = outcomes.find((o) => o.said)?.said;
    const ticket = outcomes.find((o) => o.ticket)?.ticket;
    return { ...(needs ? { needs } : {}), ...(ticket ? { ticket } : {}), ...(said ? { said } : {}), release };
  }

  /** Tells every capability an approved request settled; one that fails is logged, the others told. */
  async settled(check: RequestCheck, how: RequestSettled): Promise<void> {
    for (const c of this.#started.values()) await c.settledRequest(check, how).catch(() => undefined);
  }

  /** The first refusal any capability can tell from a form's values alone (a dry run). */
  async precheck(check: RequestCheck): Promise<Refusal | undefined> {
    for (const c of this.#started.values()) {
      const refusal = await c.precheckRequest(check);
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** Every capability's explanation of the values, in the registry's order. */
  async explain(check: RequestCheck, tr: Translator): Promise<string[]> {
    const lines: string[] = [];
    for (const c of this.#started.values()) lines.push(...(await c.explainRequest(check, tr)));
    return lines;
  }

  names(): string[] {
    return this.#list.map((c) => c.name);
  }

  stateOf(name: string): unknown {
    const started = this.#started.get(name);
    if (!started) throw new Error(`capability ${name} is not started`);
    return started.state;
  }

  subcommands(): Subcommand[] {
    return this.#list.flatMap((c) => c.subcommands);
  }

  /** Their sections of `/migrate settings`, in the list's order. */
  settingsSections(): SettingsSection[] {
    return this.#list.flatMap((c) => c.settingsSections);
  }

  registerListeners(routes: ListenerRoutes, deps: AppDeps): void {
    for (const c of this.#list) c.listeners(routes, deps);
  }

  /**
   * The approvals, as the capability that decides requests to create offers them: the core's
   * create form and workflow step hand their requests here.
   */
  approvals(): CoreApprovals {
    for (const c of this.#started.values()) {
      const offered = c.approvals();
      if (offered) return offered;
    }
    throw new Error('no started capability decides requests to create');
  }

  /** `approvals()` asked at each call, so a capability started before the approvals may hold it. */
  #lateApprovals(): CoreApprovals {
    return {
      request: (input) => this.approvals().request(input),
      admitApproved: (record) => this.approvals().admitApproved(record),
      startDue: () => this.approvals().startDue(),
      find: (team, id) => this.approvals().find(team, id),
      pendingCount: () => this.approvals().pendingCount(),
    };
  }

  jobs(): Job[] {
    return [...this.#started.values()].flatMap((c) => [...c.jobs()]);
  }

  apiReads(): ApiRead[] {
    return [...this.#started.values()].flatMap((c) => [...c.apiReads()]);
  }

  /** Every started capability's HTTP routes (the bot serves them beside its health routes). */
  routes(deps: AppDeps): Route[] {
    return [...this.#started.values()].flatMap((c) => [...c.routes(deps)]);
  }

  /** Each capability's lines for a card, from its fact on the watch record, in the list's order. */
  cardLines(
    facts: Readonly<Record<string, unknown>> | undefined,
    tr: Translator,
    now: number,
    resource: CardResource,
  ): string[] {
    return this.#drawnFrom(facts, (c, fact) => c.cardLines(fact, tr, now, resource));
  }

  /**
   * Every capability's facts of resources nobody need watch (a status card, a list's rows), by
   * `connection:id` and then capability name, read from their stores; a capability that fails to
   * read adds nothing (the card is drawn without its lines, never refused for it).
   */
  async factsOf(
    team: string,
    resources: readonly CardResource[],
    now: number,
  ): Promise<Map<string, Record<string, unknown>>> {
    const byRef = new Map<string, Record<string, unknown>>();
    const read = await Promise.all(
      [...this.#started.values()].map(
        async (c) => [c.name, await c.factsOf(team, resources, now).catch(() => new Map())] as const,
      ),
    );
    for (const [name, facts] of read) {
      for (const [ref, fact] of facts) {
        if (fact !== undefined) byRef.set(ref, { ...byRef.get(ref), [name]: fact });
      }
    }
    return byRef;
  }

  /** Each capability's sentence in a card's notice from its fact on the card, in the list's order. */
  cardNotices(card: CardFacts, tr: Translator): string[] {
    return this.#drawnFrom(card.facts, (c, fact) => one(c.cardNotice(fact, tr, card)));
  }

  /** Each capability's buttons on a resource's card and posts from its fact (or none), in the list's order. */
  cardButtons(
    facts: Readonly<Record<string, unknown>> | undefined,
    tr: Translator,
    resource: CardResource,
  ): CapabilityButton[] {
    // While a capability holds the failure (a retry is due), only its buttons say what happens next.
    const held = resource.state === 'failed' && failureHeld(facts);
    return this.#list.flatMap((c) =>
      held && !failureHeld({ [c.name]: facts?.[c.name] }) ? [] : c.cardButtons(facts?.[c.name], tr, resource),
    );
  }

  /** Each capability's lines in a completion report from its fact as the run ended, in the list's order. */
  reportLines(facts: Readonly<Record<string, unknown>> | undefined, tr: Translator): string[] {
    return this.#drawnFrom(facts, (c, fact) => c.reportLines(fact, tr));
  }

  /** Each capability's line under a failure from what its fact says of it (`failureFacts`), in the list's order. */
  failureLines(facts: Readonly<Record<string, unknown>> | undefined, tr: Translator): string[] {
    return this.#drawnFrom(facts, (c, fact) => one(c.failureLine(fact, tr)));
  }

  /** The card's line of an action the capability `last.via` names took by its timed work (else none). */
  actedLine(last: LastAction, state: NormalizedState, tr: Translator): string | undefined {
    const via = last.via;
    return via && this.#list.find((c) => c.name === via.capability)?.actedLine(via.said, last, state, tr);
  }

  /** An event reply's attribution of an action the capability `via` names took (else none). */
  actedBy(via: ActedVia, by: string, tr: Translator): string | undefined {
    return this.#list.find((c) => c.name === via.capability)?.actedBy(via.said, by, tr);
  }

  /** Each capability's line under a list's or Home's row, in the list's order. */
  rowLines(
    facts: Readonly<Record<string, unknown>> | undefined,
    tr: Translator,
    now: number,
    resource: CardResource,
  ): string[] {
    return this.#drawnFrom(facts, (c, fact) => one(c.rowLine(fact, tr, now, resource)));
  }

  /** What each capability with a fact in `facts` draws from it, in the list's order. */
  #drawnFrom(
    facts: Readonly<Record<string, unknown>> | undefined,
    draw: (c: Capability, fact: unknown) => readonly string[],
  ): string[] {
    if (!facts) return [];
    return this.#list.flatMap((c) => (facts[c.name] === undefined ? [] : draw(c, facts[c.name])));
  }

  /** The fields every capability adds to a create form, in the registry's order. */
  createFields(tr: Translator, values: FormValues, form: CreateFormContext): unknown[] {
    return this.#list.flatMap((c) => c.createFields(tr, values, form));
  }

  /** The blocks every capability adds under a create form's inputs, in the registry's order. */
  createActions(tr: Translator): unknown[] {
    return this.#list.flatMap((c) => c.createActions(tr));
  }

  /** What submitting the form does, when a capability takes it instead of the approvals (the first that says). */
  createSubmit(tr: Translator, values: FormValues): CreateSubmitWords | undefined {
    for (const c of this.#list) {
      const words = c.createSubmit(tr, values);
      if (words) return words;
    }
    return undefined;
  }

  /** Every capability's fields of a submitted create form: their problems, and what they add to the request. */
  readCreate(values: FormValues, form: CreateFormRead): Required<CreateFieldsRead> {
    const reads = this.#list.map((c) => c.readCreate(values, form));
    return {
      errors: Object.assign({}, ...reads.map((r) => r.errors)),
      request: Object.assign({}, ...reads.map((r) => r.request)),
    };
  }

  /** The first capability that takes a create submission as its own (a field of its filled), or undefined. */
  async takeCreate(submission: CreateSubmission): Promise<CreateTake | undefined> {
    for (const c of this.#started.values()) {
      const taken = await c.takeCreate(submission);
      if (taken) return taken;
    }
    return undefined;
  }

  /** Each capability's buttons under a finished run's verification post, in the list's order. */
  verificationButtons(run: VerifiedRun, tr: Translator): CapabilityButton[] {
    return this.#list.flatMap((c) => c.verificationButtons(run, tr));
  }

  /** The living post of capability `name` drawn from `view` (undefined: no such capability or post). */
  render(name: string, view: unknown, tr: Translator, now: number): CapabilityRendered | undefined {
    return this.#list.find((c) => c.name === name)?.render(view, tr, now, this.#additions);
  }

  /** A note capability `name` wrote about a resource, drawn by it (undefined: it draws none). */
  renderNote(name: string, note: unknown, tr: Translator, now: number): CapabilityRendered | undefined {
    return this.#list.find((c) => c.name === name)?.renderNote(note, tr, now);
  }

  /**
   * The blocks each capability draws on a person's Home tab, in the registry's order: `first` those
   * that lead it (`homeFirst`), `after` the others (each parted from the one before by a divider); one that cannot say (a store error) is left out,
   * so the tab still opens.
   */
  async homeBlocks(
    who: { teamId: string; userId: string },
    tr: Translator,
    now: number,
  ): Promise<{ first: unknown[]; after: unknown[] }> {
    const drawn = { first: [] as unknown[], after: [] as unknown[] };
    for (const c of this.#list) {
      const started = this.#started.get(c.name);
      const view = await started?.home(who).catch(() => undefined);
      const blocks = view === undefined ? [] : (c.render(view, tr, now, this.#additions)?.blocks ?? []);
      if (blocks.length === 0) continue;
      // The sections after the rows are parted by a divider, as the tab parts its own.
      if (!c.homeFirst && drawn.after.length > 0) drawn.after.push({ type: 'divider' });
      drawn[c.homeFirst ? 'first' : 'after'].push(...blocks);
    }
    return drawn;
  }

  /** Every capability's data of a departed workspace; every one is tried, the first failure thrown. */
  async forgetWorkspace(teamId: string): Promise<void> {
    const failures: unknown[] = [];
    for (const c of this.#started.values())
      await c.forgetWorkspace(teamId).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  async stop(): Promise<void> {
    for (const c of this.#started.values()) await c.stop().catch(() => undefined);
  }
}

/** A line drawn, as a list: none when it is absent or empty. */
const one = (line: string | undefined): string[] => (line ? [line] : []);
