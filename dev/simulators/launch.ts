import { randomBytes } from 'node:crypto';
import type { Simulator } from './kit.js';
import type { ObjectStoreSimulator } from './object-store/index.js';

/** Delays the playground lengthens so a person can watch a change happen; a simulator takes those it has. */
export interface SimulatorTimings {
  /** Waiting → running. */
  scheduleDelayMs?: number;
  /** Pausing → paused. */
  pauseDelayMs?: number;
}

export interface SimulatorStartOptions {
  /** Its credentials for this run, by environment variable name (what `credentials()` made). */
  env: Readonly<Record<string, string>>;
  /** A loopback port; a free one when unset. */
  port?: number;
  timings?: SimulatorTimings;
}

/**
 * The shared object-storage credentials the connections file declares once (`storageCredentials`):
 * a connection's `storage` names them.
 */
export const SIM_STORAGE = { source: 'sim-src', destination: 'sim-dst' } as const;

/** A connections-file entry (the README's format): secrets only as environment variable names. */
export interface ConnectionsFileEntry {
  name: string;
  provider: string;
  endpoint: string;
  auth: { type: string } & Record<string, string>;
  storage?: { source?: string; destination?: string };
  [field: string]: unknown;
}

/** How a simulator is reached: as a connection of the connections file, and through `/migrate connect`. */
export interface SimulatorConnection {
  file: ConnectionsFileEntry;
  /** What `/migrate connect` asks for, filled in for this run (kept in the playground's 0600 info file). */
  connect: Record<string, string>;
}

/**
 * Everything the launchers (`npm run simulators`, the playground, tests) need to know about one
 * provider's simulator, exported by its folder (`dev/simulators/<id>/launch.ts`) and listed with one
 * line in `dev/simulators/registry.ts`, the way `src/providers/registry.ts` lists the client.
 */
export interface SimulatorLaunch<S extends Simulator = Simulator> {
  /** The provider id it answers for: its folder under `src/providers/` and `dev/simulators/`. */
  id: string;
  /** What it serves, for the banner of `npm run simulators`. */
  serves: string;
  /** The fixed port of `npm run simulators`, and the environment variable that moves it. */
  port: { env: string; default: number };
  /** Fresh random credentials for one run, by the environment variable names its connection uses. */
  credentials(): Record<string, string>;
  /** Starts it on loopback, accepting the credentials `options.env` holds. */
  start(options: SimulatorStartOptions): Promise<S>;
  /** Resources in many states, so a newcomer sees every state at once. */
  seed(simulator: S): void;
  /**
   * Its runs whose buckets "Check the buckets" can read, their objects put in the playground's
   * object store (some missing or different, as a run can leave them).
   */
  seedObjects?(simulator: S, store: ObjectStoreSimulator): void;
  /** Its connection (secrets as the environment variable names of `env`) and the connect form's values. */
  connectionFor(simulator: S, env: Readonly<Record<string, string>>): SimulatorConnection;
}

/**
 * Keeps the id's literal type, so the registry can say which simulator class each id starts
 * (`SeededSimulators.get('…')` is typed without a cast).
 */
export function defineSimulator<const Id extends string, S extends Simulator>(
  launch: SimulatorLaunch<S> & { id: Id },
): SimulatorLaunch<S> & { id: Id } {
  return launch;
}

/** A random secret of `bytes` bytes, hex. */
export function randomSecret(bytes = 20): string {
  return randomBytes(bytes).toString('hex');
}

/** A random access key id: `prefix` and upper-case hex. */
export function randomKeyId(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** The credential `name` of this run: one its own `credentials()` did not make is a mistake in the launch. */
export function credential(env: Readonly<Record<string, string>>, name: string): string {
  const value = env[name];
  if (value === undefined) throw new Error(`no simulator credential ${name} in this run`);
  return value;
}
