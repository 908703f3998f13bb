import { CAPABILITIES } from '../../src/capabilities/registry.js';

/** Each capability's declared dependencies, by name, as it declares them (`Capability.needs`). */
export const CAPABILITY_NEEDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  CAPABILITIES.map((c) => [c.name, c.needs ?? []]),
);

/** `names` with every capability that needs one of them, directly or through another. */
export function withDependents(
  names: readonly string[],
  needs: Readonly<Record<string, readonly string[]>> = CAPABILITY_NEEDS,
): string[] {
  const out = new Set(names);
  // Each turn adds at least one name or ends: at most one turn per capability.
  for (let turn = 0; turn <= Object.keys(needs).length; turn++) {
    const more = Object.entries(needs).filter(([n, its]) => !out.has(n) && its.some((x) => out.has(x)));
    if (more.length === 0) break;
    for (const [n] of more) out.add(n);
  }
  return [...out];
}
