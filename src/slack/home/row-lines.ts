import type { StartedCapabilities } from '../../contract/started.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';

/**
 * The lines the capabilities draw under each row of a list or of Home (who is on a failure, the
 * window that holds it), by `connection:id`, from their facts read from their stores only: a
 * capability that cannot read adds nothing, the rows are still drawn.
 */
export async function rowLinesOf(
  capabilities: Pick<StartedCapabilities, 'factsOf' | 'rowLines'>,
  team: string,
  resources: readonly MigrationResource[],
  tr: Translator,
  now: number,
): Promise<Map<string, string[]>> {
  const facts = await capabilities.factsOf(team, resources, now);
  const lines = new Map<string, string[]>();
  for (const r of resources) {
    const ref = `${r.connection}:${r.id}`;
    const drawn = capabilities.rowLines(facts.get(ref), tr, now, r);
    if (drawn.length > 0) lines.set(ref, drawn);
  }
  return lines;
}
