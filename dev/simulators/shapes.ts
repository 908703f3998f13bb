import { z } from 'zod';

/**
 * "Shapes" mode: answers the way a real service may and a simulator usually does not, to prove the
 * client tolerates it (issue #11). Like the fault knobs it is set per simulator (`shapes` option,
 * `setShapes`, `POST /__sim/shapes`), and applies to every successful JSON answer:
 * - `nulls`: every optional field (all but those the provider's API marks mandatory for reading
 *   the resource: its `keep` list) becomes `null`;
 * - `extraFields`: every object gets fields the documentation does not have;
 * - `unknownEnums`: every other item of a list gets values outside the documented enumerations;
 * - `otherReadings`: where the documentation leaves a behaviour open (an inferred error code, a
 *   time unit, paging), the simulator follows the other reading than its default (issue #37). Each
 *   simulator names its readings in `READINGS` and in its provider's README, so a client test can
 *   run under both (`describe.each([false, true])`) and a guess the client relies on shows up.
 *   `true` turns every reading's other on; a list of `READINGS` names turns on only those, for
 *   readings that exclude each other (UpCloud: the whole list at once, or pages of its own size).
 */
/** A change of settings: only what is given changes (no defaults, unlike zod's `.partial()` of defaults). */
export const shapeSettingsSchema = z.strictObject({
  nulls: z.boolean().optional(),
  extraFields: z.boolean().optional(),
  unknownEnums: z.boolean().optional(),
  otherReadings: z.union([z.boolean(), z.array(z.string().min(1).max(40)).max(20)]).optional(),
});
export interface ShapeSettings {
  nulls: boolean;
  extraFields: boolean;
  unknownEnums: boolean;
  /** `true`: every reading's other; a list: the other of the readings named (`READINGS` keys). */
  otherReadings: boolean | readonly string[];
}

export const NO_SHAPES: ShapeSettings = {
  nulls: false,
  extraFields: false,
  unknownEnums: false,
  otherReadings: false,
};

/** One behaviour the documentation leaves open: what the simulator does by default and in `otherReadings`. */
export interface Reading {
  /** The default: the reading the client was written for. */
  usual: string;
  other: string;
  /** Where the sources leave it open. */
  source: string;
}

/** What a simulator declares about its responses, so shapes keep what makes an item an item. */
export interface ShapeRules {
  /** Fields never nulled (ids, names, the state): the service documents them as always present. */
  keep: readonly string[];
  /** Enumerated fields: in shapes mode they get a value the documentation does not list. */
  enums: readonly string[];
}

export function reshape(body: unknown, settings: ShapeSettings, rules: ShapeRules): unknown {
  if (!settings.nulls && !settings.extraFields && !settings.unknownEnums) return body;
  return walk(body, settings, rules, { index: 0 });
}

function walk(value: unknown, s: ShapeSettings, rules: ShapeRules, at: { index: number }): unknown {
  if (Array.isArray(value)) return value.map((item, index) => walk(item, s, rules, { index }));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (s.unknownEnums && rules.enums.includes(key) && at.index % 2 === 1 && field !== null)
      out[key] = typeof field === 'number' ? 97 : 'UNDOCUMENTED_VALUE';
    else if (s.nulls && !rules.keep.includes(key) && (typeof field !== 'object' || field === null))
      out[key] = null;
    else out[key] = walk(field, s, rules, { index: 0 });
  }
  if (s.extraFields) {
    out.x_sim_undocumented = 'added by the simulator in shapes mode';
    out.x_sim_nested = { level: 1, values: [1, 'two', null] };
  }
  return out;
}
