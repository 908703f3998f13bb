import type { HttpSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

/** Every started capability's HTTP routes (served beside the health routes) and API reads. */
export function collectHttp(list: StartedList): HttpSeam {
  return {
    routes: (deps) => list.each('http').flatMap(({ part }) => [...(part.routes?.(deps) ?? [])]),
    apiReads: () => list.each('http').flatMap(({ part }) => [...(part.apiReads ?? [])]),
  };
}
