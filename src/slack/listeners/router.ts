import {
  type AllMiddlewareArgs,
  type AnyMiddlewareArgs,
  type App,
  type Context,
  type Middleware,
  MultipleListenerError,
} from '@slack/bolt';

/**
 * What the surface files register listeners on: the subset of Bolt's `App` they use, with Bolt's
 * own signatures, so a listener is typed exactly as it would be on `app`.
 */
export type ListenerRoutes = Pick<
  App,
  'command' | 'action' | 'view' | 'options' | 'shortcut' | 'event' | 'function'
>;

type RoutedArgs = AnyMiddlewareArgs & AllMiddlewareArgs & Record<string, unknown>;
type Listener = (args: RoutedArgs) => Promise<void> | void;
type Pattern = string | RegExp;
type Constraints = { action_id?: Pattern; block_id?: Pattern; callback_id?: Pattern; type?: string };

interface Route {
  matches(args: RoutedArgs): boolean;
  listener: Listener;
  /** What it answers, for `entryPoints`: a command or event name, an action or callback id, a pattern. */
  id: string;
  /** A custom workflow step (a `function_executed` event with this callback id). */
  step: boolean;
}

type Surface = 'command' | 'action' | 'view' | 'options' | 'shortcut' | 'event';

/** One registered listener, as the seam tests enumerate them. */
export interface EntryPoint {
  surface: Surface | 'function';
  id: string;
}

/**
 * Our own routing behind one Bolt listener per surface. Bolt runs the middleware chain of every
 * registration for every request (two middleware calls and a copy of the arguments each, ~28
 * registrations), which was about 8 % of the bot's CPU under a burst; here a request is matched
 * against the routes of its own surface only. Matching is Bolt's (`matchConstraints`,
 * `matchCommandName`, `matchEventType`, `CustomFunction`): the same constraints select the same
 * listeners, every matching listener runs, and their errors reach `app.error` as Bolt's would.
 */
export class ListenerRouter {
  readonly #routes: Record<Surface, Route[]> = {
    command: [],
    action: [],
    view: [],
    options: [],
    shortcut: [],
    event: [],
  };

  /** The registration side, handed to each surface's `register`. */
  readonly routes: ListenerRoutes = {
    command: (name: Pattern, ...listeners: Listener[]) =>
      this.#add('command', idOf(name), listeners, ({ command }) =>
        matchesPattern(name, (command as { command: string }).command),
      ),
    action: (constraints: Pattern | Constraints, ...listeners: Listener[]) => {
      const given = asConstraints(constraints, 'action_id');
      this.#add('action', idOf(given.action_id), listeners, constraintMatcher(given));
    },
    options: (constraints: Pattern | Constraints, ...listeners: Listener[]) => {
      const given = asConstraints(constraints, 'action_id');
      this.#add('options', idOf(given.action_id), listeners, constraintMatcher(given));
    },
    shortcut: (constraints: Pattern | Constraints, ...listeners: Listener[]) => {
      const given = asConstraints(constraints, 'callback_id');
      this.#add('shortcut', idOf(given.callback_id), listeners, constraintMatcher(given));
    },
    // As Bolt: a callback id alone means a submission (not `view_closed`).
    view: (constraints: Pattern | Constraints, ...listeners: Listener[]) => {
      const given = isPattern(constraints)
        ? { callback_id: constraints, type: 'view_submission' }
        : constraints;
      this.#add('view', idOf(given.callback_id), listeners, constraintMatcher(given));
    },
    event: (name: Pattern, ...listeners: Listener[]) =>
      this.#add('event', idOf(name), listeners, eventMatcher(name)),
    function: (callbackId: string, ...optionsOrListeners: (Listener | { autoAcknowledge: boolean })[]) => {
      const options = typeof optionsOrListeners[0] === 'function' ? undefined : optionsOrListeners.shift();
      const autoAcknowledge = (options as { autoAcknowledge?: boolean } | undefined)?.autoAcknowledge ?? true;
      const [listener, ...rest] = optionsOrListeners as Listener[];
      this.#add(
        'event',
        callbackId,
        [listener!, ...rest],
        functionMatcher(callbackId),
        autoAcknowledge,
        true,
      );
      return undefined as never;
    },
  } as unknown as ListenerRoutes;

  /** Registers one Bolt listener per surface that has routes; Bolt's own filter picks the surface. */
  mount(app: App): void {
    const r = this.#routes;
    // A pattern that matches every name: the routes below do the matching.
    const any = /(?:)/;
    if (r.command.length) app.command(any, this.#dispatcher(r.command));
    if (r.action.length) app.action({}, this.#dispatcher(r.action));
    if (r.view.length) app.view({}, this.#dispatcher(r.view));
    if (r.options.length) app.options({}, this.#dispatcher(r.options));
    if (r.shortcut.length) app.shortcut({}, this.#dispatcher(r.shortcut));
    if (r.event.length) app.event(any, this.#dispatcher(r.event));
  }

  /** Every registered listener, in registration order: what the seam tests walk through. */
  entryPoints(): EntryPoint[] {
    return Object.entries(this.#routes).flatMap(([surface, routes]) =>
      routes.map((route) => ({ surface: route.step ? 'function' : (surface as Surface), id: route.id })),
    );
  }

  #add(
    surface: Surface,
    id: string,
    listeners: Listener[],
    matches: Route['matches'],
    autoAcknowledge = false,
    step = false,
  ): void {
    // One listener per registration: our surfaces have no per-listener middleware to chain.
    if (listeners.length !== 1 || typeof listeners[0] !== 'function')
      throw new Error(`a ${surface} route takes exactly one listener`);
    const given = listeners[0];
    const listener: Listener = autoAcknowledge
      ? async (args) => {
          // Bolt's `autoAcknowledge` for custom functions: ack first, then the listener.
          if ('ack' in args && args.ack !== undefined) await (args.ack as () => Promise<void>)();
          await given(args);
        }
      : given;
    this.#routes[surface].push({ matches, listener, id, step });
  }

  /** Bolt's listener for one surface (typed as whatever that surface's listeners take). */
  #dispatcher<Args>(routes: readonly Route[]): Middleware<Args> {
    return async (given): Promise<void> => {
      const args = given as unknown as RoutedArgs;
      const matched = routes.filter((route) => route.matches(args));
      // The usual case: Bolt already gave this listener its own copy of the arguments.
      if (matched.length <= 1) return void (await matched[0]?.listener(args));
      // Several: each gets its own copy, all run, and failures are reported as Bolt reports them.
      const settled = await Promise.allSettled(matched.map((route) => route.listener({ ...args })));
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new MultipleListenerError(failures);
    };
  }
}

function idOf(pattern: Pattern | undefined): string {
  return pattern === undefined ? '*' : typeof pattern === 'string' ? pattern : pattern.source;
}

function isPattern(value: unknown): value is Pattern {
  return typeof value === 'string' || value instanceof RegExp;
}

function asConstraints(value: Pattern | Constraints, key: 'action_id' | 'callback_id'): Constraints {
  return isPattern(value) ? { [key]: value } : value;
}

function matchesPattern(pattern: Pattern, candidate: string): boolean {
  return typeof pattern === 'string' ? pattern === candidate : pattern.test(candidate);
}

/**
 * A string must be equal, a RegExp must match (its matches go to `context`, as Bolt puts them).
 * Undefined when it does not match.
 */
function matchOf(pattern: Pattern, value: string): RegExpMatchArray | true | undefined {
  if (typeof pattern === 'string') return pattern === value ? true : undefined;
  return value.match(pattern) ?? undefined;
}

/** Bolt's `matchConstraints`, synchronous. */
function constraintMatcher(constraints: Constraints): Route['matches'] {
  return ({ payload, body, context }) => {
    const fields = payload as { action_id?: string; block_id?: string };
    const ctx = context as Context;
    if ('block_id' in constraints || 'action_id' in constraints) {
      if (fields.action_id === undefined) return false;
      if (constraints.block_id !== undefined) {
        const found = matchOf(constraints.block_id, fields.block_id as string);
        if (!found) return false;
        if (found !== true) ctx.blockIdMatches = found;
      }
      if (constraints.action_id !== undefined) {
        const found = matchOf(constraints.action_id, fields.action_id);
        if (!found) return false;
        if (found !== true) ctx.actionIdMatches = found;
      }
    }
    const request = body as { view?: { callback_id: string }; callback_id?: string; type?: string };
    if (constraints.callback_id !== undefined) {
      const callbackId =
        request.view !== undefined
          ? request.view.callback_id
          : request.callback_id !== undefined
            ? request.callback_id
            : undefined;
      if (callbackId === undefined) return false;
      const found = matchOf(constraints.callback_id, callbackId);
      if (!found) return false;
      if (found !== true) ctx.callbackIdMatches = found;
    }
    return !('type' in constraints) || request.type === constraints.type;
  };
}

/** Bolt's `matchEventType`. */
function eventMatcher(name: Pattern): Route['matches'] {
  return (args) => {
    const type = (args.event as { type?: string } | undefined)?.type;
    if (type === undefined) return false;
    const found = matchOf(name, type);
    if (found && found !== true) (args.context as Context).matches = found;
    return found !== undefined;
  };
}

/** Bolt's `CustomFunction`: a `function_executed` event with this step's callback id. */
function functionMatcher(callbackId: string): Route['matches'] {
  return (args) => {
    const event = args.event as { type?: string; function?: { callback_id?: string } } | undefined;
    return event?.type === 'function_executed' && event.function?.callback_id === callbackId;
  };
}
