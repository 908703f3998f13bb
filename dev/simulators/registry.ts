import { omsLaunch } from './huawei-oms/launch.js';
import type { Simulator } from './kit.js';
import type { SimulatorLaunch } from './launch.js';
import { ncpLaunch } from './ncp/launch.js';
import { upcloudLaunch } from './upcloud/launch.js';

/**
 * One line per folder under `dev/simulators/`, as `src/providers/registry.ts` has one per client:
 * `npm run simulators`, the seeded simulators, the playground and the tests start what is listed here.
 */
const BUILT_IN = [omsLaunch, ncpLaunch, upcloudLaunch] as const;

/** The simulator class each built-in id starts, for typed access (`SeededSimulators.get`). */
export type BuiltInSimulators = {
  [L in (typeof BUILT_IN)[number] as L['id']]: L extends SimulatorLaunch<infer S> ? S : never;
};

/** The registered simulators, in registration order (the same array grows when one is registered). */
export const SIMULATORS: SimulatorLaunch[] = [];

/** Adds a simulator; tests register their own the same way the built-in ones are. */
export function registerSimulator<S extends Simulator>(launch: SimulatorLaunch<S>): void {
  if (SIMULATORS.some((s) => s.id === launch.id))
    throw new Error(`A simulator for "${launch.id}" is registered twice.`);
  SIMULATORS.push(launch as unknown as SimulatorLaunch);
}

for (const launch of BUILT_IN) registerSimulator<Simulator>(launch);
