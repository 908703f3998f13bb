/** A capability as leaving some out reads it: its name and the capabilities it needs, by name. */
interface Needing {
  name: string;
  needs?: readonly string[];
}

/**
 * The capabilities without `names` and without every one that needs one of them, directly or
 * through another (its declared `needs`): a configuration in which each folder can go. A name not
 * in the list is refused, so a typo does not leave everything in.
 */
export function leaveOut<C extends Needing>(all: readonly C[], names: readonly string[] = []): C[] {
  const known = new Set(all.map((c) => c.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`no capability named ${unknown.join(', ')} to leave out`);
  const out = new Set(names);
  // Each turn leaves out at least one more, or ends: at most one turn per capability.
  for (let turn = 0; turn <= all.length; turn++) {
    const more = all.filter((c) => !out.has(c.name) && (c.needs ?? []).some((n) => out.has(n)));
    if (more.length === 0) break;
    for (const c of more) out.add(c.name);
  }
  return all.filter((c) => !out.has(c.name));
}
