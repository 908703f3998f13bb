import type { App } from '@slack/bolt';
import type { ListenerRoutes } from '../../contract/listeners.js';

type Surface = keyof ListenerRoutes;
/** One registered listener, as the seam tests enumerate them. */
export interface EntryPoint {
  surface: Surface;
  /** What it answers: a command or event name, an action or callback id, a pattern's source, or `*`. */
  id: string;
}

const SURFACES: readonly Surface[] = [
  'command',
  'action',
  'view',
  'options',
  'shortcut',
  'event',
  'function',
];

/** The constraint that names what a registration answers, when it is given as an object. */
const ID_KEY: Partial<Record<Surface, string>> = {
  action: 'action_id',
  options: 'action_id',
  shortcut: 'callback_id',
  view: 'callback_id',
};

/**
 * Hands every registration to Bolt unchanged (Bolt matches and runs the listeners;
 * ADR 0009 retired our own router) and writes down what each one answers. Without an `app` it only
 * records: the seam tests list the app's entry points that way, so a listener added later without
 * a case in them fails.
 */
export class ListenerRegistry {
  readonly #entries: EntryPoint[] = [];
  readonly #patterns: RegExp[] = [];
  /** The registration side, handed to each surface's `register`. */
  readonly routes: ListenerRoutes;

  constructor(app?: App) {
    const routes: Record<string, (first: unknown, ...rest: unknown[]) => unknown> = {};
    for (const surface of SURFACES)
      routes[surface] = (first, ...rest) => {
        this.#entries.push({ surface, id: idOf(surface, first) });
        const pattern = patternOf(surface, first);
        if (pattern) this.#patterns.push(pattern);
        const register = app?.[surface] as ((...args: unknown[]) => unknown) | undefined;
        return register?.call(app, first, ...rest);
      };
    this.routes = routes as unknown as ListenerRoutes;
  }

  /** Every registration, in registration order: what the seam tests walk through. */
  entryPoints(): EntryPoint[] {
    return [...this.#entries];
  }

  /**
   * What the registrations answer: the ids and names given as text, and the patterns given as
   * such (the closed set of request labels on `/metrics` is made from them).
   */
  answers(): { names: string[]; patterns: RegExp[] } {
    const patterns = new Set(this.#patterns.map((p) => p.source));
    const names = this.#entries.map((e) => e.id).filter((id) => id !== '*' && !patterns.has(id));
    return { names: [...new Set(names)], patterns: [...this.#patterns] };
  }
}

function patternOf(surface: Surface, first: unknown): RegExp | undefined {
  const key = ID_KEY[surface];
  const pattern =
    first instanceof RegExp || key === undefined ? first : (first as Record<string, unknown>)?.[key];
  return pattern instanceof RegExp ? pattern : undefined;
}

function idOf(surface: Surface, first: unknown): string {
  const key = ID_KEY[surface];
  const pattern =
    typeof first === 'string' || first instanceof RegExp || key === undefined
      ? first
      : (first as Record<string, unknown> | undefined)?.[key];
  if (typeof pattern === 'string') return pattern;
  return pattern instanceof RegExp ? pattern.source : '*';
}
