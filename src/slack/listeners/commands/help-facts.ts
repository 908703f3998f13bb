import type { HandlerContext } from '../../../contract/handler-context.js';
import type { HelpFacts } from '../../../contract/subcommand.js';
import { providerDefinition, providerDefinitions } from '../../../providers/registry.js';

/** The shortest start of `id` (4 characters at least) that no other id shares. */
export function uniquePrefix(id: string, ids: readonly string[]): string {
  for (let n = 4; n < id.length; n++) {
    const prefix = id.slice(0, n);
    if (ids.filter((other) => other.startsWith(prefix)).length === 1) return prefix;
  }
  return id;
}

/**
 * This workspace's connections and the ids it has seen (the resource index, which lists and lookups
 * fill): help reads them and calls no provider, so it answers at once even when one is slow.
 */
export async function helpFacts(ctx: HandlerContext): Promise<HelpFacts> {
  const { connections } = ctx.deps;
  const { resolver } = ctx.deps.resources;
  const own = connections.forTeam(ctx.teamId);
  const { entries } = await resolver.index.read(ctx.teamId);
  const ids = entries.map((e) => e.id);
  return {
    connection: ({ kind, stored } = {}) =>
      own.find(
        (c) =>
          (!kind || providerDefinition(c.provider).kinds.includes(kind)) &&
          (!stored || connections.isStored(c)),
      )?.name,
    id: ({ kinds, states } = {}) => {
      const ofKind = entries.filter((e) => !kinds || kinds.includes(e.kind));
      // The states in the order given: `resume` names a paused migration before a failed one.
      const fitting = (states ?? []).map((state) => ofKind.find((e) => e.state === state)).find(Boolean);
      const chosen = fitting ?? ofKind[0];
      return chosen ? uniquePrefix(chosen.id, ids) : undefined;
    },
    provider: () => own[0]?.provider ?? providerDefinitions()[0]!.id,
  };
}
