import { stringify } from 'yaml';
import type { Connection } from '../../src/connections/connection.js';
import { parseConnections } from '../../src/connections/load-connections-file.js';
import type { Simulator } from './kit.js';
import {
  randomSecret,
  SIM_STORAGE,
  type SimulatorConnection,
  type SimulatorLaunch,
  type SimulatorTimings,
} from './launch.js';
import { ObjectStoreSimulator } from './object-store/index.js';
import { type BuiltInSimulators, SIMULATORS } from './registry.js';

/** One simulator of a seeded run. */
export interface RunningSimulator extends SimulatorConnection {
  id: string;
  launch: SimulatorLaunch;
  simulator: Simulator;
  url: string;
}

export interface SeededSimulators {
  /** Every registered simulator, started and seeded, in registration order. */
  running: readonly RunningSimulator[];
  /** The simulator of provider `id`. */
  get<Id extends keyof BuiltInSimulators>(id: Id): BuiltInSimulators[Id];
  get(id: string): Simulator;
  /** Random per run: credential values keyed by the env names the connections file uses. */
  env: Record<string, string>;
  /** The S3-compatible store the connections' storage keys reach (source and destination buckets). */
  objects: ObjectStoreSimulator;
  /** The same connections as objects (secrets resolved), for in-process use. */
  connections: Connection[];
  /** The connections file text (secrets as env names). */
  connectionsYaml: string;
  stop(): Promise<void>;
}

/**
 * Every registered simulator (`./registry.ts`) on loopback, seeded with resources in many states,
 * with fresh random keys. `ports` by provider id (a free port for the others).
 */
export async function startSeededSimulators(
  ports: Readonly<Record<string, number | undefined>> = {},
  timings: SimulatorTimings = {},
  /** The object store's time (its objects' LastModified): a moved clock's, else real time. */
  now?: () => number,
): Promise<SeededSimulators> {
  const env: Record<string, string> = {
    SIM_SRC_AK: 'SIMSOURCEACCESSKEY',
    SIM_SRC_SK: randomSecret(),
    SIM_DST_AK: 'SIMDESTACCESSKEY',
    SIM_DST_SK: randomSecret(),
  };
  const running: RunningSimulator[] = [];
  const objects = new ObjectStoreSimulator({
    ...(now ? { now } : {}),
    keys: { [env.SIM_SRC_AK!]: { secret: env.SIM_SRC_SK! }, [env.SIM_DST_AK!]: { secret: env.SIM_DST_SK! } },
  });
  const stop = () =>
    Promise.all([...running.map((r) => r.simulator.stop()), objects.stop()]).then(() => undefined);
  try {
    await objects.start(ports['object-store']);
    for (const launch of SIMULATORS) {
      const own = launch.credentials();
      Object.assign(env, own);
      const simulator = await launch.start({ env: own, port: ports[launch.id], timings });
      running.push({
        id: launch.id,
        launch,
        simulator,
        url: simulator.url,
        ...launch.connectionFor(simulator, own),
      });
      launch.seed(simulator);
      launch.seedObjects?.(simulator as never, objects);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const connectionsYaml = stringify(
    {
      storageCredentials: {
        [SIM_STORAGE.source]: {
          accessKeyEnv: 'SIM_SRC_AK',
          secretKeyEnv: 'SIM_SRC_SK',
          endpoint: objects.url,
        },
        [SIM_STORAGE.destination]: {
          accessKeyEnv: 'SIM_DST_AK',
          secretKeyEnv: 'SIM_DST_SK',
          endpoint: objects.url,
        },
      },
      connections: running.map((r) => r.file),
    },
    { lineWidth: 0 },
  );
  // Read back as the bot reads the file, so the file and the objects can never disagree.
  const connections = parseConnections(connectionsYaml, 'the simulators', env);
  function get(id: string): Simulator {
    const found = running.find((r) => r.id === id);
    if (!found) throw new Error(`No simulator for "${id}" is running: is it in dev/simulators/registry.ts?`);
    return found.simulator;
  }
  return { running, get: get as SeededSimulators['get'], env, objects, connections, connectionsYaml, stop };
}

/** The fixed ports of `npm run simulators`, each moved by its environment variable. */
export function fixedPorts(env: Readonly<Record<string, string | undefined>>): Record<string, number> {
  return Object.fromEntries(SIMULATORS.map((s) => [s.id, Number(env[s.port.env] ?? s.port.default)]));
}

/** What runs where, a line per simulator. */
export function simulatorLines(sims: SeededSimulators): string[] {
  const width = Math.max(...sims.running.map((r) => r.id.length)) + 2;
  return sims.running.map((r) => `  ${r.id.padEnd(width)}${r.url}   (${r.launch.serves})`);
}
