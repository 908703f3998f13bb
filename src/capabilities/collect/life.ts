import type { StartedCapabilities } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

type Life = Pick<
  StartedCapabilities,
  'names' | 'stateOf' | 'registerListeners' | 'jobs' | 'forgetWorkspace' | 'stop'
>;

/** Their names, states, listeners, jobs, and what they let go of at a departure and at the end. */
export function collectLife(list: StartedList): Life {
  return {
    names: () => list.list.map((c) => c.name),
    stateOf(name) {
      const parts = list.parts(name);
      if (!parts) throw new Error(`capability ${name} is not started`);
      return parts.state;
    },
    registerListeners(routes, deps) {
      for (const { part } of list.each('listeners')) part(routes, deps);
    },
    // Each job's name is prefixed with its capability's.
    jobs: () =>
      list
        .each('jobs')
        .flatMap(({ name, part }) => part.map((job) => ({ ...job, name: `${name}:${job.name}` }))),
    async forgetWorkspace(teamId) {
      const failures: unknown[] = [];
      for (const { part } of list.each('cleanup'))
        await part.forgetWorkspace?.(teamId).catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    },
    async stop() {
      for (const { part } of list.each('cleanup')) await part.stop?.().catch(() => undefined);
    },
  };
}
