import type { Translator } from '../i18n/translator.js';
import type { Job } from '../scheduler/scheduler.js';
import type { AppDeps } from '../slack/context.js';
import type { Route } from '../slack/health-routes.js';
import type { Subcommand } from '../slack/listeners/commands/subcommand.js';
import type { ListenerRoutes } from '../slack/listeners/router.js';
import type { Capability, CapabilityCore, CapabilityStates, StartedCapability } from './capability.js';

/**
 * The capabilities of one running bot: the registry's list (plus any a test adds), each started
 * once. The core asks this object, never a capability by name: the subcommands, the listeners, the
 * jobs, the lines of a card and what to forget at a workspace's departure.
 */
export class Capabilities implements CapabilityStates {
  readonly #list: readonly Capability[];
  readonly #started = new Map<string, StartedCapability>();

  constructor(list: readonly Capability[]) {
    const names = new Set<string>();
    for (const c of list) {
      if (names.has(c.name)) throw new Error(`capability ${c.name} listed twice`);
      names.add(c.name);
    }
    this.#list = list;
  }

  /** Builds each capability's state (once); before this only the static parts are read. */
  start(core: CapabilityCore): this {
    for (const c of this.#list) if (!this.#started.has(c.name)) this.#started.set(c.name, c.start(core));
    return this;
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

  registerListeners(routes: ListenerRoutes): void {
    for (const c of this.#list) c.listeners(routes);
  }

  jobs(): Job[] {
    return [...this.#started.values()].flatMap((c) => [...c.jobs()]);
  }

  /** Every started capability's HTTP routes (the bot serves them beside its health routes). */
  routes(deps: AppDeps): Route[] {
    return [...this.#started.values()].flatMap((c) => [...c.routes(deps)]);
  }

  /** Each capability's lines for a card, from its fact on the watch record, in the list's order. */
  cardLines(facts: Readonly<Record<string, unknown>> | undefined, tr: Translator, now: number): string[] {
    if (!facts) return [];
    return this.#list.flatMap((c) =>
      facts[c.name] === undefined ? [] : c.cardLines(facts[c.name], tr, now),
    );
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
