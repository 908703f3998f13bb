/**
 * Each capability's declared dependencies, by name: what it imports of another folder and needs
 * started (leaving one out leaves out those that need it). Kept here until the contract declares
 * them (`Capability.needs`).
 */
export const CAPABILITY_NEEDS: Readonly<Record<string, readonly string[]>> = {
  api: ['approvals'],
  'delta-runs': ['approvals'],
  evidence: ['plans'],
  guardrails: ['windows'],
  objects: ['delta-runs'],
  plans: ['approvals'],
};

/** `names` with every capability that needs one of them, directly or through another. */
export function withDependents(
  names: readonly string[],
  needs: Readonly<Record<string, readonly string[]>> = CAPABILITY_NEEDS,
): string[] {
  const out = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, its] of Object.entries(needs))
      if (!out.has(name) && its.some((n) => out.has(n))) grew = out.add(name).size > 0;
  }
  return [...out];
}
